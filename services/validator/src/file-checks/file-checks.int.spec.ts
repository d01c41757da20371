import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PostgresBlobStore } from '@relais/blob-store';
import type { ActeSubmission, ErrorDetail, FileRef, TransmissionEvent } from '@relais/domain';
import { acte, at } from '@relais/domain/testing';
import { PostgresEventStore } from '@relais/event-store';
import {
  eicarTestFile,
  EICAR_SIGNATURE_NAME,
  findClamd,
  findOpenssl,
  makeTestSigners,
  signWithOpenssl,
  startClamd,
  type TestClamd,
  type TestSigners,
} from '@relais/file-checks/testing';
import { registerCollectivite, TransmissionCommands } from '@relais/service-kit';
import { historyOf, quiet, relayEvent, storedEvent, TEST_LIMITS, waitFor } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { pdfBytes, storeFile } from '../../test/flow.js';
import { sharedPesSample } from '../../test/pes.js';
import { AppModule } from '../app.module.js';
import { DEFAULT_CLASSIFICATION_FILE, DEFAULT_TRIPLETS_FILE, type ValidatorConfig } from '../config.js';

const missing = [findClamd(), findOpenssl()].flatMap((found) => ('missing' in found ? [found.missing] : []));
if (missing.length > 0) console.warn(`file-checks.int.spec skipped: ${missing.join('; ')}`);
const describeWithTools = missing.length > 0 ? describe.skip : describe;

/*
 * The checks before sending, in the validator over a real ClamAV daemon (its database holding only a
 * signature of the EICAR test file) and real signatures made by openssl: a refused file is a clear
 * code on the transmission, and claims nothing.
 */
describeWithTools('the checks before sending', () => {
  let dir: string;
  let clamd: TestClamd;
  let signers: TestSigners;
  let db: TestDatabase;
  let ns: TestNamespace;
  let app: INestApplicationContext;
  let store: PostgresEventStore;
  let blobs: PostgresBlobStore;
  let commands: TransmissionCommands;
  const siren = '213400011';
  const pesSiren = '123456789';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-validator-checks-'));
    [clamd, signers] = await Promise.all([startClamd({ dir: await subdir('clamd') }), makeTestSigners(await subdir('pki'))]);
    const trustFile = join(dir, 'trust.pem');
    await writeFile(trustFile, signers.ca.certPem);
    db = await createTestDatabase('relais_validator_checks');
    ns = await createTestNamespace();
    const config: ValidatorConfig = {
      databaseUrl: db.url,
      natsUrl: ns.natsUrl,
      namespace: ns.namespace,
      classificationFile: DEFAULT_CLASSIFICATION_FILE,
      tripletsFile: DEFAULT_TRIPLETS_FILE,
      clamd: { host: clamd.host, port: clamd.port },
      clamdStreamMaxBytes: 200 * 1024 * 1024,
      signatureTrustFile: trustFile,
      pesSignatureMaxBytes: 16 * 1024 * 1024,
    };
    app = await NestFactory.createApplicationContext(AppModule.forConfig(config, { streamLimits: TEST_LIMITS, logger: { log: () => undefined, warn: () => undefined, error: () => undefined } }), quiet());
    store = new PostgresEventStore(db.pool);
    blobs = new PostgresBlobStore(db.pool);
    commands = new TransmissionCommands(store);
    await registerCollectivite(store, {
      siren: pesSiren,
      nom: 'Commune du PES signé',
      departement: '034',
      arrondissement: '1',
      nature: '31',
      helios: [{ idPost: '034000', codCol: '123', codBud: '12', siret: '12345678912345' }],
      registeredBy: 'admin',
    });
  }, 90_000);

  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
    await ns.cleanup();
    await clamd.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function subdir(name: string): Promise<string> {
    const path = join(dir, name);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path);
    return path;
  }

  async function receiveActe(document: FileRef, changes: Partial<ActeSubmission> = {}): Promise<string> {
    const id = randomUUID();
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: { ...acte, document, ...changes } } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    return id;
  }

  async function receivePes(bytes: Buffer): Promise<string> {
    const id = randomUUID();
    const file = await storeFile(blobs, 'pes.xml', bytes, 'application/xml');
    const pes = { kind: 'pes' as const, nomFic: 'PES.xml', codCol: '123', idPost: '034000', idColl: '12345678912345', file };
    await commands.execute({ type: 'SubmitPes', data: { transmissionId: id, at, siren: pesSiren, pes } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    return id;
  }

  async function errorsOf(id: string): Promise<readonly ErrorDetail[]> {
    const event: TransmissionEvent = await waitFor(`the verdict on ${id}`, async () =>
      (await historyOf(store, id)).find((e) => e.type === 'TransmissionValidated' || e.type === 'TransmissionRejected'),
    );
    return event.type === 'TransmissionRejected' ? event.data.errors : [];
  }

  const signed = async (content: Buffer, signature: Buffer, name = 'acte.pdf'): Promise<FileRef> => ({
    ...(await storeFile(blobs, name, content)),
    signature: await storeFile(blobs, `${name}.p7s`, signature, 'application/pkcs7-signature'),
  });

  it('refuses the EICAR test file with FILE.VIRUS_FOUND naming the signature, and claims no numéro', async () => {
    const id = await receiveActe(await storeFile(blobs, 'acte.pdf', eicarTestFile()), { numeroInterne: 'VIRUS_1' });
    expect(await errorsOf(id)).toEqual([
      expect.objectContaining({ code: 'FILE.VIRUS_FOUND', message: expect.stringContaining(EICAR_SIGNATURE_NAME), field: 'document' }),
    ]);
    // The same numéro is free for the mended acte.
    expect(await errorsOf(await receiveActe(await storeFile(blobs, 'acte.pdf', pdfBytes()), { numeroInterne: 'VIRUS_1' }))).toEqual([]);
  });

  it('finds the virus in an annexe too, and names it', async () => {
    const eicar = await storeFile(blobs, 'plan.pdf', eicarTestFile());
    const id = await receiveActe(await storeFile(blobs, 'acte.pdf', pdfBytes()), { numeroInterne: 'VIRUS_2', annexes: [{ file: eicar }] });
    expect(await errorsOf(id)).toEqual([expect.objectContaining({ code: 'FILE.VIRUS_FOUND', field: 'annexes[0]' })]);
  });

  it('accepts an acte with a valid detached signature from a trusted CA', async () => {
    const pdf = pdfBytes('Acte signé');
    const signature = await signWithOpenssl(pdf, { dir: signers.dir, signer: signers.signer, certFile: signers.ca.certFile });
    expect(await errorsOf(await receiveActe(await signed(pdf, signature), { numeroInterne: 'SIGNE_1' }))).toEqual([]);
  });

  it('refuses a signature of other content, an untrusted signer and an expired one, each with its code', async () => {
    const pdf = pdfBytes('Acte signé');
    const other = await signWithOpenssl(pdfBytes('Un autre acte'), { dir: signers.dir, signer: signers.signer });
    const stranger = await signWithOpenssl(pdf, { dir: signers.dir, signer: signers.selfSigned });
    const expired = await signWithOpenssl(pdf, { dir: signers.dir, signer: signers.expired, certFile: signers.ca.certFile });
    const cases: [Buffer, string, string][] = [
      [other, 'SIGNE_2', 'SIGNATURE.CONTENT_MISMATCH'],
      [stranger, 'SIGNE_3', 'SIGNATURE.SIGNER_UNTRUSTED'],
      [expired, 'SIGNE_4', 'SIGNATURE.SIGNER_EXPIRED'],
    ];
    for (const [signature, numero, code] of cases) {
      const errors = await errorsOf(await receiveActe(await signed(pdf, signature), { numeroInterne: numero }));
      expect(errors).toEqual([expect.objectContaining({ code, field: 'document.signature' })]);
    }
  });

  it("verifies the real PES sample's XAdES bordereau signature, and refuses the file once an amount of the bordereau is changed", async () => {
    const sample = readFileSync(sharedPesSample('PESALR2_signed_with_pj.xml'));
    const codes = (errors: readonly ErrorDetail[]): string[] => errors.map((error) => error.code);
    // The sample has problems of its own (a PJ without IdUnique), none of them its signature.
    expect(codes(await errorsOf(await receivePes(sample))).filter((code) => code.startsWith('PES.SIGNATURE'))).toEqual([]);
    const text = sample.toString('latin1');
    const amount = /<MtBordHT V="([^"]+)"/.exec(text);
    expect(amount).not.toBeNull();
    const altered = Buffer.from(text.replace(amount![0], `<MtBordHT V="${amount![1]!}1"`), 'latin1');
    const errors = await errorsOf(await receivePes(altered));
    expect(errors).toContainEqual(expect.objectContaining({ code: 'PES.SIGNATURE_INVALID', field: 'Bordereau[@Id="BORD514432"]/ds:Signature' }));
  });

  it('leaves the verdict to later while the antivirus does not answer, and gives it once the antivirus is back', async () => {
    const { port } = clamd;
    await clamd.stop();
    let id: string;
    try {
      id = await receiveActe(await storeFile(blobs, 'acte.pdf', pdfBytes()), { numeroInterne: 'SANS_AV_1' });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await historyOf(store, id)).map((event) => event.type)).toEqual(['TransmissionReceived']);
    } finally {
      clamd = await startClamd({ dir: await subdir('clamd-again'), port });
    }
    expect(await errorsOf(id)).toEqual([]);
  }, 60_000);
});
