import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SESSION_COOKIE } from '../web/cookies.js';
import { startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
/** Every body the gateway answered in this file, to look for secrets in. */
const bodies: string[] = [];
/** Whatever the process wrote to its standard output and error meanwhile (a `console.log` bypasses the logger). */
const written: string[] = [];
const restore: (() => void)[] = [];
/** Every secret this file handed to the gateway. */
const secrets = new Set<string>();

/** `fetch` on the gateway, without following redirections, keeping the answer's body. */
async function call(path: string, init: RequestInit & { token?: string; cookie?: string } = {}): Promise<{ response: Response; body: string }> {
  const { token, cookie, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  if (cookie !== undefined) headers.set('cookie', `${SESSION_COOKIE}=${cookie}`);
  const response = await fetch(`${gw.base}${path}`, { ...rest, headers, redirect: 'manual' });
  const body = await response.text();
  bodies.push(body);
  return { response, body };
}

function signinForm(token: string, headers: Record<string, string>): Promise<{ response: Response; body: string }> {
  return call('/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Opens a session from our own page; returns its id (the cookie's value). */
async function signIn(token: string): Promise<string> {
  const { response } = await signinForm(token, { origin: gw.base });
  const id = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (response.status !== 303 || id === undefined) throw new Error(`signing in: ${response.status}`);
  secrets.add(id);
  return id;
}

async function issue(role: string): Promise<{ id: string; token: string }> {
  const issued = await gw.issueToken(role as 'supervisor');
  secrets.add(issued.token);
  return issued;
}

async function count(sql: string): Promise<number> {
  const { rows } = await gw.db.pool.query<{ n: number }>(sql);
  return rows[0]?.n ?? -1;
}

function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { errors: { code: string }[] }).errors[0]?.code;
  } catch {
    return /data-code="([^"]+)"/.exec(body)?.[1];
  }
}

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    const passOn = original as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return passOn(chunk, ...rest);
    };
    restore.push(() => {
      stream.write = original;
    });
  }
  gw = await startGateway({ settings: { authFailureBurst: 10_000 } });
  secrets.add(gw.adminToken);
});

afterAll(async () => {
  for (const undo of restore.splice(0)) undo();
  await gw.close();
});

describe('security headers beyond the routes', () => {
  it('puts them on the 404 of a path no route serves, and of an asset that does not exist', async () => {
    for (const path of ['/api/v1/nothing', '/nothing', '/dashboard/assets/nothing.js']) {
      const { response } = await call(path, { token: gw.adminToken });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.has('x-powered-by')).toBe(false);
    }
  });

  it('sends Strict-Transport-Security only when the request came over HTTPS (as the proxy says), on answers and refusals alike', async () => {
    for (const path of ['/health', '/signin', '/api/v1/transmissions', '/dashboard']) {
      const https = await call(path, { headers: { 'x-forwarded-proto': 'https' } });
      expect([path, https.response.headers.get('strict-transport-security')]).toEqual([path, 'max-age=63072000; includeSubDomains']);
      const plain = await call(path);
      expect([path, plain.response.headers.has('strict-transport-security')]).toEqual([path, false]);
    }
  });
});

describe('cross-site requests on the session cookie (CSRF)', () => {
  const foreign: readonly (readonly [string, Record<string, string>])[] = [
    ['another site in Origin', { origin: 'https://evil.example' }],
    ['Origin: null (a sandboxed frame, a data: page)', { origin: 'null' }],
    ['this host on another port', { origin: 'http://127.0.0.1:1' }],
    ['no Origin and another site in Referer', { referer: 'https://evil.example/page' }],
    ['neither Origin nor Referer', {}],
  ];

  it('refuses a change asked with the cookie from anywhere but our pages (403 AUTH.CROSS_ORIGIN), and nothing changes', async () => {
    const session = await signIn(gw.adminToken);
    const victim = await issue('supervisor');
    const tokens = await count('SELECT count(*)::int AS n FROM api_tokens');
    const events = await count('SELECT count(*)::int AS n FROM events');
    for (const [what, headers] of foreign) {
      const revoke = await call(`/api/v1/admin/tokens/${victim.id}`, { method: 'DELETE', cookie: session, headers });
      expect([what, revoke.response.status, codeOf(revoke.body)]).toEqual([what, 403, 'AUTH.CROSS_ORIGIN']);
      const create = await call('/api/v1/admin/tokens', {
        method: 'POST',
        cookie: session,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin' }),
      });
      expect([what, create.response.status, codeOf(create.body)]).toEqual([what, 403, 'AUTH.CROSS_ORIGIN']);
    }
    expect(await count('SELECT count(*)::int AS n FROM api_tokens')).toBe(tokens);
    expect(await count('SELECT count(*)::int AS n FROM events')).toBe(events);
    expect((await call('/api/v1/openapi.json', { token: victim.token })).response.status).toBe(200);

    // The same from our own page goes through; so does a bearer token, which no browser sends by itself.
    const ours = await call(`/api/v1/admin/tokens/${victim.id}`, { method: 'DELETE', cookie: session, headers: { origin: gw.base } });
    expect(ours.response.status).toBe(204);
    expect((await call('/api/v1/openapi.json', { token: victim.token })).response.status).toBe(401);
    const bearer = await call('/api/v1/admin/tokens', {
      method: 'POST',
      token: gw.adminToken,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'auditor' }),
    });
    expect(bearer.response.status).toBe(201);
    secrets.add((JSON.parse(bearer.body) as { token: string }).token);
  });

  it('refuses a sign-in form posted from another site (login CSRF): no session opened, no cookie set', async () => {
    const sessions = await count('SELECT count(*)::int AS n FROM web_sessions');
    for (const [what, headers] of foreign) {
      const { response, body } = await signinForm(gw.adminToken, headers);
      expect([what, response.status, codeOf(body), response.headers.has('set-cookie')]).toEqual([what, 403, 'AUTH.CROSS_ORIGIN', false]);
    }
    expect(await count('SELECT count(*)::int AS n FROM web_sessions')).toBe(sessions);
  });

  it('refuses a sign-out asked from another site: the session goes on', async () => {
    const session = await signIn(gw.adminToken);
    for (const [what, headers] of foreign) {
      const { response, body } = await call('/signout', { method: 'POST', cookie: session, headers });
      expect([what, response.status, codeOf(body)]).toEqual([what, 403, 'AUTH.CROSS_ORIGIN']);
    }
    expect((await call('/dashboard', { cookie: session })).response.status).toBe(200);
    const ours = await call('/signout', { method: 'POST', cookie: session, headers: { origin: gw.base } });
    expect([ours.response.status, ours.response.headers.get('location')]).toEqual([303, '/signin']);
    expect(ours.response.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
    expect((await call('/dashboard', { cookie: session })).response.status).toBe(303);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/, and Secure when the page came over HTTPS', async () => {
    const plain = await signinForm(gw.adminToken, { origin: gw.base });
    const cookie = plain.response.headers.get('set-cookie') ?? '';
    const attributes = cookie.split('; ').slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(attributes).not.toContain('Secure');
    secrets.add(cookie.split(';')[0]?.split('=')[1] ?? '');

    const https = await signinForm(gw.adminToken, { origin: gw.base, 'x-forwarded-proto': 'https' });
    const secure = https.response.headers.get('set-cookie') ?? '';
    expect(secure.split('; ').slice(1)).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    secrets.add(secure.split(';')[0]?.split('=')[1] ?? '');
  });
});

describe('refused tokens are limited per client address', () => {
  let limited: TestGateway;
  let now = new Date('2026-11-02T09:00:00.000Z');

  beforeAll(async () => {
    // Three refusals at once, then one every two seconds; on the same database and namespace.
    limited = await startGateway({ db: gw.db, ns: gw.ns, settings: { adminToken: gw.adminToken, authFailureBurst: 3, authFailuresPerMinute: 30 }, clock: { now: () => now } });
  });

  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 AUTH.TOO_MANY_FAILURES with Retry-After past a burst of unknown tokens, even to a good token, until the address has waited', async () => {
    const good = await limited.issueToken('auditor');
    secrets.add(good.token);
    for (let i = 0; i < 10; i += 1) expect((await limited.call('/api/v1/openapi.json', { token: good.token })).status).toBe(200);
    for (let i = 0; i < 3; i += 1) {
      const guess = `rls_${randomBytes(32).toString('base64url')}`;
      expect((await limited.call('/api/v1/transmissions', { token: guess })).status).toBe(401);
    }
    const storm = await limited.call('/api/v1/transmissions', { token: `rls_${randomBytes(32).toString('base64url')}` });
    expect(storm.status).toBe(429);
    expect(storm.headers.get('retry-after')).toBe('2');
    expect(codeOf(await storm.text())).toBe('AUTH.TOO_MANY_FAILURES');
    // Refused before the token is looked up: a good one from this address waits too.
    expect((await limited.call('/api/v1/openapi.json', { token: good.token })).status).toBe(429);
    now = new Date(now.getTime() + 2_000);
    expect((await limited.call('/api/v1/openapi.json', { token: good.token })).status).toBe(200);
  });

  it('counts the sign-in form’s refused tokens too, answering its page with the code and Retry-After', async () => {
    now = new Date(now.getTime() + 60_000);
    const form = (token: string): Promise<Response> =>
      limited.call('/signin', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: limited.base },
        body: new URLSearchParams({ token }).toString(),
      });
    for (let i = 0; i < 3; i += 1) expect((await form(`guess-${i}-${randomBytes(8).toString('hex')}`)).status).toBe(401);
    const refused = await form(gw.adminToken);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(codeOf(await refused.text())).toBe('AUTH.TOO_MANY_FAILURES');
    now = new Date(now.getTime() + 2_000);
    const accepted = await form(gw.adminToken);
    expect(accepted.status).toBe(303);
    secrets.add(new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(accepted.headers.get('set-cookie') ?? '')?.[1] ?? '');
  });
});

describe('secrets at rest and in logs', () => {
  it('stores no token and no session id in clear: no text, jsonb or bytea column of any table holds one', async () => {
    // Issued by the API, the bootstrap administrator's, sessions opened with both: on top of whatever earlier tests made.
    await issue('supervisor');
    await signIn((await issue('auditor')).token);
    await signIn(gw.adminToken);
    const { rows: columns } = await gw.db.pool.query<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_schema, c.table_name, c.column_name, c.data_type
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'ARRAY', 'USER-DEFINED')`,
    );
    expect(columns.length).toBeGreaterThan(10);
    const values = [...secrets].filter((secret) => secret.length >= 16);
    expect(values.length).toBeGreaterThanOrEqual(5);
    const found: string[] = [];
    for (const { table_schema: schema, table_name: table, column_name: column, data_type: type } of columns) {
      const ref = `"${schema}"."${table}"."${column}"`;
      // bytea is searched as bytes (a token stored as its UTF-8); everything else as its text form.
      const match = type === 'bytea' ? `position(convert_to(s, 'UTF8') in t.${JSON.stringify(column)}) > 0` : `t.${JSON.stringify(column)}::text LIKE '%' || s || '%'`;
      const { rows } = await gw.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}"."${table}" t, unnest($1::text[]) AS s WHERE ${match}`,
        [values],
      );
      if ((rows[0]?.n ?? 0) > 0) found.push(ref);
    }
    expect(found).toEqual([]);
  });

  it('writes no token, session id or webhook secret to the logs, the console or any answer', async () => {
    const { token } = await issue('supervisor');
    const siren = await gw.registerCollectivite();
    const collectivite = await gw.issueToken('collectivite', siren);
    secrets.add(collectivite.token);
    const webhookSecret = `whsec-${randomBytes(24).toString('hex')}`;
    secrets.add(webhookSecret);
    const created = await call('/api/v1/webhooks', {
      method: 'POST',
      token: collectivite.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://erp.example.fr/relais/hook', secret: webhookSecret }),
    });
    expect(created.response.status).toBe(201);
    // Refused in every way a secret could be echoed: a bad field beside it, a malformed header, a bad cookie.
    await call('/api/v1/webhooks', {
      method: 'POST',
      token: collectivite.token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'ftp://nowhere', secret: webhookSecret }),
    });
    await call('/api/v1/webhooks', { method: 'POST', token: collectivite.token, headers: { 'content-type': 'application/json' }, body: `{"secret": "${webhookSecret}", ` });
    const unknown = `rls_${randomBytes(32).toString('base64url')}`;
    secrets.add(unknown);
    await call('/api/v1/transmissions', { token: unknown });
    await call('/api/v1/transmissions', { headers: { authorization: `Basic ${token}` } });
    await call('/dashboard', { cookie: randomBytes(32).toString('base64url') });
    await signinForm(unknown, { origin: gw.base });
    await signinForm(token, { origin: 'https://evil.example' });
    await call('/api/v1/transmissions', { token, headers: { cookie: `${SESSION_COOKIE}=${token}` } });

    expect(gw.logs.length).toBeGreaterThan(0);
    const leaks = [...secrets]
      .filter((secret) => secret.length >= 16)
      .flatMap((secret) => [
        ...gw.logs.filter((line) => line.includes(secret)).map(() => `log: …${secret.slice(-6)}`),
        ...written.filter((chunk) => chunk.includes(secret)).map(() => `console: …${secret.slice(-6)}`),
        // The one answer allowed to show a token is its issue; the webhook secret is never echoed.
        ...bodies.filter((body) => body.includes(secret) && !body.includes('"token"')).map(() => `answer: …${secret.slice(-6)}`),
      ]);
    expect(leaks).toEqual([]);
  });
});
