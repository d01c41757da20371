import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let siren: string;

beforeAll(async () => {
  gw = await startGateway();
  siren = await gw.registerCollectivite();
});

afterAll(async () => {
  await gw.close();
});

interface Notices {
  email: string;
  statuses: string[];
  messageTypes: string[];
  updatedAt?: string;
}

interface ErrorBody {
  errors: { code: string; message: string; field?: string }[];
}

const NOTICES = '/api/v1/users/me/notices';

async function postJson(path: string, token: string, body: unknown): Promise<Response> {
  return gw.call(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function put(token: string, body: unknown): Promise<Response> {
  return gw.call(NOTICES, { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A named user made by the administrator and a token issued to them. */
async function namedUser(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const created = await postJson('/api/v1/admin/users', gw.adminToken, body);
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const issued = await postJson(`/api/v1/admin/users/${id}/tokens`, gw.adminToken, {});
  expect(issued.status).toBe(201);
  return { id, token: ((await issued.json()) as { token: string }).token };
}

describe('GET/PUT /api/v1/users/me/notices', () => {
  it('keeps what a named user wants e-mailed, each name once and in the API’s order', async () => {
    const agent = await namedUser({ email: 'Agent.Notices@Dijon.example.org', name: 'Agent', role: 'collectivite', siren });
    const before = await gw.call(NOTICES, { token: agent.token });
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ email: 'agent.notices@dijon.example.org', statuses: [], messageTypes: [] });

    const saved = await put(agent.token, { statuses: ['failed', 'acknowledged', 'failed'], messageTypes: ['3-1', '1-2', 'anomalie-enveloppe'] });
    expect(saved.status).toBe(200);
    const body = (await saved.json()) as Notices;
    expect(body).toMatchObject({ email: 'agent.notices@dijon.example.org', statuses: ['acknowledged', 'failed'], messageTypes: ['1-2', 'anomalie-enveloppe', '3-1'] });
    expect(Date.parse(body.updatedAt ?? '')).not.toBeNaN();
    expect(await (await gw.call(NOTICES, { token: agent.token })).json()).toEqual(body);

    // What the notifier reads: the user's row, and when they first chose (kept by a later change).
    const first = await gw.db.pool.query<{ statuses: string[]; message_types: string[]; created_at: Date }>(
      'SELECT statuses, message_types, created_at FROM notice_preferences WHERE user_id = $1',
      [agent.id],
    );
    expect(first.rows).toEqual([{ statuses: ['acknowledged', 'failed'], message_types: ['1-2', 'anomalie-enveloppe', '3-1'], created_at: expect.any(Date) }]);
    expect((await put(agent.token, { statuses: [], messageTypes: ['5-1'] })).status).toBe(200);
    const second = await gw.db.pool.query<{ statuses: string[]; message_types: string[]; created_at: Date }>(
      'SELECT statuses, message_types, created_at FROM notice_preferences WHERE user_id = $1',
      [agent.id],
    );
    expect(second.rows).toEqual([{ statuses: [], message_types: ['5-1'], created_at: first.rows[0]?.created_at }]);
  });

  it('serves every role’s named users: a supervisor wants the failures of every collectivité', async () => {
    const supervisor = await namedUser({ email: 'supervision@gip.example.org', name: 'Supervision', role: 'supervisor' });
    const saved = await put(supervisor.token, { statuses: ['failed', 'nacked'], messageTypes: [] });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ email: 'supervision@gip.example.org', statuses: ['nacked', 'failed'], messageTypes: [] });
  });

  it('refuses a token issued to no named user, whatever its role: 403 AUTH.NOT_A_USER, nothing saved', async () => {
    const machine = await gw.issueToken('collectivite', siren);
    for (const token of [gw.adminToken, machine.token, (await gw.issueToken('supervisor')).token]) {
      const read = await gw.call(NOTICES, { token });
      expect([read.status, await errorCodes(read)]).toEqual([403, ['AUTH.NOT_A_USER']]);
      const write = await put(token, { statuses: ['failed'], messageTypes: [] });
      expect([write.status, await errorCodes(write)]).toEqual([403, ['AUTH.NOT_A_USER']]);
    }
    expect((await gw.call(NOTICES)).status).toBe(401);
  });

  it('answers 422 naming each unknown status or message type, and 400 for a body that is not two lists of names', async () => {
    const agent = await namedUser({ email: 'agent.validation@dijon.example.org', name: 'Agent', role: 'collectivite', siren });
    expect((await put(agent.token, { statuses: ['acknowledged'], messageTypes: ['1-2'] })).status).toBe(200);

    const unknown = await put(agent.token, { statuses: ['acknowledged', 'acked', 'sent'], messageTypes: ['9-9', '1-2', 'AR'] });
    expect(unknown.status).toBe(422);
    const { errors } = (await unknown.json()) as ErrorBody;
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['NOTICES.UNKNOWN_STATUS', 'statuses[1]'],
      ['NOTICES.UNKNOWN_MESSAGE_TYPE', 'messageTypes[0]'],
      ['NOTICES.UNKNOWN_MESSAGE_TYPE', 'messageTypes[2]'],
    ]);
    expect(errors[0]?.message).toMatch(/^acked is not a transmission status \(received, validated/);

    for (const [body, field] of [
      [{ statuses: 'failed', messageTypes: [] }, 'statuses'],
      [{ statuses: ['failed'] }, 'messageTypes'],
      [{ statuses: [3], messageTypes: [] }, 'statuses'],
      [{ statuses: [], messageTypes: [], siren }, 'siren'],
      [{ statuses: Array.from({ length: 21 }, () => 'failed'), messageTypes: [] }, 'statuses'],
      // Shape first: an unknown name beside a malformed list is not reported until the shape is right.
      [{ statuses: ['acked'], messageTypes: 'AR' }, 'messageTypes'],
    ] as const) {
      const refused = await put(agent.token, body);
      const answer = (await refused.json()) as ErrorBody;
      expect([refused.status, [...new Set(answer.errors.map((e) => `${e.code} ${e.field ?? ''}`))]]).toEqual([400, [`REQUEST.INVALID_BODY ${field}`]]);
    }
    expect((await put(agent.token, '{"statuses": [')).status).toBe(400);

    // Nothing refused was saved.
    expect(await (await gw.call(NOTICES, { token: agent.token })).json()).toMatchObject({ statuses: ['acknowledged'], messageTypes: ['1-2'] });
  });
});
