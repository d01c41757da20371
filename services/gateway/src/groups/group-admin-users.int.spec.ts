import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectStatus, jsonCall, refused, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let epci: string;
let member: string;
let outsider: string;

interface User {
  id: string;
  email: string;
  siren?: string;
  collectiviteAdmin: boolean;
  groupId?: string;
}

const json = jsonCall;

/** A user made by the platform's administrator, and a token issued to them. */
async function userWithToken(body: Record<string, unknown>): Promise<{ user: User; token: string; tokenId: string }> {
  const user = await expectStatus<User>(await gw.call('/api/v1/admin/users', json('POST', gw.adminToken, body)), 201);
  const issued = await expectStatus<{ id: string; token: string }>(await gw.call(`/api/v1/admin/users/${user.id}/tokens`, json('POST', gw.adminToken, {})), 201);
  return { user, token: issued.token, tokenId: issued.id };
}

beforeAll(async () => {
  gw = await startGateway();
  [epci, member, outsider] = [await gw.registerCollectivite(), await gw.registerCollectivite(), await gw.registerCollectivite()];
});

afterAll(async () => {
  await gw.close();
});

describe('a group administrator who administers collectivités', () => {
  it('manages the users and tokens of every member through the collectivité routes, and nothing of another collectivité', async () => {
    const group = await expectStatus<{ id: string }>(await gw.call('/api/v1/admin/groups', json('POST', gw.adminToken, { name: 'GIP Test', sirens: [member] })), 201);
    const admin = await userWithToken({ email: 'admin@gip.example.org', name: 'Admin GIP', role: 'collectivite', siren: epci, collectiviteAdmin: true, groupId: group.id });
    const follower = await userWithToken({ email: 'lecture@gip.example.org', name: 'Lecture GIP', role: 'collectivite', siren: epci, groupId: group.id });
    const existing = await userWithToken({ email: 'secretaire@membre.example.org', name: 'Secrétaire', role: 'collectivite', siren: member });
    const foreign = await userWithToken({ email: 'agent@dehors.example.org', name: 'Dehors', role: 'collectivite', siren: outsider });

    // A user of a member, and one of the group administrator's own body (the default).
    const agent = await expectStatus<User>(await gw.call('/api/v1/collectivite/users', json('POST', admin.token, { email: 'agent@membre.example.org', name: 'Agent', siren: member })), 201);
    expect(agent).toMatchObject({ siren: member, collectiviteAdmin: false });
    expect(agent.groupId).toBeUndefined();
    const own = await expectStatus<User>(await gw.call('/api/v1/collectivite/users', json('POST', admin.token, { email: 'agent@gip.example.org', name: 'Agent GIP' })), 201);
    expect(own.siren).toBe(epci);
    expect(
      await refused(await gw.call('/api/v1/collectivite/users', json('POST', admin.token, { email: 'x@dehors.example.org', name: 'X', siren: outsider }))),
    ).toEqual([422, ['COLLECTIVITE.NOT_FOUND']]);

    const users = async (query = ''): Promise<string[]> =>
      (await expectStatus<{ items: User[] }>(await gw.call(`/api/v1/collectivite/users${query}`, { token: admin.token }), 200)).items.map((u) => u.email);
    expect(await users()).toEqual(['admin@gip.example.org', 'agent@gip.example.org', 'agent@membre.example.org', 'lecture@gip.example.org', 'secretaire@membre.example.org']);
    expect(await users(`?siren=${member}`)).toEqual(['agent@membre.example.org', 'secretaire@membre.example.org']);
    expect(await refused(await gw.call(`/api/v1/collectivite/users?siren=${outsider}`, { token: admin.token }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    expect(await refused(await gw.call('/api/v1/collectivite/users?siren=abc', { token: admin.token }))).toEqual([400, ['REQUEST.INVALID_QUERY']]);

    // A token for the member's agent acts for the member, and shows in the member's tokens.
    const agentToken = await expectStatus<{ id: string; token: string; siren: string }>(
      await gw.call(`/api/v1/collectivite/users/${agent.id}/tokens`, json('POST', admin.token, { label: 'poste mairie' })),
      201,
    );
    expect(agentToken.siren).toBe(member);
    const current = await expectStatus<{ siren: string }>(await gw.call('/api/v1/tokens/current', { token: agentToken.token }), 200);
    expect(current.siren).toBe(member);
    const tokens = async (query = ''): Promise<{ id: string; siren: string }[]> =>
      (await expectStatus<{ items: { id: string; siren: string }[] }>(await gw.call(`/api/v1/collectivite/tokens${query}`, { token: admin.token }), 200)).items;
    expect((await tokens(`?siren=${member}`)).map((t) => t.id).sort()).toEqual([agentToken.id, existing.tokenId].sort());
    expect(new Set((await tokens()).map((t) => t.siren))).toEqual(new Set([epci, member]));
    expect((await tokens()).map((t) => t.id)).not.toContain(foreign.tokenId);

    // Revoking and disabling a member's: at once. Another collectivité's answer as unknown ones.
    expect((await gw.call(`/api/v1/collectivite/tokens/${agentToken.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await gw.call('/api/v1/tokens/current', { token: agentToken.token })).status).toBe(401);
    expect((await gw.call(`/api/v1/collectivite/users/${existing.user.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await gw.call('/api/v1/tokens/current', { token: existing.token })).status).toBe(401);
    for (const [path, code] of [
      [`/api/v1/collectivite/tokens/${foreign.tokenId}`, 'TOKEN.NOT_FOUND'],
      [`/api/v1/collectivite/users/${foreign.user.id}`, 'USER.NOT_FOUND'],
    ] as const) {
      expect(await refused(await gw.call(path, { method: 'DELETE', token: admin.token }))).toEqual([404, [code]]);
    }
    expect(await refused(await gw.call(`/api/v1/collectivite/users/${foreign.user.id}/tokens`, json('POST', admin.token, {})))).toEqual([404, ['USER.NOT_FOUND']]);
    expect((await gw.call('/api/v1/tokens/current', { token: foreign.token })).status).toBe(200);

    // A group administrator who is not a collectivité administrator follows, and administers nothing.
    expect(await refused(await gw.call('/api/v1/collectivite/users', { token: follower.token }))).toEqual([403, ['AUTH.NOT_COLLECTIVITE_ADMIN']]);
    // A member's own administrator administers the member alone, not the group's body.
    const memberAdmin = await userWithToken({ email: 'dgs@membre.example.org', name: 'DGS', role: 'collectivite', siren: member, collectiviteAdmin: true });
    expect(await refused(await gw.call(`/api/v1/collectivite/users/${own.id}`, { method: 'DELETE', token: memberAdmin.token }))).toEqual([404, ['USER.NOT_FOUND']]);
    expect(await refused(await gw.call(`/api/v1/collectivite/users?siren=${epci}`, { token: memberAdmin.token }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);

    // Out of the group, the member's users are no longer the group administrator's.
    await expectStatus(await gw.call(`/api/v1/admin/groups/${group.id}/members`, json('PUT', gw.adminToken, { sirens: [] })), 200);
    expect(await users()).toEqual(['admin@gip.example.org', 'agent@gip.example.org', 'lecture@gip.example.org']);
    expect(await refused(await gw.call(`/api/v1/collectivite/users/${agent.id}`, { method: 'DELETE', token: admin.token }))).toEqual([404, ['USER.NOT_FOUND']]);
  });
});
