import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';
import { projectTransmissions } from '../../test/project.js';

let gw: TestGateway;
let mine: string;
let theirs: string;
let supervisor: string;
let auditor: string;
let admin: string;
const document = pdfBytes('the document');
const annexe = pdfBytes('the annexe');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  gw = await startGateway();
  ({ token: mine } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  ({ token: theirs } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: auditor } = await gw.issueToken('auditor'));
  admin = gw.adminToken;
});

afterAll(async () => {
  await gw.close();
});

async function submit(token: string, numeroInterne: string): Promise<string> {
  const response = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm(acteMetadata({ numeroInterne }), document, [annexe]) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Takes a submitted transmission to `failed` the way the services would. */
async function fail(id: string): Promise<void> {
  const commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  const at = new Date().toISOString();
  await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
  await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
  await commands.execute({ type: 'RecordDeliveryFailure', data: { transmissionId: id, at, attempt: 1, retryable: false, reason: 'refused' } });
}

describe('following transmissions', () => {
  it('shows a collectivité its own transmission and answers 404 for another’s, as for an unknown id', async () => {
    const id = await submit(mine, 'OWN_1');
    expect((await gw.call(`/api/v1/transmissions/${id}`, { token: mine })).status).toBe(200);
    for (const path of [`/api/v1/transmissions/${id}`, `/api/v1/transmissions/${id}/events`, `/api/v1/transmissions/${id}/files/${sha256(document)}`]) {
      const other = await gw.call(path, { token: theirs });
      expect(other.status).toBe(404);
      expect(await errorCodes(other)).toEqual(['TRANSMISSION.NOT_FOUND']);
    }
    const unknown = await gw.call('/api/v1/transmissions/00000000-0000-4000-8000-000000000000', { token: mine });
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toEqual(['TRANSMISSION.NOT_FOUND']);
    for (const token of [supervisor, auditor]) {
      expect((await gw.call(`/api/v1/transmissions/${id}`, { token })).status).toBe(200);
    }
  });

  it('lists the events of a transmission in stream order with increasing positions', async () => {
    const id = await submit(mine, 'EVENTS_1');
    await fail(id);
    const response = await gw.call(`/api/v1/transmissions/${id}/events`, { token: auditor });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { position: string; type: string; recordedAt: string; data: { transmissionId: string } }[] };
    expect(items.map((item) => item.type)).toEqual([
      'TransmissionReceived',
      'TransmissionValidated',
      'TransmissionRouted',
      'TransmissionDeliveryAttemptFailed',
      'TransmissionFailed',
    ]);
    const positions = items.map((item) => BigInt(item.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(positions).size).toBe(positions.length);
    for (const item of items) {
      expect(item.position).toMatch(/^[0-9]+$/);
      expect(item.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(item.data.transmissionId).toBe(id);
    }
  });

  it('serves only the files the transmission carries, to those who may see it', async () => {
    const id = await submit(mine, 'FILES_1');
    const document200 = await gw.call(`/api/v1/transmissions/${id}/files/${sha256(document)}`, { token: mine });
    expect(document200.status).toBe(200);
    expect(document200.headers.get('content-type')).toBe('application/pdf');
    expect(document200.headers.get('content-disposition')).toContain('deliberation.pdf');
    expect(Buffer.from(await document200.arrayBuffer())).toEqual(Buffer.from(document));
    const annexe200 = await gw.call(`/api/v1/transmissions/${id}/files/${sha256(annexe)}`, { token: supervisor });
    expect(Buffer.from(await annexe200.arrayBuffer())).toEqual(Buffer.from(annexe));

    // A blob that is stored, but by another collectivité's transmission: not reachable through this one.
    const otherDocument = pdfBytes('someone else');
    const other = await gw.call('/api/v1/actes', { method: 'POST', token: theirs, body: acteForm(acteMetadata(), otherDocument) });
    expect(other.status).toBe(202);
    const foreign = await gw.call(`/api/v1/transmissions/${id}/files/${sha256(otherDocument)}`, { token: mine });
    expect(foreign.status).toBe(404);
    expect(await errorCodes(foreign)).toEqual(['FILE.NOT_FOUND']);

    const forbidden = await gw.call(`/api/v1/transmissions/${id}/files/${sha256(document)}`, { token: admin });
    expect(forbidden.status).toBe(403);
  });

  it('lists from the read model: a collectivité its own, a supervisor all, filtered and paged', async () => {
    const a = await submit(mine, 'LIST_A');
    const b = await submit(theirs, 'LIST_B');
    await projectTransmissions(gw.db.pool);
    const own = (await (await gw.call('/api/v1/transmissions?limit=1000', { token: mine })).json()) as { items: { id: string; siren: string }[] };
    expect(own.items.map((item) => item.id)).toContain(a);
    expect(own.items.map((item) => item.id)).not.toContain(b);
    const all = (await (await gw.call('/api/v1/transmissions?limit=1000&kind=acte', { token: supervisor })).json()) as { items: { id: string }[] };
    expect(all.items.map((item) => item.id)).toEqual(expect.arrayContaining([a, b]));

    const first = (await (await gw.call('/api/v1/transmissions?limit=1', { token: supervisor })).json()) as { items: { id: string }[]; next: string };
    expect(first.items).toHaveLength(1);
    const second = (await (await gw.call(`/api/v1/transmissions?limit=1&after=${first.next}`, { token: supervisor })).json()) as { items: { id: string }[] };
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);

    const failed = (await (await gw.call('/api/v1/transmissions?status=failed', { token: supervisor })).json()) as { items: { status: string }[] };
    expect(failed.items.every((item) => item.status === 'failed')).toBe(true);

    const badStatus = await gw.call('/api/v1/transmissions?status=lost', { token: supervisor });
    expect(badStatus.status).toBe(400);
    expect(await badStatus.json()).toEqual({ errors: [expect.objectContaining({ code: 'REQUEST.INVALID_QUERY', field: 'status' })] });
    expect(await errorCodes(await gw.call('/api/v1/transmissions?limit=0', { token: supervisor }))).toEqual(['REQUEST.INVALID_QUERY']);
    expect(await errorCodes(await gw.call('/api/v1/transmissions?after=nonsense', { token: supervisor }))).toEqual(['TRANSMISSIONS.INVALID_CURSOR']);
  });

  it('retries a failed transmission for an admin or a supervisor (202), and answers 409 when it has not failed', async () => {
    const id = await submit(mine, 'RETRY_1');
    const early = await gw.call(`/api/v1/transmissions/${id}/retry`, { method: 'POST', token: supervisor });
    expect(early.status).toBe(409);
    expect(await errorCodes(early)).toEqual(['TRANSMISSION.INVALID_TRANSITION']);
    await fail(id);
    expect((await gw.call(`/api/v1/transmissions/${id}/retry`, { method: 'POST', token: mine })).status).toBe(403);
    const retried = await gw.call(`/api/v1/transmissions/${id}/retry`, { method: 'POST', token: admin });
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ id, status: 'routed' });
    const events = (await (await gw.call(`/api/v1/transmissions/${id}/events`, { token: supervisor })).json()) as { items: { type: string }[] };
    expect(events.items.at(-1)!.type).toBe('TransmissionRetryRequested');
    const unknown = await gw.call('/api/v1/transmissions/00000000-0000-4000-8000-000000000000/retry', { method: 'POST', token: supervisor });
    expect(unknown.status).toBe(404);
  });
});
