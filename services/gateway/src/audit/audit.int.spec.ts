import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore, sealNext } from '@relais/event-store';
import { waitUntilReadable } from '@relais/testing';
import { TransmissionCommands } from '@relais/service-kit';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';
import type { AuditPage, AuditVerification } from './audit.reader.js';

let gw: TestGateway;
let auditor: string;
let collectivite: string;
let supervisor: string;
const ids: string[] = [];

beforeAll(async () => {
  gw = await startGateway();
  ({ token: auditor } = await gw.issueToken('auditor'));
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: collectivite } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  for (const numeroInterne of ['AUDIT_1', 'AUDIT_2', 'AUDIT_3']) {
    const response = await gw.call('/api/v1/actes', { method: 'POST', token: collectivite, body: acteForm(acteMetadata({ numeroInterne }), pdfBytes(numeroInterne), []) });
    expect(response.status).toBe(202);
    ids.push(((await response.json()) as { id: string }).id);
  }
});

afterAll(async () => {
  await gw.close();
});

async function page(after: string | undefined, limit: number): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: String(limit), ...(after === undefined ? {} : { after }) });
  const response = await gw.call(`/api/v1/audit/events?${query.toString()}`, { token: auditor });
  expect(response.status).toBe(200);
  return (await response.json()) as AuditPage;
}

describe('the auditors’ API', () => {
  it('is for auditors and administrators only', async () => {
    for (const path of ['/api/v1/audit/events', '/api/v1/audit/verify', `/api/v1/audit/transmissions/${ids[0]!}`]) {
      expect((await gw.call(path, { token: auditor })).status).toBe(200);
      expect((await gw.call(path, { token: gw.adminToken })).status).toBe(200);
      for (const token of [supervisor, collectivite]) expect(await errorCodes(await gw.call(path, { token }))).toEqual(['AUTH.FORBIDDEN']);
      expect((await gw.call(path)).status).toBe(401);
    }
  });

  it('pages through every event once, in the order readers see, with each row’s hash', async () => {
    const seen: AuditPage['items'][number][] = [];
    let after: string | undefined;
    for (;;) {
      const { items, next } = await page(after, 3);
      if (items.length === 0) {
        expect(next).toBe(after ?? 'start');
        break;
      }
      seen.push(...items);
      after = next;
    }
    const { rows } = await gw.db.pool.query<{ position: string; stream_id: string; hash: Buffer }>(
      'SELECT global_position::text AS position, stream_id, hash FROM events ORDER BY transaction_id, global_position',
    );
    expect(seen.map((e) => [e.position, e.streamId, e.hash])).toEqual(rows.map((r) => [r.position, r.stream_id, r.hash.toString('hex')]));
    expect(seen.filter((e) => e.type === 'relais.transmission.v1.TransmissionReceived').map((e) => e.streamId)).toEqual(ids.map((id) => `transmission-${id}`));
    const bad = await gw.call('/api/v1/audit/events?after=not-a-cursor', { token: auditor });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { code: string; field: string }[] }).errors).toMatchObject([{ code: 'REQUEST.INVALID_QUERY', field: 'after' }]);
  });

  it('shows a transmission as it stood at a chosen moment', async () => {
    const id = ids[0]!;
    const before = new Date(Date.now() - 3_600_000).toISOString();
    await sleep(20);
    const received = new Date().toISOString();
    await sleep(20);
    const commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at: new Date().toISOString(), errors: [] } });
    const at = async (instant: string) => gw.call(`/api/v1/audit/transmissions/${id}?at=${encodeURIComponent(instant)}`, { token: auditor });
    expect(await ((await at(received)).json())).toMatchObject({ id, status: 'received' });
    expect(await ((await at(new Date().toISOString())).json())).toMatchObject({ id, status: 'validated' });
    expect(await errorCodes(await at(before))).toEqual(['TRANSMISSION.NOT_FOUND']);
    expect(await errorCodes(await at('yesterday'))).toEqual(['REQUEST.INVALID_QUERY']);
  });

  it('answers, at each moment of a recorded flow, exactly what GET /transmissions/{id} said then', async () => {
    const id = ids[1]!;
    const commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
    const said: [string, unknown][] = [];
    const snapshot = async (): Promise<void> => {
      await sleep(15);
      const instant = new Date().toISOString();
      const response = await gw.call(`/api/v1/transmissions/${id}`, { token: collectivite });
      expect(response.status).toBe(200);
      said.push([instant, await response.json()]);
      await sleep(15);
    };
    const data = () => ({ transmissionId: id, at: new Date().toISOString() });
    await snapshot();
    await commands.execute({ type: 'RecordValidation', data: { ...data(), errors: [] } });
    await snapshot();
    await commands.execute({ type: 'Route', data: { ...data(), endpointId: 'prefecture-021', channel: 'actes' } });
    await snapshot();
    await commands.execute({ type: 'RecordPackage', data: { ...data(), fileName: 'EACT--214400012--20260105-1.tar.gz', sha256: 'a'.repeat(64), size: 2048 } });
    await commands.execute({ type: 'RecordSent', data: { ...data(), attempt: 1, fileName: 'EACT--214400012--20260105-1.tar.gz', sha256: 'a'.repeat(64) } });
    await snapshot();
    await commands.execute({ type: 'GiveUp', data: { ...data(), reason: 'CHANNEL.SERVER_PIN_MISMATCH: another certificate' } });
    await snapshot();
    expect(said.map(([, body]) => (body as { status: string }).status)).toEqual(['received', 'validated', 'routed', 'sent', 'failed']);
    for (const [instant, body] of said) {
      const then = await gw.call(`/api/v1/audit/transmissions/${id}?at=${encodeURIComponent(instant)}`, { token: auditor });
      expect(await then.json()).toEqual(body);
    }
  });

  it('verifies the chain, and names the first row a superuser altered behind the triggers’ back', async () => {
    const clean = (await (await gw.call('/api/v1/audit/verify', { token: auditor })).json()) as AuditVerification;
    const { rows } = await gw.db.pool.query<{ n: number; position: string }>(
      `SELECT count(*)::int AS n, min(global_position) FILTER (WHERE type = 'relais.transmission.v1.TransmissionReceived')::text AS position FROM events`,
    );
    expect(clean).toEqual({ ok: true, checked: rows[0]!.n, seals: { ok: true, checked: 0, eventsSealed: 0 } });
    const position = rows[0]!.position;
    const original = (await gw.db.pool.query<{ siren: string }>(`SELECT data->>'siren' AS siren FROM events WHERE global_position = $1`, [position])).rows[0]!.siren;
    await gw.db.pool.query('ALTER TABLE events DISABLE TRIGGER ALL');
    await gw.db.pool.query(`UPDATE events SET data = jsonb_set(data, '{siren}', '"999999999"') WHERE global_position = $1`, [position]);
    await gw.db.pool.query('ALTER TABLE events ENABLE TRIGGER ALL');
    const broken = (await (await gw.call('/api/v1/audit/verify', { token: auditor })).json()) as AuditVerification;
    expect(broken).toMatchObject({ ok: false, firstBroken: { position, reason: 'hash_mismatch', streamId: `transmission-${ids[0]!}` } });
    await gw.db.pool.query('ALTER TABLE events DISABLE TRIGGER ALL');
    await gw.db.pool.query(`UPDATE events SET data = jsonb_set(data, '{siren}', to_jsonb($2::text)) WHERE global_position = $1`, [position, original]);
    await gw.db.pool.query('ALTER TABLE events ENABLE TRIGGER ALL');
  });

  it('recomputes the seals over the whole log: a stored hash rewritten is caught where the seal covering it starts', async () => {
    await waitUntilReadable(gw.db.pool);
    while (await sealNext(gw.db.pool, { everyEvents: 3, everyMs: 0 }));
    const sealed = (await (await gw.call('/api/v1/audit/verify', { token: auditor })).json()) as AuditVerification;
    expect(sealed).toMatchObject({ ok: true, seals: { ok: true, lastSeal: { seal: expect.any(String) as unknown as string } } });
    expect(sealed.seals?.eventsSealed).toBe(sealed.checked);
    // A row's stored hash changed (as if its chain had been recomputed): only the seals can tell.
    const { rows } = await gw.db.pool.query<{ position: string }>('SELECT max(global_position)::text AS position FROM events');
    await gw.db.pool.query('ALTER TABLE events DISABLE TRIGGER ALL');
    await gw.db.pool.query('UPDATE events SET hash = sha256(hash) WHERE global_position = $1', [rows[0]!.position]);
    await gw.db.pool.query('ALTER TABLE events ENABLE TRIGGER ALL');
    const caught = (await (await gw.call('/api/v1/audit/verify', { token: auditor })).json()) as AuditVerification;
    expect(caught.ok).toBe(false);
    expect(caught.seals).toMatchObject({ ok: false, firstBroken: { reason: 'seal_mismatch', toPosition: rows[0]!.position } });
    // A range leaves the seals out: they cover the whole log.
    const range = (await (await gw.call(`/api/v1/audit/verify?from=1&to=${rows[0]!.position}`, { token: auditor })).json()) as AuditVerification;
    expect(range.seals).toBeUndefined();
  });
});
