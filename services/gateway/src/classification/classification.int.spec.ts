import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import { ClassificationCommands } from '@relais/service-kit';
import { retourClassificationXml as retourClassification } from '@relais/testing';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let commands: ClassificationCommands;
let blobs: PostgresBlobStore;
let admin: string;
let supervisor: string;
let auditor: string;

beforeAll(async () => {
  gw = await startGateway();
  commands = new ClassificationCommands(new PostgresEventStore(gw.db.pool));
  blobs = new PostgresBlobStore(gw.db.pool);
  admin = gw.adminToken;
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: auditor } = await gw.issueToken('auditor'));
});

afterAll(async () => {
  await gw.close();
});

interface Classification {
  siren: string;
  source: string;
  dateClassification: string;
  receivedAt?: string;
  confirmedAt?: string;
  codes: string[];
  natures?: Record<string, string[]>;
  requests: { id: string; requestedAt: string; requestedBy: string; sentAt?: string; answer?: { code: string; at: string; dateClassification: string } }[];
}

async function collectivite(): Promise<{ siren: string; token: string }> {
  const siren = await gw.registerCollectivite();
  return { siren, token: (await gw.issueToken('collectivite', siren)).token };
}

async function classification(token: string, query = ''): Promise<Classification> {
  const response = await gw.call(`/api/v1/classification${query}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Classification;
}

function ask(token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return gw.call('/api/v1/classification/requests', {
    method: 'POST',
    token,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
  });
}

async function accepted(response: Response): Promise<{ id: string; status: string }> {
  expect(response.status).toBe(202);
  return (await response.json()) as { id: string; status: string };
}

/** The préfecture's server took the 7-1, then its 7-2 arrived: stored as the transmitter stores it. */
async function receive(siren: string, requestId: string, bytes: Buffer, date: string): Promise<void> {
  const at = new Date().toISOString();
  await commands.execute({ type: 'RecordClassificationRequestSent', data: { siren, at, requestId, fileName: `RLS-EACT--${siren}--20261101-1.tar.gz`, sha256: 'a'.repeat(64) } });
  const { sha256, size } = await blobs.put(Readable.from([bytes]));
  await commands.execute({ type: 'RecordClassification', data: { siren, at, dateClassification: date, sha256, size, messageId: `EACT--PREF021-${siren}-${date}-1.tar.gz` } });
}

describe('GET /api/v1/classification', () => {
  it('shows a new collectivité the platform’s default: its date, every matière code and each nature’s piece types', async () => {
    const { siren, token } = await collectivite();
    const body = await classification(token);
    expect(body).toMatchObject({ siren, source: 'default', dateClassification: '2019-03-01', requests: [] });
    expect(body.receivedAt).toBeUndefined();
    expect(body.codes).toEqual(expect.arrayContaining(['1', '1.1', '7', '7.1', '9.4']));
    expect(body.natures?.['DE']).toContain('99_DE');
    expect(body.natures?.['BF']).toContain('99_BU');
  });

  it('shows the préfecture’s 7-2 once received, parsed from its bytes, and the request it answered', async () => {
    const { siren, token } = await collectivite();
    const { id } = await accepted(await ask(token));
    await receive(siren, id, retourClassification('2026-11-01', ['1', '1.1', '7', '7.2', '7.2.1'], { DE: ['99_DE', '22_AG'] }), '2026-11-01');
    const body = await classification(token);
    expect(body).toMatchObject({
      siren,
      source: 'prefecture',
      dateClassification: '2026-11-01',
      receivedAt: expect.any(String),
      codes: ['1', '1.1', '7', '7.2', '7.2.1'],
      natures: { DE: ['99_DE', '22_AG'] },
      requests: [{ id, requestedBy: expect.stringMatching(/^token:/), sentAt: expect.any(String), answer: { code: '7-2', dateClassification: '2026-11-01' } }],
    });
    expect(body.codes).not.toContain('7.1');
    // Another collectivité with the same 7-2 shows the same codes.
    const other = await collectivite();
    await accepted(await ask(other.token));
    const { requests } = await classification(other.token);
    await receive(other.siren, requests[0]?.id ?? '', retourClassification('2026-11-01', ['1', '1.1', '7', '7.2', '7.2.1'], { DE: ['99_DE', '22_AG'] }), '2026-11-01');
    expect((await classification(other.token)).codes).toEqual(body.codes);
  });

  it('shows when the préfecture confirmed the classification held (7-3)', async () => {
    const { siren, token } = await collectivite();
    const { id } = await accepted(await ask(token));
    const at = new Date().toISOString();
    await commands.execute({ type: 'RecordClassificationRequestSent', data: { siren, at, requestId: id, fileName: `RLS-EACT--${siren}--20261101-1.tar.gz`, sha256: 'b'.repeat(64) } });
    await commands.execute({ type: 'RecordClassificationUnchanged', data: { siren, at, dateClassification: '2019-03-01', messageId: `EACT--PREF021-${siren}-7-3.tar.gz` } });
    const body = await classification(token);
    expect(body).toMatchObject({ source: 'default', confirmedAt: at, requests: [{ id, answer: { code: '7-3', at } }] });
  });

  it('lets the other roles read any collectivité’s by ?siren= (required), and hides another’s from a collectivité', async () => {
    const { siren, token } = await collectivite();
    for (const reader of [admin, supervisor, auditor]) expect((await classification(reader, `?siren=${siren}`)).siren).toBe(siren);
    for (const [query, status, code] of [
      ['', 400, 'REQUEST.INVALID_QUERY'],
      ['?siren=12', 400, 'REQUEST.INVALID_QUERY'],
      ['?siren=999999999', 404, 'COLLECTIVITE.NOT_FOUND'],
    ] as const) {
      const response = await gw.call(`/api/v1/classification${query}`, { token: supervisor });
      expect([query, response.status, await errorCodes(response)]).toEqual([query, status, [code]]);
    }
    expect((await classification(token, `?siren=${siren}`)).siren).toBe(siren);
    const other = await collectivite();
    const hidden = await gw.call(`/api/v1/classification?siren=${other.siren}`, { token });
    expect(hidden.status).toBe(404);
    expect(await errorCodes(hidden)).toEqual(['COLLECTIVITE.NOT_FOUND']);
  });
});

describe('POST /api/v1/classification/requests', () => {
  it('records a 7-1 request: 202 {id, status}; while it is open, another answers with it and records nothing', async () => {
    const { siren, token } = await collectivite();
    const first = await accepted(await ask(token));
    expect(first).toEqual({ id: expect.any(String), status: 'requested' });
    expect(await accepted(await ask(token, {}))).toEqual(first);
    await commands.execute({
      type: 'RecordClassificationRequestSent',
      data: { siren, at: new Date().toISOString(), requestId: first.id, fileName: `RLS-EACT--${siren}--20261101-1.tar.gz`, sha256: 'c'.repeat(64) },
    });
    expect(await accepted(await ask(token))).toEqual({ id: first.id, status: 'sent' });
    expect((await commands.load(siren)).state.requests).toHaveLength(1);
  });

  it('asks again once the last request was answered, and under an Idempotency-Key names the same request on a retry', async () => {
    const { siren, token } = await collectivite();
    const first = await accepted(await ask(token));
    await receive(siren, first.id, retourClassification('2026-11-01', ['7', '7.2']), '2026-11-01');
    const headers = { 'idempotency-key': `classification-${siren}` };
    const second = await accepted(await ask(token, undefined, headers));
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('requested');
    expect(await accepted(await ask(token, undefined, headers))).toEqual(second);
    const { requests } = await classification(token);
    expect(requests.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(requests[0]?.answer?.code).toBe('7-2');
    const bad = await ask(token, undefined, { 'idempotency-key': 'é' });
    expect(bad.status).toBe(400);
    expect(await errorCodes(bad)).toEqual(['REQUEST.INVALID_IDEMPOTENCY_KEY']);
  });

  it('lets an administrator ask for a collectivité named in the body; refuses other roles and bad bodies', async () => {
    const { siren, token } = await collectivite();
    const byAdmin = await accepted(await ask(admin, { siren }));
    expect((await classification(token)).requests.map((r) => r.id)).toEqual([byAdmin.id]);
    for (const [body, status, code] of [
      [{}, 400, 'REQUEST.INVALID_BODY'],
      [{ siren: '12' }, 400, 'REQUEST.INVALID_BODY'],
      [{ siren, extra: true }, 400, 'REQUEST.INVALID_BODY'],
      [{ siren: '999999999' }, 404, 'COLLECTIVITE.NOT_FOUND'],
    ] as const) {
      const response = await ask(admin, body);
      expect([body, response.status, await errorCodes(response)]).toEqual([body, status, [code]]);
    }
    const other = await collectivite();
    const hidden = await ask(token, { siren: other.siren });
    expect(hidden.status).toBe(404);
    expect(await errorCodes(hidden)).toEqual(['COLLECTIVITE.NOT_FOUND']);
    expect((await ask(supervisor, { siren })).status).toBe(403);
  });
});
