import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import type { TransmissionPage } from '@relais/read-models';
import { TransmissionCommands } from '@relais/service-kit';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';
import { projectTransmissions } from '../../test/project.js';
import type { AuditHistory } from './transmission-history.js';

let gw: TestGateway;
let commands: TransmissionCommands;
let auditor: string;
let supervisor: string;
let collectivite: string;
let sirenA: string;
let sirenB: string;
/** Between the first two submissions and the last two. */
let middle: string;
const ids: Record<'alpha' | 'beta' | 'gamma' | 'pes', string> = { alpha: '', beta: '', gamma: '', pes: '' };

const ZERO_HASH = '0'.repeat(64);

async function submitActe(siren: string, numeroInterne: string, objet: string): Promise<string> {
  const { token } = await gw.issueToken('collectivite', siren);
  const response = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm(acteMetadata({ numeroInterne, objet }), pdfBytes(numeroInterne), []) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  gw = await startGateway();
  commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  ({ token: auditor } = await gw.issueToken('auditor'));
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  sirenA = await gw.registerCollectivite();
  sirenB = await gw.registerCollectivite();
  ({ token: collectivite } = await gw.issueToken('collectivite', sirenA));
  ids.alpha = await submitActe(sirenA, 'SRCH_ALPHA', 'Budget primitif 2026');
  ids.beta = await submitActe(sirenA, 'SRCH_BETA', 'Subvention aux associations sportives');
  await sleep(20);
  middle = new Date().toISOString();
  await sleep(20);
  ids.gamma = await submitActe(sirenB, 'SRCH_GAMMA', 'Tarifs 100% cantine');
  ids.pes = randomUUID();
  const content = Buffer.from('<PES_Aller/>');
  await commands.execute({
    type: 'SubmitPes',
    data: {
      transmissionId: ids.pes,
      at: new Date().toISOString(),
      siren: sirenB,
      pes: {
        kind: 'pes',
        nomFic: 'PESALR2_SEARCH_001',
        codCol: '001',
        idPost: '021000',
        idColl: `${sirenB}00013`,
        file: { sha256: createHash('sha256').update(content).digest('hex'), size: content.length, name: 'pes.xml', mediaType: 'application/xml' },
      },
    },
  });
  for (const id of [ids.alpha, ids.gamma]) await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at: new Date().toISOString(), errors: [] } });
  await projectTransmissions(gw.db.pool);
});

afterAll(async () => {
  await gw.close();
});

async function search(query: Record<string, string>, token = auditor): Promise<TransmissionPage> {
  const response = await gw.call(`/api/v1/audit/transmissions?${new URLSearchParams(query).toString()}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as TransmissionPage;
}

async function found(query: Record<string, string>): Promise<string[]> {
  return (await search(query)).items.map((t) => t.id);
}

async function history(id: string): Promise<AuditHistory> {
  const response = await gw.call(`/api/v1/audit/transmissions/${id}/events`, { token: auditor });
  expect(response.status).toBe(200);
  return (await response.json()) as AuditHistory;
}

/** What the `events` table holds for the stream: versions and hashes, read by SQL. */
async function rowsOf(id: string): Promise<{ position: string; version: string; type: string; hash: string }[]> {
  const { rows } = await gw.db.pool.query<{ position: string; version: string; type: string; hash: string }>(
    `SELECT global_position::text AS position, stream_version::text AS version, type, encode(hash, 'hex') AS hash
       FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [`transmission-${id}`],
  );
  return rows;
}

describe('searching transmissions (auditors)', () => {
  it('is for auditors and administrators only, like the other audit calls', async () => {
    for (const path of ['/api/v1/audit/transmissions', `/api/v1/audit/transmissions/${ids.alpha}/events`]) {
      expect((await gw.call(path, { token: auditor })).status).toBe(200);
      expect((await gw.call(path, { token: gw.adminToken })).status).toBe(200);
      for (const token of [supervisor, collectivite]) expect(await errorCodes(await gw.call(path, { token }))).toEqual(['AUTH.FORBIDDEN']);
      expect(await errorCodes(await gw.call(path))).toEqual(['AUTH.MISSING_TOKEN']);
    }
  });

  it('filters by SIREN, kind, status, text and period of reception, newest first', async () => {
    expect(await found({})).toEqual([ids.pes, ids.gamma, ids.beta, ids.alpha]);
    expect(await found({ siren: sirenA })).toEqual([ids.beta, ids.alpha]);
    expect(await found({ kind: 'pes' })).toEqual([ids.pes]);
    expect(await found({ kind: 'acte', status: 'validated' })).toEqual([ids.gamma, ids.alpha]);
    expect(await found({ siren: sirenB, status: 'received' })).toEqual([ids.pes]);
    // The text ignores case: part of the numéro interne, NomFic or objet, or the start of the id.
    expect(await found({ q: 'srch_al' })).toEqual([ids.alpha]);
    expect(await found({ q: 'ASSOCIATIONS' })).toEqual([ids.beta]);
    expect(await found({ q: 'pesalr2_search' })).toEqual([ids.pes]);
    expect(await found({ q: ids.gamma.slice(0, 13).toUpperCase() })).toEqual([ids.gamma]);
    expect(await found({ q: ids.gamma.slice(4, 13) })).toEqual([]);
    // LIKE's wildcards are plain characters.
    expect(await found({ q: '100%' })).toEqual([ids.gamma]);
    expect(await found({ q: '%' })).toEqual([ids.gamma]);
    expect(await found({ q: 'SRCH_' })).toEqual([ids.gamma, ids.beta, ids.alpha]);
    expect(await found({ q: 'SRCH__' })).toEqual([]);
    expect(await found({ from: middle })).toEqual([ids.pes, ids.gamma]);
    expect(await found({ to: middle })).toEqual([ids.beta, ids.alpha]);
    expect(await found({ from: new Date(Date.parse(middle) - 3_600_000).toISOString(), to: middle, siren: sirenA, q: 'budget' })).toEqual([ids.alpha]);
    const { items } = await search({ q: 'SRCH_ALPHA' });
    expect(items).toMatchObject([{ id: ids.alpha, kind: 'acte', siren: sirenA, status: 'validated', acte: { numeroInterne: 'SRCH_ALPHA', objet: 'Budget primitif 2026' } }]);
  });

  it('pages with an opaque cursor, neither skipping nor repeating', async () => {
    const first = await search({ limit: '3' });
    expect(first.items.map((t) => t.id)).toEqual([ids.pes, ids.gamma, ids.beta]);
    expect(first.next).toEqual(expect.any(String));
    const second = await search({ limit: '3', after: first.next! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids.alpha })] });
    const filtered = await search({ siren: sirenA, limit: '1' });
    const rest = await search({ siren: sirenA, limit: '1', after: filtered.next! });
    expect([...filtered.items, ...rest.items].map((t) => t.id)).toEqual([ids.beta, ids.alpha]);
    expect(rest.next).toBeUndefined();
    expect(await search({ siren: sirenA, limit: '1', after: filtered.next! })).toEqual(rest);
  });

  it('answers 400 REQUEST.INVALID_QUERY naming the parameter at fault', async () => {
    const cases: [string, string][] = [
      ['siren=12345', 'siren'],
      ['kind=letter', 'kind'],
      ['status=lost', 'status'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['q=a%0Ab', 'q'],
      ['from=yesterday', 'from'],
      ['to=2026-03-01', 'to'],
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'to'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['after=not-a-cursor', 'after'],
      ['siren=212102313&siren=212102313', 'siren'],
    ];
    for (const [query, field] of cases) {
      const response = await gw.call(`/api/v1/audit/transmissions?${query}`, { token: auditor });
      expect([query, response.status]).toEqual([query, 400]);
      expect([query, ((await response.json()) as { errors: unknown[] }).errors]).toEqual([query, [{ code: 'REQUEST.INVALID_QUERY', message: expect.any(String), field }]]);
    }
  });
});

describe('a transmission’s history with its hashes (auditors)', () => {
  it('lists every event of the stream in version order, with the row’s hash, its predecessor’s, and the chain checked', async () => {
    const rows = await rowsOf(ids.alpha);
    expect(rows.map((r) => r.type)).toEqual(['relais.transmission.v1.TransmissionReceived', 'relais.transmission.v1.TransmissionValidated']);
    const body = await history(ids.alpha);
    expect(body.streamId).toBe(`transmission-${ids.alpha}`);
    expect(body.chainOk).toBe(true);
    expect(body.items.map((e) => [e.position, e.version, e.type, e.hash, e.chainOk])).toEqual(rows.map((r) => [r.position, r.version, r.type, r.hash, true]));
    expect(body.items.map((e) => e.previousHash)).toEqual([ZERO_HASH, rows[0]!.hash]);
    const [received] = body.items;
    expect(JSON.stringify(received!.data)).toContain('"numeroInterne":"SRCH_ALPHA"');
    expect(received).toMatchObject({ data: { siren: sirenA }, eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(received!.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(received!.metadata).toEqual(expect.any(Object));
  });

  it('answers 404 TRANSMISSION.NOT_FOUND for an unknown id, and keeps the time-travel route beside it', async () => {
    expect(await errorCodes(await gw.call(`/api/v1/audit/transmissions/${randomUUID()}/events`, { token: auditor }))).toEqual(['TRANSMISSION.NOT_FOUND']);
    expect(await errorCodes(await gw.call('/api/v1/audit/transmissions/not%20an%20id/events', { token: auditor }))).toEqual(['TRANSMISSION.NOT_FOUND']);
    const now = await gw.call(`/api/v1/audit/transmissions/${ids.alpha}?at=${encodeURIComponent(new Date().toISOString())}`, { token: auditor });
    expect(await now.json()).toMatchObject({ id: ids.alpha, status: 'validated' });
  });

  it('marks the row a superuser altered behind the triggers’ back, and the stream whose tail was deleted', async () => {
    const pool = gw.db.pool;
    const [first] = await rowsOf(ids.beta);
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: ids.beta, at: new Date().toISOString(), errors: [] } });
    await pool.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    try {
      await pool.query(`UPDATE events SET data = jsonb_set(data, '{siren}', '"999999999"') WHERE global_position = $1`, [first!.position]);
      await pool.query(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [`transmission-${ids.gamma}`]);
    } finally {
      await pool.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    }
    const altered = await history(ids.beta);
    expect(altered.chainOk).toBe(false);
    // The edited row fails; the next one still chains to the hash stored before it.
    expect(altered.items.map((e) => [e.version, e.chainOk])).toEqual([
      ['1', false],
      ['2', true],
    ]);
    expect(altered.items[0]!.data).toMatchObject({ siren: '999999999' });
    const truncated = await history(ids.gamma);
    expect(truncated.items.map((e) => [e.version, e.chainOk])).toEqual([['1', true]]);
    expect(truncated.chainOk).toBe(false);
    expect((await history(ids.alpha)).chainOk).toBe(true);
  });
});

describe('the auditors’ page', () => {
  async function cookieOf(token: string, next?: string): Promise<{ cookie: string; location: string | null }> {
    const body = new URLSearchParams({ token, ...(next === undefined ? {} : { next }) });
    const response = await fetch(`${gw.base}/signin`, { method: 'POST', body, redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(303);
    return { cookie: response.headers.getSetCookie()[0]!.split(';')[0]!, location: response.headers.get('location') };
  }
  const page = (cookie: string | undefined): Promise<Response> => fetch(`${gw.base}/audit`, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });

  it('sends a browser without a session to the sign-in form and back, and an auditor signing in without a next to it', async () => {
    const none = await page(undefined);
    expect([none.status, none.headers.get('location')]).toEqual([303, '/signin?next=/audit']);
    const form = await (await fetch(`${gw.base}/signin`)).text();
    expect(form).toContain('name="next" value=""');
    expect((await cookieOf(auditor)).location).toBe('/audit');
    expect((await cookieOf(supervisor)).location).toBe('/dashboard');
    expect((await cookieOf(auditor, '/audit?q=SRCH')).location).toBe('/audit?q=SRCH');
    expect((await cookieOf(auditor, '//evil.example/audit')).location).toBe('/audit');
  });

  it('shows the page to auditors and administrators, under the strict CSP, and refuses it to other roles as the dashboard does', async () => {
    for (const token of [auditor, gw.adminToken]) {
      const response = await page((await cookieOf(token)).cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).toContain('<script type="module" src="/dashboard/assets/audit.js"></script>');
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(html).toContain(`<span class="role" id="role">${token === auditor ? 'auditor' : 'admin'}</span>`);
    }
    for (const token of [supervisor, collectivite]) {
      const response = await page((await cookieOf(token)).cookie);
      expect(response.status).toBe(403);
      const html = await response.text();
      expect(html).toContain('data-code="AUTH.FORBIDDEN"');
      expect(html).toContain('This page is for auditors and administrators.');
      expect(html).toContain('action="/signout"');
    }
    const script = await fetch(`${gw.base}/dashboard/assets/audit.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${gw.base}/dashboard/assets/audit.html`)).status).toBe(404);
  });
});
