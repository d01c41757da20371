import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeClock } from '@relais/testing';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

// The clock of the rate limiter is frozen: a token's bucket refills only when a test says so, so the
// count of what a session and a bearer header take from one bucket is exact.
const clock = new FakeClock('2026-03-02T09:00:00.000Z');
let gw: TestGateway;
let origin: string;

beforeAll(async () => {
  gw = await startGateway({ clock });
  origin = gw.base;
});

afterAll(async () => {
  await gw.close();
});

/** A request as a browser on the page would send it: with the cookie and our Origin, not following redirects. */
function browser(path: string, cookie: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie !== undefined) headers.set('cookie', cookie);
  if ((init.method ?? 'GET') !== 'GET' && !headers.has('origin')) headers.set('origin', origin);
  return fetch(`${gw.base}${path}`, { ...init, headers, redirect: 'manual' });
}

/** Posts the sign-in form. */
function signinForm(token: string, next?: string, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams({ token, ...(next === undefined ? {} : { next }) });
  return browser('/signin', undefined, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

/** Signs in with `token`; returns the `Cookie` header value the browser will send. */
async function signIn(token: string): Promise<string> {
  const response = await signinForm(token);
  expect(response.status).toBe(303);
  const setCookie = response.headers.getSetCookie();
  expect(setCookie).toHaveLength(1);
  return setCookie[0]!.split(';')[0]!;
}

function sessionIdIn(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1);
}

describe('signing in', () => {
  it('shows a form whose field is named token, under a strict CSP', async () => {
    const response = await browser('/signin?next=/dashboard', undefined);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toMatch(/<form method="post" action="\/signin"/);
    expect(html).toMatch(/<input id="token" name="token" type="password"/);
    expect(html).toContain('name="next" value="/dashboard"');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
  });

  it('opens a session for a supervisor, in an HttpOnly SameSite=Strict cookie holding no token, and shows the dashboard', async () => {
    const { id: tokenId, token } = await gw.issueToken('supervisor');
    const response = await signinForm(token, '/dashboard');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard');
    const [setCookie] = response.headers.getSetCookie();
    expect(setCookie).toMatch(/^relais_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie!.split(';')[0]!;

    const page = await browser('/dashboard', cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard/assets/chart.umd.js" defer></script>');
    expect(html).toContain('<span class="role" id="role">supervisor</span>');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(html).not.toMatch(/\sstyle=|<style/);

    // Only the SHA-256 of the session id is stored, bound to the token.
    const { rows } = await gw.db.pool.query<{ token_id: string; id_hash: Buffer }>('SELECT token_id, id_hash FROM web_sessions WHERE token_id = $1', [tokenId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash.equals(createHash('sha256').update(sessionIdIn(cookie)).digest())).toBe(true);
  });

  it('lets the page call the API on its session, with GETs and same-origin POSTs', async () => {
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const list = await browser('/api/v1/transmissions', cookie);
    expect(list.status).toBe(200);
    // Through the guard (same origin), to the handler: an unknown transmission.
    const retry = await browser(`/api/v1/transmissions/${randomUUID()}/retry`, cookie, { method: 'POST' });
    expect(retry.status).toBe(404);
    expect(await errorCodes(retry)).toEqual(['TRANSMISSION.NOT_FOUND']);
  });

  it('answers a bad token with the form again, 401, saying why, and opens no session', async () => {
    const { id, token } = await gw.issueToken('supervisor');
    await gw.call(`/api/v1/admin/tokens/${id}`, { method: 'DELETE', token: gw.adminToken });
    for (const [bad, code, words] of [
      ['rls_not_a_token', 'SIGNIN.TOKEN_REFUSED', 'n’est pas connu'],
      [token, 'SIGNIN.TOKEN_REFUSED', 'révoqué'],
      ['   ', 'SIGNIN.TOKEN_MISSING', 'Collez votre jeton'],
    ] as const) {
      const response = await signinForm(bad, '/dashboard');
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
      const html = await response.text();
      expect(html).toContain(`data-code="${code}"`);
      expect(html).toContain(words);
      expect(html).toContain('name="token"');
      expect(html).toContain('name="next" value="/dashboard"');
    }
  });

  it('goes only to a path of this site after signing in', async () => {
    const { token } = await gw.issueToken('supervisor');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await signinForm(token, next);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/dashboard');
    }
  });

  it('refuses a sign-in form posted from another site', async () => {
    const { token } = await gw.issueToken('supervisor');
    const response = await signinForm(token, '/dashboard', { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('data-code="AUTH.CROSS_ORIGIN"');
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('the dashboard and its session', () => {
  it('sends a browser without a session to the sign-in form, and back afterwards', async () => {
    const response = await browser('/dashboard', undefined);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin?next=/dashboard');
    const stale = await browser('/dashboard', `relais_session=${'A'.repeat(43)}`);
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location')).toBe('/signin?next=/dashboard');
    expect(stale.headers.getSetCookie()[0]).toMatch(/^relais_session=; .*Max-Age=0/);
  });

  it('refuses the dashboard, its live stream and the statistics to a collectivité and to an auditor', async () => {
    const siren = await gw.registerCollectivite();
    for (const token of [(await gw.issueToken('collectivite', siren)).token, (await gw.issueToken('auditor')).token]) {
      const cookie = await signIn(token);
      const page = await browser('/dashboard', cookie);
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toContain('data-code="AUTH.FORBIDDEN"');
      expect(html).toContain('action="/signout"');
      const live = await browser('/dashboard/live', cookie);
      expect(live.status).toBe(403);
      expect(await errorCodes(live)).toEqual(['AUTH.FORBIDDEN']);
    }
  });

  it('stops a session at once when its token is revoked, and the page goes back to the form', async () => {
    const { id, token } = await gw.issueToken('supervisor');
    const cookie = await signIn(token);
    expect((await browser('/api/v1/transmissions', cookie)).status).toBe(200);
    expect((await gw.call(`/api/v1/admin/tokens/${id}`, { method: 'DELETE', token: gw.adminToken })).status).toBe(204);
    const api = await browser('/api/v1/transmissions', cookie);
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ errors: [{ code: 'AUTH.SESSION_ENDED', message: 'The token of this session was revoked' }] });
    // That refusal deleted the session: from now on it is simply unknown.
    const { rows } = await gw.db.pool.query('SELECT 1 FROM web_sessions WHERE token_id = $1', [id]);
    expect(rows).toHaveLength(0);
    const again = await browser('/api/v1/transmissions', cookie);
    expect(await again.json()).toEqual({ errors: [{ code: 'AUTH.SESSION_ENDED', message: 'The session is not known (signed out, or never opened); sign in again' }] });
    const page = await browser('/dashboard', cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/signin?next=/dashboard');
    expect(page.headers.getSetCookie()[0]).toMatch(/^relais_session=; .*Max-Age=0/);
  });

  it('ends a session when its token expires, after 30 minutes without use, and 12 hours after sign-in', async () => {
    const cases: [string, string, string][] = [
      ['api_tokens', `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = (SELECT token_id FROM web_sessions WHERE id_hash = $1)`, 'The token of this session has expired'],
      ['idle', `UPDATE web_sessions SET last_seen_at = now() - interval '30 minutes 1 second' WHERE id_hash = $1`, 'The session ended after a while without use; sign in again'],
      ['absolute', `UPDATE web_sessions SET created_at = now() - interval '12 hours 1 second', last_seen_at = now() WHERE id_hash = $1`, 'The session reached its longest lifetime; sign in again'],
    ];
    for (const [, sql, message] of cases) {
      const cookie = await signIn((await gw.issueToken('supervisor')).token);
      const hash = createHash('sha256').update(sessionIdIn(cookie)).digest();
      expect((await browser('/api/v1/transmissions', cookie)).status).toBe(200);
      await gw.db.pool.query(sql, [hash]);
      const response = await browser('/api/v1/transmissions', cookie);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [{ code: 'AUTH.SESSION_ENDED', message }] });
    }
  });

  it('keeps a session in use alive past 30 minutes', async () => {
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const hash = createHash('sha256').update(sessionIdIn(cookie)).digest();
    // Last used 29 minutes ago: still good, and the use is written down.
    await gw.db.pool.query(`UPDATE web_sessions SET created_at = now() - interval '2 hours', last_seen_at = now() - interval '29 minutes' WHERE id_hash = $1`, [hash]);
    expect((await browser('/api/v1/transmissions', cookie)).status).toBe(200);
    const { rows } = await gw.db.pool.query<{ idle: number }>('SELECT extract(epoch FROM now() - last_seen_at)::float AS idle FROM web_sessions WHERE id_hash = $1', [hash]);
    expect(rows[0]!.idle).toBeLessThan(60);
  });

  it('refuses a cross-origin request that changes something, made with the cookie', async () => {
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const path = `/api/v1/transmissions/${randomUUID()}/retry`;
    const forged: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'null' }, { origin: `${origin}.evil.example` }, { referer: 'http://evil.example/page' }];
    for (const headers of forged) {
      const response = await fetch(`${gw.base}${path}`, { method: 'POST', headers: { cookie, ...headers } });
      expect(response.status).toBe(403);
      expect(await errorCodes(response)).toEqual(['AUTH.CROSS_ORIGIN']);
    }
    // No Origin at all (a client outside any browser) is not trusted with the cookie either.
    const bare = await fetch(`${gw.base}${path}`, { method: 'POST', headers: { cookie } });
    expect(bare.status).toBe(403);
    expect(await errorCodes(bare)).toEqual(['AUTH.CROSS_ORIGIN']);
    // The Referer of our own page is enough when the Origin is missing.
    const referred = await fetch(`${gw.base}${path}`, { method: 'POST', headers: { cookie, referer: `${origin}/dashboard` } });
    expect(referred.status).toBe(404);
  });

  it('ends the session on sign-out and forgets the cookie; a cross-site sign-out does nothing', async () => {
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const forged = await browser('/signout', cookie, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(forged.status).toBe(403);
    expect((await browser('/api/v1/transmissions', cookie)).status).toBe(200);
    const out = await browser('/signout', cookie, { method: 'POST' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/signin');
    expect(out.headers.getSetCookie()[0]).toBe('relais_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    const after = await browser('/api/v1/transmissions', cookie);
    expect(after.status).toBe(401);
    expect(await errorCodes(after)).toEqual(['AUTH.SESSION_ENDED']);
  });

  it('marks the cookie Secure when the request came over HTTPS through a proxy', async () => {
    const { token } = await gw.issueToken('supervisor');
    const response = await signinForm(token, '/dashboard', { 'x-forwarded-proto': 'https' });
    expect(response.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });

  it('prefers a bearer header to the cookie', async () => {
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const response = await fetch(`${gw.base}/api/v1/transmissions`, { headers: { cookie, authorization: 'Bearer rls_unknown' } });
    expect(response.status).toBe(401);
    expect(await errorCodes(response)).toEqual(['AUTH.INVALID_TOKEN']);
  });

  it('counts a session’s requests in its token’s rate bucket', async () => {
    const { token } = await gw.issueToken('supervisor');
    const cookie = await signIn(token);
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await browser('/api/v1/transmissions', cookie)).status);
    for (let i = 0; i < 50; i++) statuses.push((await gw.call('/api/v1/transmissions', { token })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const over = await browser('/api/v1/transmissions', cookie);
    expect(over.status).toBe(429);
    expect(await errorCodes(over)).toEqual(['AUTH.RATE_LIMITED']);
    expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(429);
    clock.advance(1000);
    expect((await browser('/api/v1/transmissions', cookie)).status).toBe(200);
  });
});

describe('the dashboard’s files', () => {
  it('serves Chart.js from the installed package, with an entity tag, and nothing it does not list', async () => {
    const require = createRequire(import.meta.url);
    const installed = await readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.js'));
    const response = await browser('/dashboard/assets/chart.umd.js', undefined);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await response.arrayBuffer()).equals(installed)).toBe(true);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await browser('/dashboard/assets/chart.umd.js', undefined, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    for (const name of ['dashboard.js', 'relais.css', 'api.js', 'charts.js', 'panels.js', 'history.js', 'live.js', 'format.js', 'favicon.svg', 'chart.umd.js.map']) {
      expect([name, (await browser(`/dashboard/assets/${name}`, undefined)).status]).toEqual([name, 200]);
    }
    for (const name of ['dashboard.html', '..%2Fpackage.json', 'chart.cjs']) {
      const missing = await browser(`/dashboard/assets/${name}`, undefined);
      expect([name, missing.status]).toEqual([name, 404]);
      expect(await missing.text()).toContain('data-code="ASSET.NOT_FOUND"');
    }
  });
});

/** Reads server-sent events from a response as they come. */
class EventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  readonly frames: { event: string; data: string }[] = [];
  comments = 0;
  ended = false;

  constructor(response: Response) {
    this.reader = response.body!.getReader();
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.buffer += this.decoder.decode(value, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const frame = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          if (frame.startsWith(':')) this.comments += 1;
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = [...frame.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
          if (event !== undefined) this.frames.push({ event, data });
        }
      }
    } catch {
      // cancelled
    }
    this.ended = true;
  }

  of(type: string): { event: string; data: string }[] {
    return this.frames.filter((f) => f.event === type);
  }

  async until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(this.frames)}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

async function setCheckpoint(position: number): Promise<void> {
  await gw.db.pool.query(
    `INSERT INTO checkpoints (name, transaction_id, global_position, updated_at) VALUES ('projector:stats', '1'::xid8, $1, now())
     ON CONFLICT (name) DO UPDATE SET global_position = excluded.global_position, updated_at = now()`,
    [position],
  );
}

describe('live updates', () => {
  it('streams the statistics’ moves on the session: a notification at once, a checkpoint moved without one within the poll, at most two a second', async () => {
    await setCheckpoint(100);
    const cookie = await signIn((await gw.issueToken('supervisor')).token);
    const response = await browser('/dashboard/live', cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const events = new EventReader(response);
    try {
      await events.until('ready', () => events.of('ready').length === 1, 5000);
      // The LISTEN connection and the first poll take a moment; a notification is then passed on at once.
      await new Promise((done) => setTimeout(done, 700));
      const sentAt = Date.now();
      await gw.db.pool.query(`SELECT pg_notify('relais_stats', '150')`);
      await events.until('the notified move', () => events.of('stats').some((f) => f.data === '{"position":"150"}'), 3000);
      expect(Date.now() - sentAt).toBeLessThan(1000);

      // No notification: the 2-second poll of the checkpoint finds it.
      await new Promise((done) => setTimeout(done, 600));
      await setCheckpoint(200);
      await events.until('the polled move', () => events.of('stats').some((f) => f.data === '{"position":"200"}'), 4000);

      // A burst of twenty: the page hears at most two a second, the last one included.
      await new Promise((done) => setTimeout(done, 600));
      const before = events.of('stats').length;
      const burstAt = Date.now();
      for (let p = 301; p <= 320; p++) await gw.db.pool.query(`SELECT pg_notify('relais_stats', $1)`, [String(p)]);
      await events.until('the last of the burst', () => events.of('stats').some((f) => f.data === '{"position":"320"}'), 3000);
      await new Promise((done) => setTimeout(done, 1000));
      const burst = events.of('stats').length - before;
      const seconds = (Date.now() - burstAt) / 1000;
      expect(burst).toBeGreaterThanOrEqual(1);
      expect(burst).toBeLessThanOrEqual(Math.ceil(seconds * 2) + 1);
      expect(burst).toBeLessThan(20);
    } finally {
      await events.cancel();
    }
  }, 30_000);

  it('refuses the stream without a session, and never takes a token in the URL', async () => {
    const none = await browser('/dashboard/live', undefined);
    expect(none.status).toBe(401);
    expect(await errorCodes(none)).toEqual(['AUTH.MISSING_TOKEN']);
    const { token } = await gw.issueToken('supervisor');
    const inUrl = await browser(`/dashboard/live?token=${token}&access_token=${token}`, undefined);
    expect(inUrl.status).toBe(401);
  });

  it('ends the stream of a session whose token is revoked, saying so, at the next heartbeat', async () => {
    const { id, token } = await gw.issueToken('supervisor');
    const cookie = await signIn(token);
    const events = new EventReader(await browser('/dashboard/live', cookie));
    try {
      await events.until('ready', () => events.of('ready').length === 1, 5000);
      await gw.call(`/api/v1/admin/tokens/${id}`, { method: 'DELETE', token: gw.adminToken });
      await events.until('signedout', () => events.of('signedout').length === 1 && events.ended, 20_000);
    } finally {
      await events.cancel();
    }
  }, 30_000);

  it('ends open streams when the gateway stops, which then stops promptly', async () => {
    const second = await startGateway({ db: gw.db, ns: gw.ns });
    const { token } = await second.issueToken('supervisor');
    const login = await fetch(`${second.base}/signin`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: second.base },
      body: new URLSearchParams({ token }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const events = new EventReader(await fetch(`${second.base}/dashboard/live`, { headers: { cookie } }));
    await events.until('ready', () => events.of('ready').length === 1, 5000);
    const started = Date.now();
    await second.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await events.until('the end of the stream', () => events.ended, 2000);
    // The LISTEN connections went with the streams.
    const deadline = Date.now() + 3000;
    let listeners = -1;
    while (listeners !== 0 && Date.now() < deadline) {
      const { rows } = await gw.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'relais-gateway-live'`);
      listeners = rows.length;
      if (listeners !== 0) await new Promise((done) => setTimeout(done, 100));
    }
    expect(listeners).toBe(0);
  }, 30_000);
});
