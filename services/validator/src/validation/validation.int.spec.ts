import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PostgresBlobStore } from '@relais/blob-store';
import type { ActeSubmission, TransmissionEvent } from '@relais/domain';
import { acte, at, siren } from '@relais/domain/testing';
import { PostgresEventStore } from '@relais/event-store';
import { MessagingNames, type MessagingLogger } from '@relais/messaging';
import { PersonalData, shredPersonalData } from '@relais/privacy';
import { askHealth, ClassificationCommands, registerCollectivite, TransmissionCommands } from '@relais/service-kit';
import { historyOf, quiet, relayEvent, storedEvent, TEST_LIMITS, waitFor, waitUntilAcked } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, retourClassificationXml, type TestDatabase, type TestNamespace } from '@relais/testing';
import { pdfBytes, storeFile } from '../../test/flow.js';
import { AppModule } from '../app.module.js';
import { DEFAULT_CLASSIFICATION_FILE, DEFAULT_TRIPLETS_FILE } from '../config.js';
import { NumeroClaims } from '../numeros/numero-claims.js';
import { readFileEnds } from './file-ends.js';
import { OBJET_SHREDDED } from './validation.handler.js';

/** The validator application against its own database and NATS namespace, fed as the relay feeds it. */
describe('relais-validator', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let app: INestApplicationContext;
  let store: PostgresEventStore;
  let blobs: PostgresBlobStore;
  let commands: TransmissionCommands;
  let claims: NumeroClaims;
  const messagingLines: string[] = [];
  const messagingLogger: MessagingLogger = {
    log: (line) => messagingLines.push(line),
    warn: (line) => messagingLines.push(line),
    error: (line) => messagingLines.push(line),
  };

  beforeAll(async () => {
    db = await createTestDatabase('relais_validator');
    ns = await createTestNamespace();
    const config = { databaseUrl: db.url, natsUrl: ns.natsUrl, namespace: ns.namespace, classificationFile: DEFAULT_CLASSIFICATION_FILE, tripletsFile: DEFAULT_TRIPLETS_FILE, clamdStreamMaxBytes: 200 * 1024 * 1024, pesSignatureMaxBytes: 16 * 1024 * 1024 };
    app = await NestFactory.createApplicationContext(AppModule.forConfig(config, { streamLimits: TEST_LIMITS, logger: messagingLogger }), quiet());
    // The application migrated the schema while starting.
    store = new PostgresEventStore(db.pool);
    blobs = new PostgresBlobStore(db.pool);
    commands = new TransmissionCommands(store);
    claims = new NumeroClaims(db.pool);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
    await ns.cleanup();
  });

  /** Records a received acte (of `bySiren`) as the gateway does and relays its TransmissionReceived; returns its id. */
  async function receive(changes: Partial<ActeSubmission> = {}, bytes = pdfBytes(), bySiren = siren): Promise<string> {
    const id = randomUUID();
    const document = await storeFile(blobs, 'acte.pdf', bytes);
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren: bySiren, acte: { ...acte, document, ...changes } } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    return id;
  }

  /** Waits for the transmission's verdict event. */
  function verdict(id: string): Promise<TransmissionEvent> {
    return waitFor(`the verdict on ${id}`, async () =>
      (await historyOf(store, id)).find((e) => e.type === 'TransmissionValidated' || e.type === 'TransmissionRejected'),
    );
  }

  function errorsOf(event: TransmissionEvent): unknown {
    return event.type === 'TransmissionRejected' ? event.data.errors : [];
  }

  it('validates a well-formed acte and claims its numéro interne', async () => {
    const id = await receive({ numeroInterne: 'DEL2026_100' });
    expect((await verdict(id)).type).toBe('TransmissionValidated');
    expect(await claims.holder(siren, 'DEL2026_100')).toBe(id);
  });

  it('checks a sealed objet in clear: 480 characters pass, though sealed they are longer than 499', async () => {
    const privacy = new PersonalData(db.pool);
    const id = randomUUID();
    const document = await storeFile(blobs, 'acte.pdf', pdfBytes());
    const sealed = await privacy.sealActe(id, { ...acte, document, numeroInterne: 'DEL2026_120', objet: 'Nomination de Mme Durand '.repeat(20).slice(0, 480) });
    expect(sealed.objet.length).toBeGreaterThan(499);
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: sealed } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    expect((await verdict(id)).type).toBe('TransmissionValidated');
  });

  it('rejects an acte whose personal data were shredded before it was checked, claiming nothing', async () => {
    const privacy = new PersonalData(db.pool);
    const id = randomUUID();
    const document = await storeFile(blobs, 'acte.pdf', pdfBytes());
    const sealed = await privacy.sealActe(id, { ...acte, document, numeroInterne: 'DEL2026_121', objet: 'Nomination de M. Martin' });
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: sealed } });
    await shredPersonalData({ commands, keys: privacy.keys }, { type: 'ShredPersonalData', data: { transmissionId: id, at, reason: 'demande RGPD', requestedBy: 'token:admin' } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    expect(errorsOf(await verdict(id))).toEqual([OBJET_SHREDDED]);
    expect(await claims.holder(siren, 'DEL2026_121')).toBeUndefined();
  });

  it('rejects an objet of 600 characters with its code, claiming nothing', async () => {
    const id = await receive({ numeroInterne: 'DEL2026_101', objet: 'x'.repeat(600) });
    const event = await verdict(id);
    expect(event.type).toBe('TransmissionRejected');
    expect(errorsOf(event)).toEqual([expect.objectContaining({ code: 'ACTE.OBJET_TOO_LONG', field: 'objet' })]);
    expect(await claims.holder(siren, 'DEL2026_101')).toBeUndefined();
  });

  it('rejects a second transmission with a numéro interne already granted to another one', async () => {
    const first = await receive({ numeroInterne: 'DEL2026_102' });
    expect((await verdict(first)).type).toBe('TransmissionValidated');
    const second = await receive({ numeroInterne: 'DEL2026_102', objet: 'Budget supplémentaire 2026' });
    const event = await verdict(second);
    expect(errorsOf(event)).toEqual([expect.objectContaining({ code: 'ACTE.NUMERO_INTERNE_DUPLICATE', field: 'numeroInterne' })]);
    expect(await claims.holder(siren, 'DEL2026_102')).toBe(first);
  });

  it('rejects a document whose bytes are text, whatever its name, leaving its numéro free', async () => {
    const fake = await receive({ numeroInterne: 'DEL2026_103' }, Buffer.from('Ceci est un acte, promis.\n'.repeat(80)));
    expect(errorsOf(await verdict(fake))).toEqual([expect.objectContaining({ code: 'ACTE.DOCUMENT_NOT_PDF', field: 'document' })]);
    // The refused transmission never took the numéro: the corrected one gets it.
    const corrected = await receive({ numeroInterne: 'DEL2026_103' });
    expect((await verdict(corrected)).type).toBe('TransmissionValidated');
  });

  it('rejects a PDF cut short (no %%EOF at its end)', async () => {
    const whole = pdfBytes();
    const id = await receive({ numeroInterne: 'DEL2026_104' }, whole.subarray(0, whole.length - 20));
    expect(errorsOf(await verdict(id))).toEqual([expect.objectContaining({ code: 'ACTE.DOCUMENT_TRUNCATED' })]);
  });

  it('rejects a classification the default classification does not have', async () => {
    const id = await receive({ numeroInterne: 'DEL2026_105', classification: '7.99' });
    expect(errorsOf(await verdict(id))).toEqual([expect.objectContaining({ code: 'ACTE.CLASSIFICATION_UNKNOWN', field: 'classification' })]);
  });

  it('rejects a piece type the default classification does not allow for the nature', async () => {
    // 99_BU is a budget's piece type (BF); a délibération (DE) may not carry it.
    const id = await receive({ numeroInterne: 'DEL2026_110', typePJ: '99_BU' });
    expect(errorsOf(await verdict(id))).toEqual([
      expect.objectContaining({ code: 'ACTE.TYPE_PJ_NOT_ALLOWED', field: 'typePJ', message: expect.stringContaining('99_BU') }),
    ]);
    expect(await claims.holder(siren, 'DEL2026_110')).toBeUndefined();
  });

  it('rejects an encrypted PDF, its trailer found past a long body', async () => {
    // 200 KiB of content before the trailer: the validator must read the end of the file, not only its head.
    const body = `%PDF-1.6\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Length 204800 >>\nstream\n${'x'.repeat(204_800)}\nendstream\nendobj\n`;
    const trailer = 'xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R /Encrypt 3 0 R /ID [<01><01>] >>\nstartxref\n204900\n%%EOF\n';
    const id = await receive({ numeroInterne: 'DEL2026_111' }, Buffer.from(body + trailer, 'latin1'));
    expect(errorsOf(await verdict(id))).toEqual([expect.objectContaining({ code: 'ACTE.DOCUMENT_ENCRYPTED', field: 'document' })]);
  });

  it("checks an acte against its collectivité's classification: the préfecture's 7-2 once received, the default before", async () => {
    const [withOwn, withDefault] = ['213500016', '213500024'];
    for (const registered of [withOwn, withDefault]) {
      await registerCollectivite(store, { siren: registered, nom: `Commune ${registered}`, departement: '035', arrondissement: '1', nature: '31', helios: [], registeredBy: 'admin' });
    }
    // The préfecture's 7-2 has no matière 7.1 (the default has), and allows a délibération only its generic piece type.
    const file = await storeFile(blobs, 'classification.xml', retourClassificationXml('2026-11-01', ['1', '1.1', '7', '7.2', '7.2.1'], { DE: ['99_DE'] }), 'application/xml');
    await new ClassificationCommands(store).execute({
      type: 'RecordClassification',
      data: { siren: withOwn, at, dateClassification: '2026-11-01', sha256: file.sha256, size: file.size, messageId: `EACT--PREF035-${withOwn}-20261101-1.tar.gz` },
    });

    const unknown = await receive({ numeroInterne: 'CLASS_1', classification: '7.1' }, pdfBytes(), withOwn);
    expect(errorsOf(await verdict(unknown))).toEqual([expect.objectContaining({ code: 'ACTE.CLASSIFICATION_UNKNOWN', field: 'classification' })]);
    const typed = await receive({ numeroInterne: 'CLASS_2', classification: '7.2', typePJ: '41_RA' }, pdfBytes(), withOwn);
    expect(errorsOf(await verdict(typed))).toEqual([expect.objectContaining({ code: 'ACTE.TYPE_PJ_NOT_ALLOWED', field: 'typePJ' })]);
    expect((await verdict(await receive({ numeroInterne: 'CLASS_3', classification: '7.2.1' }, pdfBytes(), withOwn))).type).toBe('TransmissionValidated');
    // Under the default, the same acte is valid.
    expect((await verdict(await receive({ numeroInterne: 'CLASS_1', classification: '7.1', typePJ: '41_RA' }, pdfBytes(), withDefault))).type).toBe('TransmissionValidated');

    // An imported acte declaring an older classification is accepted, and checked against the current one.
    const older = { classificationDateVersion: '2019-03-01' };
    expect((await verdict(await receive({ numeroInterne: 'CLASS_4', classification: '7.2', ...older }, pdfBytes(), withOwn))).type).toBe('TransmissionValidated');
    const outdated = await receive({ numeroInterne: 'CLASS_5', classification: '7.1', ...older }, pdfBytes(), withOwn);
    expect(errorsOf(await verdict(outdated))).toEqual([expect.objectContaining({ code: 'ACTE.CLASSIFICATION_UNKNOWN' })]);
  });

  it('reads the first and last 64 KiB of a PDF stored in many small chunks', async () => {
    const small = new PostgresBlobStore(db.pool, { chunkBytes: 10_000 });
    const bytes = Buffer.from(Array.from({ length: 300_001 }, (_, i) => (i * 7) % 251));
    bytes.write('%PDF-1.7\n', 0, 'latin1');
    const ends = await readFileEnds(small, await storeFile(small, 'long.pdf', bytes));
    expect(ends?.size).toBe(300_001);
    expect(Buffer.from(ends?.head ?? []).equals(bytes.subarray(0, 65_536))).toBe(true);
    expect(Buffer.from(ends?.tail ?? []).equals(bytes.subarray(-65_536))).toBe(true);
    // Another format stops after its head: its tail is not read.
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), bytes.subarray(8)]);
    const image = await readFileEnds(small, await storeFile(small, 'plan.png', png));
    expect(image?.tail).toBeUndefined();
    expect(image?.head.length).toBe(65_536);
  });

  it('records nothing twice when the same message is delivered again', async () => {
    const id = await receive({ numeroInterne: 'DEL2026_106' });
    expect((await verdict(id)).type).toBe('TransmissionValidated');
    const received = await storedEvent(store, id, 'TransmissionReceived');
    // Once with the same id (JetStream drops it) and once with another (a copy after the duplicate window).
    await relayEvent(ns.nc, ns.namespace, received);
    const seq = await relayEvent(ns.nc, ns.namespace, received, `${received.eventId}-again`);
    await waitUntilAcked(ns.nc, ns.namespace, 'validator', seq);
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived', 'TransmissionValidated']);
    expect(await claims.holder(siren, 'DEL2026_106')).toBe(id);
  });

  it('validates a transmission that finds its own claim (a crash after claiming, before recording)', async () => {
    const id = randomUUID();
    await claims.claim(siren, 'DEL2026_107', id);
    const document = await storeFile(blobs, 'acte.pdf', pdfBytes());
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: { ...acte, numeroInterne: 'DEL2026_107', document } } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    expect((await verdict(id)).type).toBe('TransmissionValidated');
  });

  it('retries a transmission whose file is not stored yet, and validates it once it is', async () => {
    const id = randomUUID();
    const bytes = pdfBytes(`Acte ${id}`);
    const document = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, name: 'acte.pdf', mediaType: 'application/pdf' };
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: { ...acte, numeroInterne: 'DEL2026_108', document } } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    await waitFor('the first delivery to fail', () => Promise.resolve(messagingLines.find((line) => line.includes(`FileNotStoredError: transmission ${id}`))));
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived']);
    await storeFile(blobs, 'acte.pdf', bytes);
    expect((await verdict(id)).type).toBe('TransmissionValidated');
  });

  it('goes on validating after its database connections were cut', async () => {
    const { rows } = await db.pool.query<{ cut: boolean }>(
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'relais-validator'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const id = await receive({ numeroInterne: 'DEL2026_109' });
    expect((await verdict(id)).type).toBe('TransmissionValidated');
  });

  it('answers health questions while its database answers', async () => {
    const reports = await askHealth(ns.nc, new MessagingNames(ns.namespace), ['validator'], 5_000);
    expect(reports['validator']).toMatchObject({ status: 'ok', detail: 'default classification of 2019-03-01' });
  });
});
