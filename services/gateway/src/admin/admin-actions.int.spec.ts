import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { acteForm, acteMetadata, newSiren, startGateway, type TestGateway } from '../../test/gateway.js';
import { AdminBootstrapService, BOOTSTRAP_ACTOR } from '../auth/admin-bootstrap.service.js';
import { hashToken } from '../auth/token.js';
import { ADMIN_ACTION_RECORDED, adminStreamId, readAdminActions, recordAdminAction, withAdminAction } from './admin-actions.js';

let gw: TestGateway;
let store: PostgresEventStore;
/** `actorOf` the bootstrap administrator. */
let admin: string;

beforeAll(async () => {
  gw = await startGateway();
  store = new PostgresEventStore(gw.db.pool);
  const { rows } = await gw.db.pool.query<{ id: string }>('SELECT id FROM api_tokens WHERE token_hash = $1', [hashToken(gw.adminToken)]);
  admin = `token:${rows[0]?.id ?? 'missing'}`;
});

afterAll(async () => {
  await store.close();
  await gw.close();
});

/** Every administrative action in the log, oldest first. */
async function allAdminActions(): Promise<{ streamId: string; actor: unknown; data: Record<string, unknown> }[]> {
  const { rows } = await gw.db.pool.query<{ stream_id: string; metadata: { actor?: unknown }; data: Record<string, unknown> }>(
    'SELECT stream_id, metadata, data FROM events WHERE type = $1 ORDER BY global_position',
    [ADMIN_ACTION_RECORDED],
  );
  return rows.map((row) => ({ streamId: row.stream_id, actor: row.metadata.actor, data: row.data }));
}

describe('administrative actions recorded as events', () => {
  it("records the bootstrap administrator's registration once, as the gateway's start-up, and not again at the next start", async () => {
    const [bootstrap, ...others] = (await allAdminActions()).filter((a) => a.data['action'] === 'token.register-bootstrap');
    expect(others).toEqual([]);
    expect(bootstrap).toEqual({
      streamId: adminStreamId(admin),
      actor: BOOTSTRAP_ACTOR,
      data: expect.objectContaining({ actor: BOOTSTRAP_ACTOR, target: admin, details: { role: 'admin', source: 'setting' } }),
    });

    // What every later start does: the token is known, nothing is recorded.
    await gw.app.get(AdminBootstrapService).onApplicationBootstrap();
    expect((await allAdminActions()).filter((a) => a.data['action'] === 'token.register-bootstrap')).toHaveLength(1);
  });

  it('records an issued token under its id with the issuer, its role, siren and expiry, and never its secret', async () => {
    const siren = await gw.registerCollectivite();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const response = await gw.call('/api/v1/admin/tokens', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'collectivite', siren, expiresAt }),
    });
    expect(response.status).toBe(201);
    const issued = (await response.json()) as { id: string; token: string };

    expect(await readAdminActions(store, `token:${issued.id}`)).toEqual([
      { action: 'token.issue', actor: admin, target: `token:${issued.id}`, details: { role: 'collectivite', siren, expiresAt }, at: expect.any(String) },
    ]);
    const stored = await store.readStream(adminStreamId(`token:${issued.id}`));
    expect(stored.map((e) => e.metadata)).toEqual([{ actor: admin }]);
    expect(JSON.stringify(stored.map((e) => [e.data, e.metadata]))).not.toContain(issued.token);
  });

  it('records a revocation by whoever revoked, after the issue; an unknown token answers 404 and leaves no record', async () => {
    const issued = await gw.issueToken('supervisor');
    const revoked = await gw.call(`/api/v1/admin/tokens/${issued.id}`, { method: 'DELETE', token: gw.adminToken });
    expect(revoked.status).toBe(204);
    expect((await readAdminActions(store, `token:${issued.id}`)).map((a) => [a.action, a.actor])).toEqual([
      ['token.issue', admin],
      ['token.revoke', admin],
    ]);

    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await gw.call(`/api/v1/admin/tokens/${unknown}`, { method: 'DELETE', token: gw.adminToken });
    expect(missing.status).toBe(404);
    expect(await store.readStream(adminStreamId(`token:${unknown}`))).toEqual([]);
  });

  it('refuses a token that cannot be issued (422) without recording anything', async () => {
    const before = (await allAdminActions()).length;
    const response = await gw.call('/api/v1/admin/tokens', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'collectivite', siren: newSiren() }),
    });
    expect(response.status).toBe(422);
    expect(await allAdminActions()).toHaveLength(before);
  });

  it("records a collectivité's registration in its own event, naming the administrator", async () => {
    const siren = await gw.registerCollectivite();
    const events = await store.readStream(`collectivite-${siren}`);
    expect(events.map((e) => [e.type, e.metadata['actor'], e.data['registeredBy']])).toEqual([
      ['relais.collectivite.v1.CollectiviteRegistered', admin, admin],
    ]);
  });

  it("records a retry and a shredding in the transmission's own log, each once, naming whoever asked", async () => {
    const commands = new TransmissionCommands(store);
    const collectivite = await gw.issueToken('collectivite', await gw.registerCollectivite());
    const supervisor = await gw.issueToken('supervisor');
    const submitted = await gw.call('/api/v1/actes', { method: 'POST', token: collectivite.token, body: acteForm(acteMetadata({ numeroInterne: 'ADMIN_ACTIONS_1' })) });
    const { id } = (await submitted.json()) as { id: string };
    const at = new Date().toISOString();
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
    await commands.execute({ type: 'RecordDeliveryFailure', data: { transmissionId: id, at, attempt: 1, retryable: false, reason: 'refused' } });

    expect((await gw.call(`/api/v1/transmissions/${id}/retry`, { method: 'POST', token: supervisor.token })).status).toBe(202);
    const shred = await gw.call(`/api/v1/admin/transmissions/${id}/shred-personal-data`, {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'RGPD-2026-002' }),
    });
    expect(shred.status).toBe(200);
    const { events } = await commands.load(id);
    const asked = events.flatMap((e) => (e.type === 'TransmissionRetryRequested' || e.type === 'PersonalDataShredded' ? [[e.type, e.data.requestedBy]] : []));
    expect(asked).toEqual([
      ['TransmissionRetryRequested', `token:${supervisor.id}`],
      ['PersonalDataShredded', admin],
    ]);
  });

  it("rolls the record back with the action's own writes when the action fails", async () => {
    const target = 'token:rolled-back';
    await expect(
      withAdminAction(gw.db.pool, { action: 'test.fail', actor: admin, target }, async (client) => {
        await client.query("UPDATE api_tokens SET last_used_at = now() WHERE role = 'admin'");
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await store.readStream(adminStreamId(target))).toEqual([]);
  });

  it('records concurrent actions on one target one after the other, each at its own version', async () => {
    const target = 'transmission:concurrent';
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => recordAdminAction(store, { action: 'test.standalone', actor: admin, target, details: { i } })),
      ...Array.from({ length: 4 }, (_, i) =>
        withAdminAction(gw.db.pool, { action: 'test.transaction', actor: admin, target, details: { i } }, () => Promise.resolve()),
      ),
    ]);
    const events = await store.readStream(adminStreamId(target));
    expect(events.map((e) => e.streamVersion)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const recorded = (await readAdminActions(store, target)).map((a) => `${a.action}#${String(a.details['i'])}`).sort();
    expect(recorded).toEqual([0, 1, 2, 3].flatMap((i) => [`test.standalone#${i}`, `test.transaction#${i}`]).sort());
  });
});
