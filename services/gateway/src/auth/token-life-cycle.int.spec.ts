import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';
import { readAdminActions } from '../admin/admin-actions.js';

let gw: TestGateway;
let store: PostgresEventStore;

beforeAll(async () => {
  gw = await startGateway();
  store = new PostgresEventStore(gw.db.pool);
});

afterAll(async () => {
  await store.close();
  await gw.close();
});

interface Rotated {
  id: string;
  token: string;
  role: string;
  siren?: string;
  label?: string;
  replaces: string;
  previousExpiresAt: string;
}
interface Info {
  id: string;
  state: string;
  label?: string;
  siren?: string;
  lastUsedAt?: string;
  expiresAt?: string;
  replaces?: string;
  replacedBy?: string;
}

const asJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function issue(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const response = await gw.call('/api/v1/admin/tokens', { ...asJson(body), token: gw.adminToken });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

async function list(query: string): Promise<Info[]> {
  const response = await gw.call(`/api/v1/admin/tokens?${query}`, { token: gw.adminToken });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Info[] }).items;
}

describe('the token life cycle', () => {
  it('rotates without downtime: old and new both work during the grace, then only the new one; recorded as an admin action', async () => {
    const siren = await gw.registerCollectivite();
    const old = await issue({ role: 'collectivite', siren, label: 'parapheur' });
    const response = await gw.call(`/api/v1/admin/tokens/${old.id}/rotate`, { ...asJson({ graceSeconds: 3600 }), token: gw.adminToken });
    expect(response.status).toBe(201);
    const rotated = (await response.json()) as Rotated;
    expect(rotated).toMatchObject({ role: 'collectivite', siren, label: 'parapheur', replaces: old.id });
    expect(rotated.token).not.toBe(old.token);
    const graceEnd = Date.parse(rotated.previousExpiresAt) - Date.now();
    expect(graceEnd).toBeGreaterThan(3500_000);
    expect(graceEnd).toBeLessThanOrEqual(3600_000);
    for (const token of [old.token, rotated.token]) expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(200);

    // The grace over (moved into the past here), the old token is refused and the new one goes on.
    await gw.db.pool.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [old.id]);
    const refused = await gw.call('/api/v1/transmissions', { token: old.token });
    expect(refused.status).toBe(401);
    expect(await errorCodes(refused)).toEqual(['AUTH.INVALID_TOKEN']);
    expect((await gw.call('/api/v1/transmissions', { token: rotated.token })).status).toBe(200);

    const actions = await readAdminActions(store, `token:${old.id}`);
    expect(actions.map((a) => [a.action, a.details])).toEqual([
      ['token.issue', { role: 'collectivite', siren, label: 'parapheur' }],
      ['token.rotate', { newToken: rotated.id, graceSeconds: 3600 }],
    ]);
    expect(JSON.stringify(actions)).not.toContain(rotated.token);
  });

  it('lists a collectivité’s tokens with their state, last use and rotation links, never their secrets', async () => {
    const siren = await gw.registerCollectivite();
    const used = await issue({ role: 'collectivite', siren, label: 'logiciel financier' });
    const unused = await issue({ role: 'collectivite', siren });
    const revoked = await issue({ role: 'collectivite', siren });
    expect((await gw.call(`/api/v1/admin/tokens/${revoked.id}`, { method: 'DELETE', token: gw.adminToken })).status).toBe(204);
    const before = Date.now();
    expect((await gw.call('/api/v1/transmissions', { token: used.token })).status).toBe(200);
    const rotated = (await (await gw.call(`/api/v1/admin/tokens/${unused.id}/rotate`, { ...asJson({ graceSeconds: 0 }), token: gw.adminToken })).json()) as Rotated;

    // The last use is written beside the request, not in it: wait until it shows.
    let items: Info[] = [];
    for (let i = 0; i < 50; i++) {
      items = await list(`siren=${siren}`);
      if (items.find((t) => t.id === used.id)?.lastUsedAt !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items.map((t) => t.id)).toEqual([rotated.id, revoked.id, unused.id, used.id]);
    const byId = new Map(items.map((t) => [t.id, t]));
    expect(Date.parse(byId.get(used.id)?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(byId.get(used.id)).toMatchObject({ state: 'active', label: 'logiciel financier', siren });
    expect(byId.get(revoked.id)?.state).toBe('revoked');
    // A grace of 0: the rotated token stopped at once.
    expect(byId.get(unused.id)).toMatchObject({ state: 'expired', replacedBy: rotated.id });
    expect(byId.get(rotated.id)).toMatchObject({ state: 'active', replaces: unused.id });
    expect(byId.get(used.id)?.lastUsedAt).toBeDefined();
    expect(JSON.stringify(items)).not.toMatch(/rls_/);

    expect((await list(`siren=${siren}&state=active`)).map((t) => t.id).sort()).toEqual([rotated.id, used.id].sort());
    expect(await list(`siren=${siren}&role=auditor`)).toEqual([]);
    expect((await list(`siren=${siren}&limit=1`)).map((t) => t.id)).toEqual([rotated.id]);
  });

  it('lets any token see itself and rotate itself, so that software replaces its token without an administrator', async () => {
    const own = await issue({ role: 'supervisor' });
    const seen = await gw.call('/api/v1/tokens/current', { token: own.token });
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ id: own.id, role: 'supervisor', state: 'active' });

    // No body at all: the default grace of a day.
    const response = await gw.call('/api/v1/tokens/current/rotate', { method: 'POST', token: own.token });
    expect(response.status).toBe(201);
    const rotated = (await response.json()) as Rotated;
    expect(rotated).toMatchObject({ role: 'supervisor', replaces: own.id });
    expect(Math.abs(Date.parse(rotated.previousExpiresAt) - Date.now() - 86_400_000)).toBeLessThan(60_000);
    const newSelf = (await (await gw.call('/api/v1/tokens/current', { token: rotated.token })).json()) as Info;
    expect(newSelf).toMatchObject({ id: rotated.id, replaces: own.id, state: 'active' });

    // Rotated once: the old token may not rotate again (its replacement may).
    const again = await gw.call('/api/v1/tokens/current/rotate', { ...asJson({}), token: own.token });
    expect(again.status).toBe(409);
    expect(await errorCodes(again)).toEqual(['TOKEN.ALREADY_ROTATED']);
    expect((await readAdminActions(store, `token:${own.id}`)).map((a) => [a.action, a.actor])).toEqual([
      ['token.issue', expect.stringMatching(/^token:/)],
      ['token.rotate', `token:${own.id}`],
    ]);
  });

  it('refuses with a stable code: a revoked token, an unknown one, a past expiry, a grace out of range, a bad filter', async () => {
    const revoked = await issue({ role: 'auditor' });
    await gw.call(`/api/v1/admin/tokens/${revoked.id}`, { method: 'DELETE', token: gw.adminToken });
    const cases: [string, RequestInit, number, string][] = [
      [`/api/v1/admin/tokens/${revoked.id}/rotate`, asJson({}), 409, 'TOKEN.NOT_ACTIVE'],
      ['/api/v1/admin/tokens/00000000-0000-4000-8000-000000000000/rotate', asJson({}), 404, 'TOKEN.NOT_FOUND'],
      ['/api/v1/admin/tokens/not-a-uuid/rotate', asJson({}), 404, 'TOKEN.NOT_FOUND'],
      [`/api/v1/admin/tokens/${(await issue({ role: 'auditor' })).id}/rotate`, asJson({ expiresAt: '2020-01-01T00:00:00Z' }), 422, 'TOKEN.EXPIRY_IN_PAST'],
      [`/api/v1/admin/tokens/${(await issue({ role: 'auditor' })).id}/rotate`, asJson({ graceSeconds: -1 }), 400, 'REQUEST.INVALID_BODY'],
      [`/api/v1/admin/tokens/${(await issue({ role: 'auditor' })).id}/rotate`, asJson({ graceSeconds: 40 * 86_400 }), 400, 'REQUEST.INVALID_BODY'],
      ['/api/v1/admin/tokens?state=lost', {}, 400, 'REQUEST.INVALID_QUERY'],
      ['/api/v1/admin/tokens?siren=12', {}, 400, 'REQUEST.INVALID_QUERY'],
      ['/api/v1/admin/tokens?limit=0', {}, 400, 'REQUEST.INVALID_QUERY'],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await gw.call(path, { ...init, token: gw.adminToken });
      expect([path, response.status, await errorCodes(response)]).toEqual([path, status, [code]]);
    }
    // Nothing refused left a record or a token behind.
    expect((await readAdminActions(store, `token:${revoked.id}`)).map((a) => a.action)).toEqual(['token.issue', 'token.revoke']);
    const { rows } = await gw.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM api_tokens WHERE replaces IS NOT NULL AND replaces = $1', [revoked.id]);
    expect(rows[0]?.n).toBe('0');
  });
});
