import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { shownText } from '@relais/stamp';
import { makePdf } from '@relais/testing';
import { PDFDocument } from 'pdf-lib';
import { acteForm, acteMetadata, errorCodes, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let commands: TransmissionCommands;
let mySiren: string;
let mine: string;
let theirs: string;
let supervisor: string;
let auditor: string;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const archive = (siren: string): string => `SLO-EACT--${siren}--20260105-1.tar.gz`;

/** A real two-page acte (the test library's PDFs, merged by pdf-lib). */
async function twoPageActe(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const text of ['Délibération du conseil municipal', 'Page des signatures']) {
    const [page] = await doc.copyPages(await PDFDocument.load(makePdf({ targetBytes: 0, title: text, lines: [text] })), [0]);
    doc.addPage(page);
  }
  return doc.save();
}

beforeAll(async () => {
  gw = await startGateway();
  commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  mySiren = await gw.registerCollectivite();
  ({ token: mine } = await gw.issueToken('collectivite', mySiren));
  ({ token: theirs } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: auditor } = await gw.issueToken('auditor'));
});

afterAll(async () => {
  await gw.close();
});

async function submit(numeroInterne: string, document: Uint8Array, annexes: readonly Uint8Array[] = []): Promise<string> {
  const response = await gw.call('/api/v1/actes', { method: 'POST', token: mine, body: acteForm(acteMetadata({ numeroInterne, dateDecision: '2026-01-04' }), document, annexes) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/**
 * Takes a submitted acte through delivery the way the services record it: a first attempt on 5 January
 * that got no answer, a second on 7 January, then (unless `acknowledge` is false) the AR of 8 January.
 */
async function deliver(id: string, numeroInterne: string, acknowledge = true): Promise<string> {
  const fileName = archive(mySiren);
  const packaged = sha256(Buffer.from(fileName));
  const idActe = `021-${mySiren}-20260104-${numeroInterne}-DE`;
  await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at: '2026-01-05T08:00:00.000Z', errors: [] } });
  await commands.execute({ type: 'Route', data: { transmissionId: id, at: '2026-01-05T08:00:01.000Z', endpointId: 'prefecture-021', channel: 'actes' } });
  await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at: '2026-01-05T08:00:02.000Z', fileName, sha256: packaged, size: 4096 } });
  await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at: '2026-01-05T09:00:00.000Z', attempt: 1, fileName, sha256: packaged } });
  await commands.execute({
    type: 'RecordDeliveryFailure',
    data: { transmissionId: id, at: '2026-01-06T09:00:00.000Z', attempt: 1, retryable: true, reason: 'no answer', nextAttemptAt: '2026-01-07T09:00:00.000Z' },
  });
  await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at: '2026-01-07T09:00:00.000Z', attempt: 2, fileName, sha256: packaged } });
  if (acknowledge) {
    await commands.execute({
      type: 'RecordAcknowledgment',
      data: { transmissionId: id, at: '2026-01-08T10:00:00.000Z', acknowledgment: { kind: 'acte', idActe, dateReception: '2026-01-08' } },
    });
  }
  return idActe;
}

async function pdfOf(response: Response): Promise<Uint8Array> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
  expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  return bytes;
}

describe('GET /api/v1/transmissions/{id}/stamped', () => {
  it('serves the acte stamped on its first page once acknowledged, to the collectivité, a supervisor and an auditor', async () => {
    const original = await twoPageActe();
    const id = await submit('STAMP_1', original);
    const idActe = await deliver(id, 'STAMP_1');

    const response = await gw.call(`/api/v1/transmissions/${id}/stamped`, { token: mine });
    const stamped = await pdfOf(response);
    expect(response.headers.get('content-disposition')).toContain(`filename="${idActe}-tampon.pdf"`);
    const doc = await PDFDocument.load(stamped);
    expect(doc.getPageCount()).toBe(2);
    const first = await shownText(stamped, 0);
    expect(first).toEqual(
      expect.arrayContaining(['Délibération du conseil municipal', 'Envoyé en préfecture le 05/01/2026', 'Reçu en préfecture le 08/01/2026', `ID : ${idActe}`]),
    );
    expect(await shownText(stamped, 1)).toEqual(await shownText(original, 1));

    for (const token of [supervisor, auditor]) {
      expect((await gw.call(`/api/v1/transmissions/${id}/stamped`, { token })).status).toBe(200);
    }
  });

  it('answers 409 STAMP.PDF_UNREADABLE when the acknowledged document is not a readable PDF', async () => {
    const id = await submit('STAMP_BROKEN', pdfBytes('not really a PDF'));
    await deliver(id, 'STAMP_BROKEN');
    const response = await gw.call(`/api/v1/transmissions/${id}/stamped`, { token: mine });
    expect(response.status).toBe(409);
    expect(await errorCodes(response)).toEqual(['STAMP.PDF_UNREADABLE']);
    // The bordereau needs only the facts: it is still there.
    expect((await gw.call(`/api/v1/transmissions/${id}/receipt`, { token: mine })).status).toBe(200);
  });
});

describe('GET /api/v1/transmissions/{id}/receipt', () => {
  it('serves the bordereau d’acquittement with the acte’s facts and the SHA-256 of its files', async () => {
    const document = makePdf({ targetBytes: 2000, title: 'Budget primitif', lines: ['Budget primitif 2026'] });
    const annexe = makePdf({ targetBytes: 0, title: 'Annexe budgétaire', lines: ['Annexe'] });
    const id = await submit('RECEIPT_1', document, [annexe]);
    const idActe = await deliver(id, 'RECEIPT_1');

    const response = await gw.call(`/api/v1/transmissions/${id}/receipt`, { token: mine });
    const receipt = await pdfOf(response);
    expect(response.headers.get('content-disposition')).toContain(`filename="${idActe}-accuse-reception.pdf"`);
    expect((await PDFDocument.load(receipt)).getPageCount()).toBe(1);
    const text = await shownText(receipt);
    expect(text).toEqual(
      expect.arrayContaining([
        'Accusé de réception — bordereau d’acquittement',
        `Commune ${mySiren}`,
        mySiren,
        idActe,
        'RECEIPT_1',
        '04/01/2026',
        'Délibération (DE)',
        '7.1',
        'Budget primitif',
        '05/01/2026',
        '08/01/2026',
        archive(mySiren),
        'deliberation.pdf',
        sha256(document),
        'annexe-1.pdf',
        sha256(annexe),
        id,
      ]),
    );
    expect((await gw.call(`/api/v1/transmissions/${id}/receipt`, { token: auditor })).status).toBe(200);
  });
});

describe('the documents’ refusals', () => {
  it('answers 409 DOCUMENT.NOT_ACKNOWLEDGED before the AR, just submitted or sent', async () => {
    const id = await submit('EARLY_1', makePdf({ targetBytes: 0, title: 'Acte', lines: ['Acte'] }));
    for (const path of [`/api/v1/transmissions/${id}/stamped`, `/api/v1/transmissions/${id}/receipt`]) {
      const response = await gw.call(path, { token: mine });
      expect(response.status).toBe(409);
      expect(await errorCodes(response)).toEqual(['DOCUMENT.NOT_ACKNOWLEDGED']);
    }
    await deliver(id, 'EARLY_1', false);
    for (const path of [`/api/v1/transmissions/${id}/stamped`, `/api/v1/transmissions/${id}/receipt`]) {
      const response = await gw.call(path, { token: supervisor });
      expect(response.status).toBe(409);
      expect(await errorCodes(response)).toEqual(['DOCUMENT.NOT_ACKNOWLEDGED']);
    }
  });

  it('answers 404 to another collectivité as for an unknown id, and 403 to the administrator', async () => {
    const id = await submit('OTHER_1', makePdf({ targetBytes: 0, title: 'Acte', lines: ['Acte'] }));
    await deliver(id, 'OTHER_1');
    for (const suffix of ['stamped', 'receipt']) {
      expect((await gw.call(`/api/v1/transmissions/${id}/${suffix}`, { token: mine })).status).toBe(200);
      for (const path of [`/api/v1/transmissions/${id}/${suffix}`, `/api/v1/transmissions/${randomUUID()}/${suffix}`, `/api/v1/transmissions/not%20an%20id/${suffix}`]) {
        const response = await gw.call(path, { token: theirs });
        expect(response.status).toBe(404);
        expect(await errorCodes(response)).toEqual(['TRANSMISSION.NOT_FOUND']);
      }
      expect((await gw.call(`/api/v1/transmissions/${id}/${suffix}`, { token: gw.adminToken })).status).toBe(403);
      expect((await gw.call(`/api/v1/transmissions/${id}/${suffix}`)).status).toBe(401);
    }
  });

  it('answers 404 DOCUMENT.NOT_AN_ACTE for a PES file', async () => {
    const id = randomUUID();
    const file = { sha256: sha256(Buffer.from('pes')), size: 3, name: 'pes.xml', mediaType: 'application/xml' };
    await commands.execute({
      type: 'SubmitPes',
      data: { transmissionId: id, at: '2026-01-05T08:00:00.000Z', siren: mySiren, pes: { kind: 'pes', nomFic: 'PESALR2_1', codCol: '001', idPost: '021000', idColl: '21210231300013', file } },
    });
    const response = await gw.call(`/api/v1/transmissions/${id}/receipt`, { token: mine });
    expect(response.status).toBe(404);
    expect(await errorCodes(response)).toEqual(['DOCUMENT.NOT_AN_ACTE']);
  });
});
