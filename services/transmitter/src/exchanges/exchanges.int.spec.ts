import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { buildActeArchive, unpackArchive, type UnpackedFile } from '@relais/actes';
import type { Exchange, FileRef, Transmission } from '@relais/domain';
import { waitFor } from '@relais/service-kit/testing';
import { Platform, ofType, only } from '../../test/harness.js';
import { EXCHANGE_REPLY_CONSUMER } from './exchange-reply.consumer.js';

const MESSAGE_NAME = /^EACT--PREF021-212102313-[0-9]{8}-[0-9]+\.tar\.gz$/;

/** The préfecture writes about acknowledged actes; the transmitter records its letters and sends the answers. */
describe('relais-transmitter exchanges (2-x … 5-x)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  beforeEach(async () => {
    await platform.sim.reset();
  });

  async function transmission(id: string): Promise<Transmission> {
    const { state } = await platform.commands.load(id);
    if (state.status === 'none') throw new Error(`no transmission ${id}`);
    return state;
  }

  /** Waits until exchange `number` of the transmission satisfies `ok`. */
  function untilExchange(id: string, what: string, ok: (exchange: Exchange) => boolean, number = 1): Promise<Exchange> {
    return waitFor(`transmission ${id}: ${what}`, async () => {
      const exchange = (await transmission(id)).exchanges.find((e) => e.number === number);
      return exchange !== undefined && ok(exchange) && exchange;
    });
  }

  /** The files of the archive the simulator received under `fileName`, checked against the hash recorded. */
  async function received(fileName: string, sha256: string): Promise<UnpackedFile[]> {
    const bytes = await platform.sim.received(fileName);
    if (bytes === undefined) throw new Error(`the simulator has no ${fileName}`);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    return unpackArchive(bytes, { maxInflatedBytes: 1 << 24, maxEntries: 100 });
  }

  async function storedPdf(text: string): Promise<FileRef> {
    const { sha256, size } = await platform.blobs.put(Readable.from([Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`)]));
    return { sha256, size, name: `${text}.pdf`, mediaType: 'application/pdf' };
  }

  const mailboxEmpty = async (): Promise<void> => {
    await waitFor('the mailbox to be empty', async () => (await platform.sim.mailbox()).length === 0);
  };

  it('records a 2-1 with its letter stored in the blob store, and acknowledges it in the mailbox', async () => {
    const { id, idActe } = await platform.acknowledgedActe('LET2026_21');
    const letter = await platform.sim.letter(idActe, '2-1');
    await untilExchange(id, 'the 2-1', (e) => e.code === '2-1');

    const events = await platform.events(id);
    const received2 = only(events, 'TransmissionLetterReceived');
    expect(received2.data).toMatchObject({ exchange: 1, code: '2-1', dateCourrierPref: letter.dateCourrierPref, text: '' });
    expect(received2.data.messageId).toMatch(MESSAGE_NAME);
    expect(ofType(events, 'TransmissionReplyRequested')).toEqual([]);
    const [document] = received2.data.documents;
    expect(document).toMatchObject({ name: `${idActe}-2-1_1.pdf`, mediaType: 'application/pdf' });
    const bytes = await buffer(await platform.blobs.get(document?.sha256 ?? ''));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBe(document?.size);
    await mailboxEmpty();
  });

  it('acknowledges a 3-1 at once with a 3-2, then sends the 3-4 asked and records the préfecture’s 3-5', async () => {
    const { id, idActe } = await platform.acknowledgedActe('LET2026_31');
    await platform.sim.letter(idActe, '3-1', 'Merci de transmettre le plan de financement.');
    const letter = await untilExchange(id, 'the 3-2 sent', (e) => e.replies.some((r) => r.code === '3-2' && r.sent !== undefined));
    expect(letter).toMatchObject({ code: '3-1', text: expect.stringMatching(/^relais:sealed:v1:/) });
    expect(await platform.shown(id, 'letters.text', letter.text)).toBe('Merci de transmettre le plan de financement.');

    const receipt = only(await platform.events(id), 'TransmissionMessageSent');
    expect(receipt.data).toMatchObject({ code: '3-2', exchange: 1 });
    const receiptFiles = await received(receipt.data.fileName, receipt.data.sha256);
    expect(receiptFiles.map((file) => file.name)).toEqual([expect.stringMatching(/^EACT--212102313--/), `${idActe}-3-2_0.xml`]);
    expect(receiptFiles[1]?.content.toString('latin1')).toContain(`<actes:ARDemandePieceComplementaire xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" actes:IDActe="${idActe}" actes:DateCourrierPref="${letter.dateCourrierPref}"/>`);

    // A request brought again once its answer is sent sends nothing more.
    const before = await platform.sim.stats();
    await platform.redeliver(id, 'TransmissionReplyRequested', EXCHANGE_REPLY_CONSUMER);
    expect(await platform.sim.stats()).toEqual(before);

    const documents = [await storedPdf('plan-financement'), await storedPdf('budget-annexe')];
    await platform.commands.execute({
      type: 'RequestReply',
      data: { transmissionId: id, at: new Date().toISOString(), exchange: 1, code: '3-4', requestedBy: 'token-test', documents },
    });
    await untilExchange(id, 'the 3-5', (e) => e.replyReceipt?.code === '3-5');

    const events = await platform.events(id);
    expect(events.slice(-6).map((event) => event.type)).toEqual([
      'TransmissionLetterReceived',
      'TransmissionReplyRequested',
      'TransmissionMessageSent',
      'TransmissionReplyRequested',
      'TransmissionMessageSent',
      'TransmissionReplyAcknowledged',
    ]);
    const answer = ofType(events, 'TransmissionMessageSent').find((event) => event.data.code === '3-4');
    const answerFiles = await received(answer?.data.fileName ?? '', answer?.data.sha256 ?? '');
    expect(answerFiles.map((file) => file.name).slice(1)).toEqual([`${idActe}-3-4_0.xml`, `${idActe}-3-4_1.pdf`, `${idActe}-3-4_2.pdf`]);
    expect(only(events, 'TransmissionReplyAcknowledged').data).toMatchObject({ exchange: 1, code: '3-5' });

    const { rows } = await platform.db.pool.query<{ code: string; sent: boolean }>(
      'SELECT code, sent_at IS NOT NULL AS sent FROM transmitter_messages WHERE transmission_id = $1 ORDER BY created_at',
      [id],
    );
    expect(rows).toEqual([
      { code: '3-2', sent: true },
      { code: '3-4', sent: true },
    ]);
    await mailboxEmpty();
  });

  it('acknowledges a 4-1 at once with a 4-2, then sends the 4-4 asked and records the préfecture’s 4-5', async () => {
    const { id, idActe } = await platform.acknowledgedActe('LET2026_41');
    await platform.sim.letter(idActe, '4-1', 'La délibération excède la compétence du conseil.');
    await untilExchange(id, 'the 4-2 sent', (e) => e.replies.some((r) => r.code === '4-2' && r.sent !== undefined));
    await platform.commands.execute({
      type: 'RequestReply',
      data: { transmissionId: id, at: new Date().toISOString(), exchange: 1, code: '4-4', requestedBy: 'token-test', documents: [await storedPdf('justification')] },
    });
    const exchange = await untilExchange(id, 'the 4-5', (e) => e.replyReceipt?.code === '4-5');
    expect(exchange.replies.map((reply) => [reply.code, reply.sent !== undefined])).toEqual([
      ['4-2', true],
      ['4-4', true],
    ]);
    const sent = ofType(await platform.events(id), 'TransmissionMessageSent').find((event) => event.data.code === '4-4');
    const files = await received(sent?.data.fileName ?? '', sent?.data.sha256 ?? '');
    expect(files[1]?.content.toString('latin1')).toContain('<actes:ReponseLettreObservations ');
    expect((await transmission(id)).status).toBe('acknowledged');
    await mailboxEmpty();
  });

  it('records a 5-1 déféré with its date and the illegality alleged, and answers nothing', async () => {
    const { id, idActe } = await platform.acknowledgedActe('LET2026_51');
    await platform.sim.letter(idActe, '5-1', 'Incompétence de l’auteur de l’acte.');
    const exchange = await untilExchange(id, 'the 5-1', (e) => e.code === '5-1');
    expect(exchange).toMatchObject({ text: expect.stringMatching(/^relais:sealed:v1:/), replies: [] });
    expect(await platform.shown(id, 'letters.text', exchange.text)).toBe('Incompétence de l’auteur de l’acte.');
    expect(exchange.messageId).toMatch(MESSAGE_NAME);
    await mailboxEmpty();
    expect(ofType(await platform.events(id), 'TransmissionReplyRequested')).toEqual([]);
  });

  it('leaves a letter about an acte it never sent in the mailbox, for an operator', async () => {
    // Another sender's acte, acknowledged by the préfecture into the same mailbox, then written about.
    const foreign = await buildActeArchive({
      sequence: 1,
      dateEnvoi: '2026-01-05',
      collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
      adressesRetour: ['actes@ailleurs.example.org'],
      acte: {
        dateDecision: '2026-01-02',
        numeroInterne: `AUTRE_${randomUUID().slice(0, 4)}`,
        nature: 1,
        classification: '7.1',
        objet: "Un acte que Relais n'a pas envoyé",
        classificationDateVersion: '2019-03-01',
        documentPapier: false,
        document: { extension: 'pdf', codeTypePJ: '99_DE', content: Buffer.from('%PDF-1.7\n%%EOF\n') },
        annexes: [],
      },
    });
    expect(await platform.sim.deliver(foreign.name, foreign.bytes)).toBe(200);
    await waitFor('the foreign 1-2', async () => (await platform.sim.mailbox()).some((item) => item.kind === 'ARActe'));
    const letter = await platform.sim.letter(foreign.idActe, '2-1');
    await waitFor('the letter reported', () =>
      Promise.resolve(platform.logger.lines.some((line) => line.includes(`reply ${letter.id} (CourrierSimple)`) && line.includes('matches no transmission'))),
    );
    expect((await platform.sim.mailbox()).map((item) => item.kind)).toEqual(['ARActe', 'CourrierSimple']);
  });
});
