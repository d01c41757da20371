import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let mine: string;
let mySiren: string;
let theirs: string;
const document = pdfBytes('the document');

beforeAll(async () => {
  gw = await startGateway();
  mySiren = await gw.registerCollectivite();
  ({ token: mine } = await gw.issueToken('collectivite', mySiren));
  ({ token: theirs } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
});

async function submit(numeroInterne: string): Promise<string> {
  const response = await gw.call('/api/v1/actes', { method: 'POST', token: mine, body: acteForm(acteMetadata({ numeroInterne }), document, []) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Takes a submitted acte to `sent`, then `acknowledged` with an IDActe when asked, as the services would. */
async function deliver(id: string, acknowledge: boolean): Promise<void> {
  const commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  const at = new Date().toISOString();
  const file = { fileName: 'RLS-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64) };
  await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
  await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
  await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 1024 } });
  await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
  if (acknowledge) {
    const idActe = `021-${mySiren}-20260104-${id.slice(0, 8).replace(/-/g, '_')}-DE`;
    await commands.execute({
      type: 'RecordAcknowledgment',
      data: { transmissionId: id, at, acknowledgment: { kind: 'acte', idActe, dateReception: '2026-01-05' } },
    });
  }
}

const annulation = (id: string, token: string): Promise<Response> =>
  gw.call(`/api/v1/actes/${id}/annulation`, { method: 'POST', token });

describe('POST /api/v1/actes/{id}/annulation', () => {
  it('accepts the annulation of an acknowledged acte of the caller: 202 {id, status}, and again without a second request', async () => {
    const id = await submit('ANNUL_OK');
    await deliver(id, true);
    const response = await annulation(id, mine);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, status: 'acknowledged' });
    expect((await annulation(id, mine)).status).toBe(202);
    const { events } = await new TransmissionCommands(new PostgresEventStore(gw.db.pool)).load(id);
    expect(events.filter((event) => event.type === 'TransmissionCancellationRequested')).toHaveLength(1);
  });

  it('refuses an acte without its AR: 409 TRANSMISSION.CANCELLATION_NOT_ALLOWED with a message saying why', async () => {
    for (const acknowledge of [undefined, false]) {
      const id = await submit(acknowledge === undefined ? 'ANNUL_NEW' : 'ANNUL_SENT');
      if (acknowledge !== undefined) await deliver(id, acknowledge);
      const response = await annulation(id, mine);
      expect(response.status).toBe(409);
      const body = (await response.json()) as { errors: { code: string; message: string }[] };
      expect(body.errors.map((error) => error.code)).toEqual(['TRANSMISSION.CANCELLATION_NOT_ALLOWED']);
      expect(body.errors[0]?.message).toMatch(/acknowledg/);
    }
  });

  it('answers 404 for another collectivité’s acte, as for an unknown id, and 403 for another role', async () => {
    const id = await submit('ANNUL_THEIRS');
    await deliver(id, true);
    const other = await annulation(id, theirs);
    expect(other.status).toBe(404);
    expect(await errorCodes(other)).toEqual(['TRANSMISSION.NOT_FOUND']);
    const unknown = await annulation('00000000-0000-4000-8000-000000000000', mine);
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toEqual(['TRANSMISSION.NOT_FOUND']);
    const { token: supervisor } = await gw.issueToken('supervisor');
    expect((await annulation(id, supervisor)).status).toBe(403);
  });
});
