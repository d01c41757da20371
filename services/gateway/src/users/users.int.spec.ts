import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';
import { readAdminActions } from '../admin/admin-actions.js';

let gw: TestGateway;
let store: PostgresEventStore;
let sirenA: string;
let sirenB: string;

beforeAll(async () => {
  gw = await startGateway();
  store = new PostgresEventStore(gw.db.pool);
  sirenA = await gw.registerCollectivite();
  sirenB = await gw.registerCollectivite();
});

afterAll(async () => {
  await store.close();
  await gw.close();
});

interface User {
  id: string;
  email: string;
  role: string;
  siren?: string;
  collectiviteAdmin: boolean;
  disabledAt?: string;
}

async function post(path: string, token: string, body: unknown): Promise<Response> {
  return gw.call(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function created<T>(response: Response): Promise<T> {
  expect([response.status, response.status === 201 ? [] : await errorCodes(response)]).toEqual([201, []]);
  return (await response.json()) as T;
}

/** A user made by the platform's administrator, and a token issued to them. */
async function userWithToken(body: Record<string, unknown>): Promise<{ user: User; token: string; tokenId: string }> {
  const user = await created<User>(await post('/api/v1/admin/users', gw.adminToken, body));
  const issued = await created<{ id: string; token: string }>(await post(`/api/v1/admin/users/${user.id}/tokens`, gw.adminToken, {}));
  return { user, token: issued.token, tokenId: issued.id };
}

describe('named users', () => {
  it('lets a collectivité’s administrator manage its agents and tokens, and nothing of another collectivité', async () => {
    const admin = await userWithToken({ email: 'Secretaire.Mairie@Dijon.example.org', name: 'Claire Martin', role: 'collectivite', siren: sirenA, collectiviteAdmin: true });
    expect(admin.user).toMatchObject({ email: 'secretaire.mairie@dijon.example.org', role: 'collectivite', siren: sirenA, collectiviteAdmin: true });

    // An agent of A, and a token for them: it acts for A, as any collectivité token.
    const agent = await created<User>(await post('/api/v1/collectivite/users', admin.token, { email: 'agent@dijon.example.org', name: 'Paul Durand' }));
    expect(agent).toMatchObject({ role: 'collectivite', siren: sirenA, collectiviteAdmin: false });
    const agentToken = await created<{ id: string; token: string; userId: string }>(await post(`/api/v1/collectivite/users/${agent.id}/tokens`, admin.token, { label: 'poste accueil' }));
    expect(agentToken.userId).toBe(agent.id);
    expect((await gw.call('/api/v1/transmissions', { token: agentToken.token })).status).toBe(200);
    // An agent does not administer.
    const refused = await gw.call('/api/v1/collectivite/users', { token: agentToken.token });
    expect(refused.status).toBe(403);
    expect(await errorCodes(refused)).toEqual(['AUTH.NOT_COLLECTIVITE_ADMIN']);

    // A's users and tokens, and only A's.
    const other = await userWithToken({ email: 'agent@besancon.example.org', name: 'Autre', role: 'collectivite', siren: sirenB });
    const users = ((await (await gw.call('/api/v1/collectivite/users', { token: admin.token })).json()) as { items: User[] }).items;
    expect(users.map((u) => u.email)).toEqual(['agent@dijon.example.org', 'secretaire.mairie@dijon.example.org']);
    const tokens = ((await (await gw.call('/api/v1/collectivite/tokens', { token: admin.token })).json()) as { items: { id: string; siren: string; userId?: string; label?: string }[] }).items;
    expect(tokens.every((t) => t.siren === sirenA)).toBe(true);
    expect(tokens.find((t) => t.id === agentToken.id)).toMatchObject({ userId: agent.id, label: 'poste accueil' });
    for (const [path, code] of [
      [`/api/v1/collectivite/tokens/${other.tokenId}`, 'TOKEN.NOT_FOUND'],
      [`/api/v1/collectivite/users/${other.user.id}`, 'USER.NOT_FOUND'],
    ] as const) {
      const response = await gw.call(path, { method: 'DELETE', token: admin.token });
      expect([response.status, await errorCodes(response)]).toEqual([404, [code]]);
    }
    expect((await gw.call('/api/v1/transmissions', { token: other.token })).status).toBe(200);

    // The administrator revokes the agent's token: it stops at once.
    expect((await gw.call(`/api/v1/collectivite/tokens/${agentToken.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await gw.call('/api/v1/transmissions', { token: agentToken.token })).status).toBe(401);
  });

  it('disables a user and revokes every token they hold at once; a disabled user gets no new token', async () => {
    const { user, token } = await userWithToken({ email: 'auditrice@crc.example.org', name: 'Inès Leroy', role: 'auditor' });
    const second = await created<{ token: string }>(await post(`/api/v1/admin/users/${user.id}/tokens`, gw.adminToken, {}));
    expect((await gw.call('/api/v1/audit/verify', { token })).status).toBe(200);
    expect((await gw.call(`/api/v1/admin/users/${user.id}`, { method: 'DELETE', token: gw.adminToken })).status).toBe(204);
    for (const t of [token, second.token]) expect((await gw.call('/api/v1/audit/verify', { token: t })).status).toBe(401);
    const again = await post(`/api/v1/admin/users/${user.id}/tokens`, gw.adminToken, {});
    expect([again.status, await errorCodes(again)]).toEqual([409, ['USER.DISABLED']]);
    const listed = ((await (await gw.call('/api/v1/admin/users', { token: gw.adminToken })).json()) as { items: User[] }).items.find((u) => u.id === user.id);
    expect(listed?.disabledAt).toBeDefined();
  });

  it('records every change as an administrative action naming the user by id, never their address or name', async () => {
    const { user, tokenId } = await userWithToken({ email: 'superviseur@gip.example.org', name: 'Jeanne Petit', role: 'supervisor' });
    await gw.call(`/api/v1/admin/users/${user.id}`, { method: 'DELETE', token: gw.adminToken });
    expect((await readAdminActions(store, `user:${user.id}`)).map((a) => [a.action, a.details])).toEqual([
      ['user.create', { role: 'supervisor', collectiviteAdmin: false }],
      ['user.disable', {}],
    ]);
    expect((await readAdminActions(store, `token:${tokenId}`)).map((a) => [a.action, a.details['user']])).toEqual([['token.issue', user.id]]);
    const { rows } = await gw.db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM events WHERE data::text ILIKE '%superviseur@gip%' OR data::text LIKE '%Jeanne Petit%'`);
    expect(rows[0]?.n).toBe('0');
  });

  it('refuses with a stable code: an address taken, a siren where none belongs or missing, an unknown user', async () => {
    await created(await post('/api/v1/admin/users', gw.adminToken, { email: 'unique@example.org', name: 'Un', role: 'auditor' }));
    const cases: [string, unknown, number, string][] = [
      ['/api/v1/admin/users', { email: 'UNIQUE@example.org', name: 'Deux', role: 'auditor' }, 409, 'USER.EMAIL_TAKEN'],
      ['/api/v1/admin/users', { email: 'a@example.org', name: 'A', role: 'supervisor', siren: sirenA }, 422, 'TOKEN.SIREN_NOT_ALLOWED'],
      ['/api/v1/admin/users', { email: 'b@example.org', name: 'B', role: 'collectivite' }, 422, 'TOKEN.SIREN_REQUIRED'],
      ['/api/v1/admin/users', { email: 'c@example.org', name: 'C', role: 'collectivite', siren: '999999999' }, 422, 'COLLECTIVITE.NOT_FOUND'],
      ['/api/v1/admin/users', { email: 'not an address', name: 'D', role: 'auditor' }, 400, 'REQUEST.INVALID_BODY'],
      ['/api/v1/admin/users/00000000-0000-4000-8000-000000000000/tokens', {}, 404, 'USER.NOT_FOUND'],
    ];
    for (const [path, body, status, code] of cases) {
      const response = await post(path, gw.adminToken, body);
      expect([path, response.status, await errorCodes(response)]).toEqual([path, status, [code]]);
    }
  });
});
