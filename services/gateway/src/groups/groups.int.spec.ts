import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import { recordPesRetour, TransmissionCommands } from '@relais/service-kit';
import { makePdf } from '@relais/testing';
import { acteForm, acteMetadata, expectStatus, jsonCall, refused, startGateway, type TestGateway } from '../../test/gateway.js';
import { projectTransmissions } from '../../test/project.js';
import { readAdminActions } from '../admin/admin-actions.js';
import { SESSION_COOKIE } from '../web/cookies.js';

let gw: TestGateway;
let store: PostgresEventStore;
/** The EPCI (the group administrator's own body), two member communes and a commune outside the group. */
let epci: string;
let member: string;
let second: string;
let outsider: string;
let memberToken: string;
let outsiderToken: string;
let groupId: string;
let groupAdmin: string;

interface Group {
  id: string;
  name: string;
  sirens: string[];
  createdAt: string;
}

const json = jsonCall;

async function submit(token: string, numeroInterne: string): Promise<string> {
  const document = makePdf({ targetBytes: 0, title: numeroInterne, lines: [numeroInterne] });
  const response = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm(acteMetadata({ numeroInterne, dateDecision: '2026-01-04' }), document) });
  return (await expectStatus<{ id: string }>(response, 202)).id;
}

/** Takes a submitted acte to its AR the way the services record it. */
async function acknowledge(id: string, siren: string, numeroInterne: string): Promise<void> {
  const commands = new TransmissionCommands(store);
  const at = new Date().toISOString();
  const file = { fileName: `SLO-EACT--${siren}--20260105-1.tar.gz`, sha256: 'c'.repeat(64) };
  await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
  await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
  await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 1024 } });
  await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
  const acknowledgment = { kind: 'acte', idActe: `021-${siren}-20260104-${numeroInterne}-DE`, dateReception: '2026-01-05' } as const;
  await commands.execute({ type: 'RecordAcknowledgment', data: { transmissionId: id, at, acknowledgment } });
}

async function pesRetour(siren: string): Promise<string> {
  const fileName = `PES_RETOUR_${siren}00013_1.xml`;
  const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<PES_Retour/>\n', 'latin1');
  const { sha256, size } = await new PostgresBlobStore(gw.db.pool).put(Readable.from([bytes]));
  const recorded = await recordPesRetour(store, { siren, siret: `${siren}00013`, fileName, nomFic: 'RETOUR_1', idPost: '021000', codCol: '001', sha256, size, messageId: fileName });
  return recorded.id;
}

async function listed(token: string, query = ''): Promise<string[]> {
  const page = await expectStatus<{ items: { id: string }[] }>(await gw.call(`/api/v1/transmissions?limit=1000${query}`, { token }), 200);
  return page.items.map((item) => item.id);
}

beforeAll(async () => {
  gw = await startGateway();
  store = new PostgresEventStore(gw.db.pool);
  [epci, member, second, outsider] = [await gw.registerCollectivite(), await gw.registerCollectivite(), await gw.registerCollectivite(), await gw.registerCollectivite()];
  memberToken = (await gw.issueToken('collectivite', member)).token;
  outsiderToken = (await gw.issueToken('collectivite', outsider)).token;
  const group = await expectStatus<Group>(await gw.call('/api/v1/admin/groups', json('POST', gw.adminToken, { name: 'CA du Grand Test', sirens: [second, member, member] })), 201);
  groupId = group.id;
  const user = await expectStatus<{ id: string; groupId: string }>(
    await gw.call('/api/v1/admin/users', json('POST', gw.adminToken, { email: 'suivi@epci.example.org', name: 'Suivi EPCI', role: 'collectivite', siren: epci, groupId })),
    201,
  );
  expect(user.groupId).toBe(groupId);
  groupAdmin = (await expectStatus<{ token: string }>(await gw.call(`/api/v1/admin/users/${user.id}/tokens`, json('POST', gw.adminToken, {})), 201)).token;
});

afterAll(async () => {
  await store.close();
  await gw.close();
});

describe('groups of collectivités', () => {
  it('are made and listed by the administrator, each change recorded on group:<id>', async () => {
    const { items } = await expectStatus<{ items: Group[] }>(await gw.call('/api/v1/admin/groups', { token: gw.adminToken }), 200);
    expect(items.find((g) => g.id === groupId)).toMatchObject({ name: 'CA du Grand Test', sirens: [member, second].sort() });
    expect((await readAdminActions(store, `group:${groupId}`)).map((a) => [a.action, a.details])).toEqual([
      ['group.create', { name: 'CA du Grand Test', sirens: [member, second].sort().join(',') }],
    ]);
  });

  it('let a group administrator read every member’s transmissions, documents and retours, and nothing of another collectivité', async () => {
    const mine = await submit(memberToken, 'GROUPE_1');
    await acknowledge(mine, member, 'GROUPE_1');
    const theirs = await submit(outsiderToken, 'DEHORS_1');
    for (const path of ['', '/events', '/stamped', '/receipt']) {
      expect([path, (await gw.call(`/api/v1/transmissions/${mine}${path}`, { token: groupAdmin })).status]).toEqual([path, 200]);
      expect([path, await refused(await gw.call(`/api/v1/transmissions/${theirs}${path}`, { token: groupAdmin }))]).toEqual([path, [404, ['TRANSMISSION.NOT_FOUND']]]);
    }
    // The web session of the same token follows the same collectivités.
    const signin = await gw.call('/signin', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.base },
      body: new URLSearchParams({ token: groupAdmin }).toString(),
    });
    const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(signin.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect((await gw.call(`/api/v1/transmissions/${mine}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } })).status).toBe(200);
    expect((await gw.call(`/api/v1/transmissions/${theirs}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } })).status).toBe(404);

    await projectTransmissions(gw.db.pool);
    expect(await listed(groupAdmin)).toContain(mine);
    expect(await listed(groupAdmin)).not.toContain(theirs);
    expect(await listed(groupAdmin, `&siren=${member}`)).toEqual([mine]);
    expect(await listed(groupAdmin, `&siren=${second}`)).toEqual([]);
    expect(await refused(await gw.call(`/api/v1/transmissions?siren=${outsider}`, { token: groupAdmin }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    expect(await refused(await gw.call('/api/v1/transmissions?siren=12', { token: groupAdmin }))).toEqual([400, ['REQUEST.INVALID_QUERY']]);
    // A member's own token still sees only its own; a supervisor narrows the list with the same filter.
    expect(await refused(await gw.call(`/api/v1/transmissions?siren=${epci}`, { token: memberToken }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    const { token: supervisor } = await gw.issueToken('supervisor');
    expect(await listed(supervisor, `&siren=${outsider}`)).toEqual([theirs]);

    const retour = await pesRetour(member);
    const retours = await expectStatus<{ items: { id: string }[] }>(await gw.call(`/api/v1/pes/retours?siren=${member}`, { token: groupAdmin }), 200);
    expect(retours.items.map((r) => r.id)).toEqual([retour]);
    expect((await gw.call(`/api/v1/pes/retours/${retour}/file`, { token: groupAdmin })).status).toBe(200);
    const foreign = await pesRetour(outsider);
    expect(await refused(await gw.call(`/api/v1/pes/retours/${foreign}/file`, { token: groupAdmin }))).toEqual([404, ['PES_RETOUR.NOT_FOUND']]);
    expect(await refused(await gw.call(`/api/v1/pes/retours?siren=${outsider}`, { token: groupAdmin }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    expect((await gw.call(`/api/v1/classification?siren=${member}`, { token: groupAdmin })).status).toBe(200);
  });

  it('keep writes with the group administrator’s own collectivité: nothing is submitted or asked in a member’s name', async () => {
    const own = await submit(groupAdmin, 'EPCI_1');
    const view = await expectStatus<{ siren: string }>(await gw.call(`/api/v1/transmissions/${own}`, { token: groupAdmin }), 200);
    expect(view.siren).toBe(epci);
    // The member's acknowledged acte: readable, but not the group administrator's to cancel.
    const theirs = await submit(memberToken, 'GROUPE_2');
    await acknowledge(theirs, member, 'GROUPE_2');
    expect(await refused(await gw.call(`/api/v1/actes/${theirs}/annulation`, { method: 'POST', token: groupAdmin }))).toEqual([404, ['TRANSMISSION.NOT_FOUND']]);
    expect(await refused(await gw.call('/api/v1/classification/requests', json('POST', groupAdmin, { siren: member })))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    const events = await expectStatus<{ items: { type: string }[] }>(await gw.call(`/api/v1/transmissions/${theirs}/events`, { token: memberToken }), 200);
    expect(events.items.map((e) => e.type)).not.toContain('TransmissionCancellationRequested');
  });

  it('stop following a member removed by the administrator from the very next request', async () => {
    const mine = await submit(memberToken, 'GROUPE_3');
    await projectTransmissions(gw.db.pool);
    expect((await gw.call(`/api/v1/transmissions/${mine}`, { token: groupAdmin })).status).toBe(200);

    const replaced = await expectStatus<Group>(await gw.call(`/api/v1/admin/groups/${groupId}/members`, json('PUT', gw.adminToken, { sirens: [second] })), 200);
    expect(replaced.sirens).toEqual([second]);
    expect(await refused(await gw.call(`/api/v1/transmissions/${mine}`, { token: groupAdmin }))).toEqual([404, ['TRANSMISSION.NOT_FOUND']]);
    expect(await listed(groupAdmin)).not.toContain(mine);
    expect(await refused(await gw.call(`/api/v1/transmissions?siren=${member}`, { token: groupAdmin }))).toEqual([404, ['COLLECTIVITE.NOT_FOUND']]);
    expect((await readAdminActions(store, `group:${groupId}`)).map((a) => [a.action, a.details['sirens']])).toEqual([
      ['group.create', [member, second].sort().join(',')],
      ['group.members.replace', second],
    ]);

    // Back in the group: followed again at once.
    await expectStatus<Group>(await gw.call(`/api/v1/admin/groups/${groupId}/members`, json('PUT', gw.adminToken, { sirens: [member, second] })), 200);
    expect((await gw.call(`/api/v1/transmissions/${mine}`, { token: groupAdmin })).status).toBe(200);
  });

  it('refuse with stable codes: an unknown member, an unknown group, a group administrator of another role', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [RequestInit & { token: string }, string, number, string[]][] = [
      [json('POST', gw.adminToken, { name: 'Trou', sirens: [member, '999999999'] }), '/api/v1/admin/groups', 422, ['COLLECTIVITE.NOT_FOUND']],
      [json('POST', gw.adminToken, { name: '', sirens: [] }), '/api/v1/admin/groups', 400, ['REQUEST.INVALID_BODY']],
      [json('POST', gw.adminToken, { name: 'Mal', sirens: ['12'] }), '/api/v1/admin/groups', 400, ['REQUEST.INVALID_BODY']],
      [json('PUT', gw.adminToken, { sirens: [member] }), `/api/v1/admin/groups/${unknown}/members`, 404, ['GROUP.NOT_FOUND']],
      [json('PUT', gw.adminToken, { sirens: [member] }), '/api/v1/admin/groups/nope/members', 404, ['GROUP.NOT_FOUND']],
      [json('PUT', gw.adminToken, { sirens: ['999999998'] }), `/api/v1/admin/groups/${groupId}/members`, 422, ['COLLECTIVITE.NOT_FOUND']],
      [json('POST', gw.adminToken, { email: 'g1@epci.example.org', name: 'G', role: 'collectivite', siren: epci, groupId: unknown }), '/api/v1/admin/users', 422, ['GROUP.NOT_FOUND']],
      [json('POST', gw.adminToken, { email: 'g2@epci.example.org', name: 'G', role: 'auditor', groupId }), '/api/v1/admin/users', 422, ['GROUP.COLLECTIVITE_ONLY']],
      [json('POST', gw.adminToken, { email: 'g3@epci.example.org', name: 'G', role: 'collectivite', siren: epci, groupId: 'x' }), '/api/v1/admin/users', 400, ['REQUEST.INVALID_BODY']],
    ];
    for (const [init, path, status, codes] of cases) {
      expect([path, init.body, await refused(await gw.call(path, init))]).toEqual([path, init.body, [status, codes]]);
    }
    const fault = await gw.call('/api/v1/admin/groups', json('POST', gw.adminToken, { name: 'Trou', sirens: [member, '999999999'] }));
    expect(((await fault.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['sirens[1]']);
    // Nothing of a refused change was kept.
    expect((await gw.db.pool.query("SELECT 1 FROM users WHERE email LIKE 'g_@epci.example.org'")).rowCount).toBe(0);
    const { items } = await expectStatus<{ items: Group[] }>(await gw.call('/api/v1/admin/groups', { token: gw.adminToken }), 200);
    expect(items.map((g) => g.name)).toEqual(['CA du Grand Test']);
  });
});
