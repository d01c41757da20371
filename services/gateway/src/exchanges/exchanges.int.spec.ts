import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresBlobStore } from '@relais/blob-store';
import type { FileRef, LetterCode, TransmissionEvent } from '@relais/domain';
import { PostgresEventStore } from '@relais/event-store';
import { TransmissionCommands } from '@relais/service-kit';
import { minimalPdf } from '@relais/testing';
import { acteForm, acteMetadata, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let commands: TransmissionCommands;
let blobs: PostgresBlobStore;
let mySiren: string;
let mine: string;
let theirs: string;
let supervisor: string;
let sequence = 0;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

beforeAll(async () => {
  gw = await startGateway();
  commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  blobs = new PostgresBlobStore(gw.db.pool);
  mySiren = await gw.registerCollectivite();
  ({ token: mine } = await gw.issueToken('collectivite', mySiren));
  ({ token: theirs } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  ({ token: supervisor } = await gw.issueToken('supervisor'));
});

afterAll(async () => {
  await gw.close();
});

/** A submitted acte of the caller, taken to `sent`, and acknowledged (with an IDActe) unless told otherwise. */
async function acte(acknowledge = true): Promise<{ id: string; idActe: string }> {
  sequence += 1;
  const numeroInterne = `REPLY_${sequence}`;
  const response = await gw.call('/api/v1/actes', { method: 'POST', token: mine, body: acteForm(acteMetadata({ numeroInterne }), minimalPdf('Acte'), []) });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  const at = new Date().toISOString();
  const file = { fileName: `RLS-EACT--${mySiren}--20260105-${sequence}.tar.gz`, sha256: 'c'.repeat(64) };
  await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
  await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
  await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 1024 } });
  await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
  const idActe = `021-${mySiren}-20260105-${numeroInterne}-DE`;
  if (acknowledge) {
    await commands.execute({
      type: 'RecordAcknowledgment',
      data: { transmissionId: id, at, acknowledgment: { kind: 'acte', idActe, dateReception: '2026-01-05' } },
    });
  }
  return { id, idActe };
}

/** The préfecture's letter about the acte, with one PDF stored as the transmitter stores it; returns that document. */
async function letter(id: string, code: LetterCode): Promise<FileRef> {
  const bytes = minimalPdf(`Courrier ${code} ${id}`);
  const { sha256: hash, size } = await blobs.put(Readable.from([bytes]));
  const document = { sha256: hash, size, name: `courrier-${code}.pdf`, mediaType: 'application/pdf' };
  await commands.execute({
    type: 'RecordLetter',
    data: {
      transmissionId: id,
      at: new Date().toISOString(),
      code,
      messageId: `EACT--PREF021-${mySiren}-20260110-${id}-${code}.tar.gz`,
      dateCourrierPref: '2026-01-10',
      text: 'Merci de transmettre le plan de financement.',
      documents: [document],
    },
  });
  return document;
}

interface Part {
  readonly bytes: Uint8Array;
  readonly name?: string;
  readonly type?: string;
}

function replyForm(metadata: unknown, documents: readonly Part[]): FormData {
  const form = new FormData();
  form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  for (const { bytes, name = 'reponse.pdf', type = 'application/pdf' } of documents) form.append('documents', new Blob([bytes], { type }), name);
  return form;
}

function reply(id: string, exchange: number | string, body: RequestInit['body'], token = mine, headers: Record<string, string> = {}): Promise<Response> {
  return gw.call(`/api/v1/actes/${id}/exchanges/${exchange}/replies`, { method: 'POST', token, body, headers });
}

async function history(id: string): Promise<readonly TransmissionEvent[]> {
  return (await commands.load(id)).events;
}

const answers = (events: readonly TransmissionEvent[]): readonly TransmissionEvent[] =>
  events.filter((event) => event.type === 'TransmissionReplyRequested' && event.data.requestedBy !== 'relais');

describe('POST /api/v1/actes/{id}/exchanges/{number}/replies', () => {
  it('answers a 2-1 with a 2-2: 202 {id, exchange, code, status}, the document stored and shown with the exchange, and only once', async () => {
    const { id } = await acte();
    await letter(id, '2-1');
    const document = minimalPdf('Réponse au courrier simple', 3000);
    const response = await reply(id, 1, replyForm({ code: '2-2' }, [{ bytes: document, name: 'réponse.pdf' }]));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id, exchange: 1, code: '2-2', status: 'requested' });

    const [answer] = answers(await history(id));
    expect(answer).toMatchObject({
      type: 'TransmissionReplyRequested',
      data: { exchange: 1, code: '2-2', requestedBy: expect.stringMatching(/^token:/), documents: [{ sha256: sha256(document), size: document.length, name: 'réponse.pdf', mediaType: 'application/pdf' }] },
    });
    const view = (await (await gw.call(`/api/v1/transmissions/${id}`, { token: mine })).json()) as { status: string; acte: { exchanges: { replies: { code: string }[] }[] } };
    expect(view.status).toBe('acknowledged');
    expect(view.acte.exchanges[0]?.replies.map((r) => r.code)).toEqual(['2-2']);

    // The same answer again, or another one: the letter was answered.
    for (const again of [replyForm({ code: '2-2' }, [{ bytes: document, name: 'réponse.pdf' }]), replyForm({ code: '2-2' }, [{ bytes: minimalPdf('Autre') }])]) {
      const refused = await reply(id, 1, again);
      expect(refused.status).toBe(409);
      expect(await errorCodes(refused)).toEqual(['TRANSMISSION.REPLY_NOT_ALLOWED']);
    }
    expect(answers(await history(id))).toHaveLength(1);
  });

  it('sends several pièces complémentaires (3-4) in the order given, each under the media type its bytes show', async () => {
    const { id } = await acte();
    await letter(id, '3-1');
    const xml = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<plan/>\n', 'latin1');
    const parts = [{ bytes: minimalPdf('Plan de financement') }, { bytes: png, name: 'plan.png', type: 'application/octet-stream' }, { bytes: xml, name: 'plan.xml', type: 'text/plain' }];
    const response = await reply(id, 1, replyForm({ code: '3-4' }, parts));
    expect(response.status).toBe(202);
    const [answer] = answers(await history(id));
    expect(answer?.type === 'TransmissionReplyRequested' && answer.data.documents.map((d) => [d.sha256, d.mediaType])).toEqual([
      [sha256(parts[0]!.bytes), 'application/pdf'],
      [sha256(png), 'image/png'],
      [sha256(xml), 'application/xml'],
    ]);
  });

  it('refuses what does not fit the letter (409 TRANSMISSION.REPLY_NOT_ALLOWED), a letter of no exchange (404), an acte without AR (409)', async () => {
    const { id } = await acte();
    await letter(id, '4-1');
    await letter(id, '5-1');
    const one = [{ bytes: minimalPdf('Réponse') }];
    const cases: [number | string, unknown, number, string][] = [
      [1, { code: '2-2' }, 409, 'TRANSMISSION.REPLY_NOT_ALLOWED'],
      [1, { code: '3-4' }, 409, 'TRANSMISSION.REPLY_NOT_ALLOWED'],
      [2, { code: '4-4' }, 409, 'TRANSMISSION.REPLY_NOT_ALLOWED'],
      [3, { code: '4-4' }, 404, 'TRANSMISSION.EXCHANGE_NOT_FOUND'],
      ['0', { code: '4-4' }, 404, 'TRANSMISSION.EXCHANGE_NOT_FOUND'],
      ['un', { code: '4-4' }, 404, 'TRANSMISSION.EXCHANGE_NOT_FOUND'],
    ];
    for (const [exchange, metadata, status, code] of cases) {
      const response = await reply(id, exchange, replyForm(metadata, one));
      expect([exchange, response.status, await errorCodes(response)]).toEqual([exchange, status, [code]]);
    }
    expect(answers(await history(id))).toEqual([]);
    expect((await reply(id, 1, replyForm({ code: '4-3' }, one))).status).toBe(202);

    const sent = await acte(false);
    const early = await reply(sent.id, 1, replyForm({ code: '2-2' }, one));
    expect(early.status).toBe(409);
    expect(await errorCodes(early)).toEqual(['TRANSMISSION.INVALID_TRANSITION']);
  });

  it('refuses to answer for a cancelled acte', async () => {
    const { id, idActe } = await acte();
    await letter(id, '2-1');
    const at = new Date().toISOString();
    await commands.execute({ type: 'RequestCancellation', data: { transmissionId: id, at, requestedBy: 'token:test' } });
    await commands.execute({ type: 'RecordMessageSent', data: { transmissionId: id, at, code: '6-1', fileName: `RLS-EACT--${mySiren}--20260111-99.tar.gz`, sha256: 'e'.repeat(64) } });
    await commands.execute({ type: 'RecordCancellation', data: { transmissionId: id, at, idActe } });
    const response = await reply(id, 1, replyForm({ code: '2-2' }, [{ bytes: minimalPdf('Trop tard') }]));
    expect(response.status).toBe(409);
    expect(await errorCodes(response)).toEqual(['TRANSMISSION.REPLY_NOT_ALLOWED']);
  });

  it('answers 422 with the field at fault for a bad code, a wrong number of documents or a bad file, recording and serving nothing', async () => {
    const { id } = await acte();
    await letter(id, '3-1');
    const whole = minimalPdf('Réponse');
    const truncated = whole.subarray(0, whole.length - 20);
    const encrypted = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\nstartxref\n9\n%%EOF\n', 'latin1');
    const text = Buffer.from('Ceci est une réponse.\n'.repeat(40), 'utf8');
    const cases: [unknown, Part[], { code: string; field: string }[]][] = [
      [{ code: '3-2' }, [{ bytes: whole }], [{ code: 'REPLY.INVALID_CODE', field: 'code' }]],
      [{}, [{ bytes: whole }], [{ code: 'METADATA.MISSING_FIELD', field: 'code' }]],
      [['3-3'], [{ bytes: whole }], [{ code: 'METADATA.INVALID', field: 'metadata' }]],
      [{ code: '3-4' }, [], [{ code: 'REPLY.DOCUMENT_COUNT', field: 'documents' }]],
      [{ code: '3-3' }, [{ bytes: whole }, { bytes: png, name: 'b.png', type: 'image/png' }], [{ code: 'REPLY.DOCUMENT_COUNT', field: 'documents' }]],
      [{ code: '3-4' }, [{ bytes: whole }, { bytes: text }], [{ code: 'REPLY.DOCUMENT_NOT_PDF', field: 'documents[1]' }]],
      [{ code: '3-4' }, [{ bytes: text, name: 'reponse.txt', type: 'text/plain' }], [{ code: 'REPLY.DOCUMENT_FORMAT_INVALID', field: 'documents[0]' }]],
      [{ code: '3-4' }, [{ bytes: truncated }], [{ code: 'REPLY.DOCUMENT_TRUNCATED', field: 'documents[0]' }]],
      [{ code: '3-4' }, [{ bytes: encrypted }], [{ code: 'REPLY.DOCUMENT_ENCRYPTED', field: 'documents[0]' }]],
    ];
    for (const [metadata, parts, expected] of cases) {
      const response = await reply(id, 1, replyForm(metadata, parts));
      expect(response.status).toBe(422);
      const { errors } = (await response.json()) as { errors: { code: string; field: string }[] };
      expect(errors.map(({ code, field }) => ({ code, field }))).toEqual(expected);
    }
    expect(answers(await history(id))).toEqual([]);
    // Stored while it streamed in, the refused file is referenced by nothing: the transmission does not serve it.
    const file = await gw.call(`/api/v1/transmissions/${id}/files/${sha256(truncated)}`, { token: mine });
    expect(file.status).toBe(404);
    expect(await errorCodes(file)).toEqual(['FILE.NOT_FOUND']);
  });

  it('answers 400 to a request it cannot read: not multipart, no metadata, metadata not JSON', async () => {
    const { id } = await acte();
    await letter(id, '2-1');
    const noMetadata = new FormData();
    noMetadata.append('documents', new Blob([minimalPdf('Réponse')], { type: 'application/pdf' }), 'reponse.pdf');
    const cases: [RequestInit['body'], Record<string, string>, string][] = [
      [JSON.stringify({ code: '2-2' }), { 'content-type': 'application/json' }, 'REQUEST.NOT_MULTIPART'],
      [noMetadata, {}, 'REQUEST.MISSING_METADATA'],
      [replyForm('{code: 2-2', [{ bytes: minimalPdf('Réponse') }]), {}, 'REQUEST.METADATA_NOT_JSON'],
    ];
    for (const [body, headers, code] of cases) {
      const response = await reply(id, 1, body, mine, headers);
      expect(response.status).toBe(400);
      expect(await errorCodes(response)).toEqual([code]);
    }
  });

  it('answers 404 for another collectivité’s acte as for an unknown one, and 403 to another role', async () => {
    const { id } = await acte();
    await letter(id, '2-1');
    const form = (): FormData => replyForm({ code: '2-2' }, [{ bytes: minimalPdf('Réponse') }]);
    for (const [target, token] of [[id, theirs], ['00000000-0000-4000-8000-000000000000', mine], ['not an id!', mine]] as const) {
      const response = await reply(encodeURIComponent(target), 1, form(), token);
      expect(response.status).toBe(404);
      expect(await errorCodes(response)).toEqual(['TRANSMISSION.NOT_FOUND']);
    }
    expect((await reply(id, 1, form(), supervisor)).status).toBe(403);
    expect(answers(await history(id))).toEqual([]);
  });

  it('under an Idempotency-Key, answers a retry as the first request and records one answer', async () => {
    const { id } = await acte();
    await letter(id, '4-1');
    const form = (): FormData => replyForm({ code: '4-4' }, [{ bytes: minimalPdf('Justification') }]);
    const headers = { 'idempotency-key': `reply-${id}` };
    const first = await reply(id, 1, form(), mine, headers);
    const second = await reply(id, 1, form(), mine, headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(await second.json()).toEqual(await first.json());
    expect(answers(await history(id))).toHaveLength(1);
  });
});

describe('GET /api/v1/transmissions/{id}/files/{sha256}: the exchanges’ documents', () => {
  it('serves the préfecture’s letter and the collectivité’s answer to whoever sees the transmission', async () => {
    const { id } = await acte();
    const courrier = await letter(id, '2-1');
    const answer = minimalPdf('Réponse à télécharger');
    expect((await reply(id, 1, replyForm({ code: '2-2' }, [{ bytes: answer, name: 'reponse-mairie.pdf' }]))).status).toBe(202);

    for (const [hash, name] of [[courrier.sha256, 'courrier-2-1.pdf'], [sha256(answer), 'reponse-mairie.pdf']] as const) {
      for (const token of [mine, supervisor]) {
        const response = await gw.call(`/api/v1/transmissions/${id}/files/${hash}`, { token });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        expect(response.headers.get('content-disposition')).toContain(`filename="${name}"`);
        expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(hash);
      }
      const other = await gw.call(`/api/v1/transmissions/${id}/files/${hash}`, { token: theirs });
      expect(other.status).toBe(404);
      expect(await errorCodes(other)).toEqual(['TRANSMISSION.NOT_FOUND']);
    }
  });
});
