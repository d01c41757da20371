import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PostgresBlobStore } from '@relais/blob-store';
import type { ErrorDetail, TransmissionEvent } from '@relais/domain';
import { at } from '@relais/domain/testing';
import { PostgresEventStore } from '@relais/event-store';
import {
  pesAllerBuffer,
  pesAllerMutations,
  pesAllerShapes,
  PES_SAMPLE,
  type ExpectedPesError,
  type PesAllerMutationName,
  type PesAllerSpec,
} from '@relais/pes/testing';
import { registerCollectivite, TransmissionCommands, type HeliosBudget } from '@relais/service-kit';
import { historyOf, quiet, relayEvent, storedEvent, TEST_LIMITS, waitFor, waitUntilAcked } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { storeFile } from '../../test/flow.js';
import { sharedPesSample } from '../../test/pes.js';
import { AppModule } from '../app.module.js';
import { DEFAULT_CLASSIFICATION_FILE, DEFAULT_TRIPLETS_FILE, type ValidatorConfig } from '../config.js';
import { NomFicClaims } from './nom-fic-claims.js';

/** The budget every generated file names (`PES_SAMPLE`), and the one the real sample names. */
const SAMPLE_BUDGET: HeliosBudget = { idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, siret: PES_SAMPLE.siret };
const REAL_SAMPLE_BUDGET: HeliosBudget = { idPost: '034000', codCol: '123', codBud: '12', siret: '12345678912345' };

/** The PES validation of the validator application, against its own database and NATS namespace, fed as the relay feeds it. */
describe('relais-validator: PES files', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let app: INestApplicationContext;
  let store: PostgresEventStore;
  let blobs: PostgresBlobStore;
  let commands: TransmissionCommands;
  let nomFics: NomFicClaims;
  const messagingLines: string[] = [];
  const siren = '213400001';
  const otherSiren = '213400002';
  const realSampleSiren = '213400003';

  const configOf = (bus: TestNamespace, tripletsFile = DEFAULT_TRIPLETS_FILE): ValidatorConfig => ({
    databaseUrl: db.url,
    natsUrl: bus.natsUrl,
    namespace: bus.namespace,
    classificationFile: DEFAULT_CLASSIFICATION_FILE,
    tripletsFile,
    clamdStreamMaxBytes: 200 * 1024 * 1024,
    pesSignatureMaxBytes: 16 * 1024 * 1024,
  });
  const start = (config: ValidatorConfig): Promise<INestApplicationContext> =>
    NestFactory.createApplicationContext(
      AppModule.forConfig(config, {
        streamLimits: TEST_LIMITS,
        logger: { log: (line) => messagingLines.push(line), warn: (line) => messagingLines.push(line), error: (line) => messagingLines.push(line) },
      }),
      quiet(),
    );

  beforeAll(async () => {
    db = await createTestDatabase('relais_validator_pes');
    ns = await createTestNamespace();
    app = await start(configOf(ns));
    store = new PostgresEventStore(db.pool);
    blobs = new PostgresBlobStore(db.pool);
    commands = new TransmissionCommands(store);
    nomFics = new NomFicClaims(db.pool);
    const register = (bySiren: string, helios: HeliosBudget[]) =>
      registerCollectivite(store, { siren: bySiren, nom: `Commune ${bySiren}`, departement: '034', arrondissement: '1', nature: '31', helios, registeredBy: 'admin' });
    await register(siren, [SAMPLE_BUDGET, { ...SAMPLE_BUDGET, codCol: '124', codBud: '02' }]);
    await register(otherSiren, [SAMPLE_BUDGET]);
    await register(realSampleSiren, [REAL_SAMPLE_BUDGET]);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
    await ns.cleanup();
  });

  /** Records a received PES file as the gateway does (its bytes stored) and relays its TransmissionReceived; returns its id. */
  async function receive(bytes: Buffer, options: { bySiren?: string; bus?: TestNamespace; id?: string } = {}): Promise<string> {
    const id = options.id ?? randomUUID();
    const file = await storeFile(blobs, 'pes.xml', bytes, 'application/xml');
    const pes = { kind: 'pes' as const, nomFic: 'PES.xml', codCol: PES_SAMPLE.codCol, idPost: PES_SAMPLE.idPost, idColl: PES_SAMPLE.siret, file };
    await commands.execute({ type: 'SubmitPes', data: { transmissionId: id, at, siren: options.bySiren ?? siren, pes } });
    const bus = options.bus ?? ns;
    await relayEvent(bus.nc, bus.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    return id;
  }

  /** Waits for the transmission's verdict event. */
  function verdict(id: string): Promise<TransmissionEvent> {
    return waitFor(`the verdict on ${id}`, async () =>
      (await historyOf(store, id)).find((e) => e.type === 'TransmissionValidated' || e.type === 'TransmissionRejected'),
    );
  }

  async function errorsOf(id: string): Promise<readonly ErrorDetail[]> {
    const event = await verdict(id);
    return event.type === 'TransmissionRejected' ? event.data.errors : [];
  }

  let nomFicCounter = 0;
  /** A spec under a NomFic of its own. */
  function unique(spec: PesAllerSpec): PesAllerSpec {
    nomFicCounter += 1;
    return { ...spec, nomFic: `PES_VAL_${nomFicCounter}.xml` };
  }

  const encodings = ['ISO-8859-1', 'UTF-8'] as const;
  const shapes = (['depense', 'recette', 'pjOnly', 'mixed', 'marcheOnly'] as const).flatMap((shape) => encodings.map((encoding) => [shape, encoding] as const));

  it.each(shapes)('validates a valid %s file in %s, and claims its NomFic', async (shape, encoding) => {
    const spec = unique(pesAllerShapes[shape](encoding));
    const id = await receive(await pesAllerBuffer(spec));
    expect(await errorsOf(id)).toEqual([]);
    expect((await verdict(id)).type).toBe('TransmissionValidated');
    expect(await nomFics.holder({ siren, codCol: PES_SAMPLE.codCol, nomFic: spec.nomFic ?? '' })).toBe(id);
  });

  /**
   * Where each broken rule is reported, in the form `field` documents (`path@line(:column)`), the line
   * taken from the mutation; undefined: no field. `encodingNotAccepted` is a valid UTF-8 file, which the
   * platform accepts as declared.
   */
  const where = {
    doctype: (e) => `@${e.location?.line}`,
    malformed: (e) => new RegExp(`^@${e.location?.line}:\\d+$`),
    encodingUnsupported: () => '@1',
    encodingInvalid: () => undefined,
    encodingNotAccepted: 'valid',
    encodingNotDeclared: () => '@1',
    notPesAller: () => '@1',
    wrongNamespace: () => '@1',
    empty: () => undefined,
    typFic: (e) => `Enveloppe/Parametres/TypFic@${e.location?.line}`,
    nomFicMissing: () => 'Enveloppe/Parametres/NomFic',
    nomFicTooLong: (e) => `Enveloppe/Parametres/NomFic@${e.location?.line}`,
    idCollInvalid: (e) => `EnTetePES/IdColl@${e.location?.line}`,
    idCollUnknown: (e) => `EnTetePES/IdColl@${e.location?.line}`,
    codColInvalid: (e) => `EnTetePES/CodCol@${e.location?.line}`,
    codBudInvalid: (e) => `EnTetePES/CodBud@${e.location?.line}`,
    idPostInvalid: () => 'EnTetePES/IdPost',
    idPostUnknown: (e) => `EnTetePES/IdPost@${e.location?.line}`,
    tripletNotAllowed: (e) => `Bordereau[IdBord=101]/Piece[IdPce=1001]@${e.location?.line}`,
    tripletIncomplete: (e) => `Bordereau[IdBord=101]/Piece[IdPce=1001]@${e.location?.line}`,
    pjIdUniqueInvalid: (e) => `PES_PJ/PJ[IdUnique=${'X'.repeat(51)}]/IdUnique@${e.location?.line}`,
    pjIdUniqueDuplicate: (e) => `PES_PJ/PJ[IdUnique=PJ-2026-0001]/IdUnique@${e.location?.line}`,
    pjContentNotBase64: (e) => `PES_PJ/PJ[IdUnique=PJ-2026-0001]/Contenu/Fichier@${e.location?.line}`,
    pjContentNotGzip: (e) => `PES_PJ/PJ[IdUnique=PJ-2026-0001]/Contenu/Fichier@${e.location?.line}`,
    pjContentTruncated: (e) => `PES_PJ/PJ[IdUnique=PJ-2026-0001]/Contenu/Fichier@${e.location?.line}`,
    pjContentEmpty: (e) => `PES_PJ/PJ[IdUnique=PJ-2026-0001]/Contenu/Fichier@${e.location?.line}`,
  } satisfies Record<PesAllerMutationName, 'valid' | ((expected: ExpectedPesError) => string | RegExp | undefined)>;

  const mutations = Object.entries(where).flatMap(([name, rule]) => (rule === 'valid' ? [] : [[name as PesAllerMutationName, rule] as const]));
  const accepted = Object.entries(where).flatMap(([name, rule]) => (rule === 'valid' ? [name as PesAllerMutationName] : []));

  it.each(accepted)('accepts the file of %s: UTF-8 as declared (S²LOW takes ISO-8859-1 only)', async (name) => {
    const { bytes } = await pesAllerMutations[name](unique(pesAllerShapes.mixed()));
    expect(await errorsOf(await receive(bytes))).toEqual([]);
  });

  it.each(mutations)('reports the file breaking %s with its code and where, and claims nothing', async (name, rule) => {
    const { bytes, expected } = await pesAllerMutations[name](unique(pesAllerShapes.mixed()));
    const id = await receive(bytes);
    const errors = await errorsOf(id);
    expect(errors.map((e) => e.code)).toEqual([expected.code]);
    const [error] = errors;
    const field = rule(expected);
    if (field === undefined) expect(error).not.toHaveProperty('field');
    else if (field instanceof RegExp) expect(error?.field).toMatch(field);
    else expect(error?.field).toBe(field);
    if (expected.location?.line !== undefined) expect(error?.message).toContain(`(ligne ${expected.location.line}`);
    const { rows } = await db.pool.query('SELECT 1 FROM validator_pes_nom_fic WHERE transmission_id = $1', [id]);
    expect(rows).toEqual([]);
  });

  it('rejects the real PES_Aller sample for its one PJ: no IdUnique, content not gzip (line 141)', async () => {
    const bytes = await readFile(sharedPesSample('PESALR2_signed_with_pj.xml'));
    const id = await receive(bytes, { bySiren: realSampleSiren });
    expect(await errorsOf(id)).toEqual([
      {
        code: 'PES.PJ_ID_UNIQUE_INVALID',
        message: 'PJ de la ligne 141 : IdUnique est absent ou vide (ligne 141)',
        field: 'PES_PJ/PJ/IdUnique@141',
      },
      {
        code: 'PES.PJ_CONTENT_INVALID',
        message: 'PJ de la ligne 141 : le contenu, une fois décodé du base64, n’est pas un fichier gzip complet (ligne 141)',
        field: 'PES_PJ/PJ/Contenu/Fichier@141',
      },
    ]);
    expect(await nomFics.holder({ siren: realSampleSiren, codCol: '123', nomFic: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml' })).toBeUndefined();
  });

  it('rejects a second file with the same NomFic under the same CodCol (PES.NOM_FIC_DUPLICATE), not under another CodCol nor of another collectivité', async () => {
    const spec = unique(pesAllerShapes.depense());
    const first = await receive(await pesAllerBuffer(spec));
    expect(await errorsOf(first)).toEqual([]);
    const changed = { ...spec, depense: spec.depense?.slice(0, 1) };
    const second = await receive(await pesAllerBuffer(changed));
    expect(await errorsOf(second)).toEqual([
      {
        code: 'PES.NOM_FIC_DUPLICATE',
        message: `le fichier « ${spec.nomFic} » a déjà été transmis sous le CodCol ${PES_SAMPLE.codCol} (transmission ${first}) (ligne 7)`,
        field: 'Enveloppe/Parametres/NomFic@7',
      },
    ]);
    expect(await nomFics.holder({ siren, codCol: PES_SAMPLE.codCol, nomFic: spec.nomFic ?? '' })).toBe(first);

    const otherBudget = await receive(await pesAllerBuffer({ ...changed, enTete: { ...changed.enTete, codCol: '124', codBud: '02' } }));
    expect(await errorsOf(otherBudget)).toEqual([]);
    expect(await errorsOf(await receive(await pesAllerBuffer(changed), { bySiren: otherSiren }))).toEqual([]);
  });

  it('reports the duplicate NomFic together with the other problems of the file', async () => {
    const spec = unique(pesAllerShapes.recette());
    expect(await errorsOf(await receive(await pesAllerBuffer(spec)))).toEqual([]);
    const { bytes } = await pesAllerMutations.codBudInvalid(spec);
    expect((await errorsOf(await receive(bytes))).map((e) => e.code)).toEqual(['PES.COD_BUD_INVALID', 'PES.NOM_FIC_DUPLICATE']);
  });

  it('leaves the NomFic of a rejected file free for the corrected one', async () => {
    const spec = unique(pesAllerShapes.mixed());
    const { bytes } = await pesAllerMutations.tripletNotAllowed(spec);
    const rejected = await receive(bytes);
    expect((await errorsOf(rejected)).map((e) => e.code)).toEqual(['PES.TRIPLET_NOT_ALLOWED']);
    const corrected = await receive(await pesAllerBuffer(spec));
    expect(await errorsOf(corrected)).toEqual([]);
  });

  it('records nothing twice when the same message is delivered again, and a file finding its own claim passes', async () => {
    const spec = unique(pesAllerShapes.pjOnly());
    const id = await receive(await pesAllerBuffer(spec));
    expect(await errorsOf(id)).toEqual([]);
    const received = await storedEvent(store, id, 'TransmissionReceived');
    const seq = await relayEvent(ns.nc, ns.namespace, received, `${received.eventId}-again`);
    await waitUntilAcked(ns.nc, ns.namespace, 'validator', seq);
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived', 'TransmissionValidated']);

    // A crash after claiming, before recording: the redelivered transmission finds its own claim.
    const crashed = randomUUID();
    const again = unique(pesAllerShapes.pjOnly());
    await nomFics.claim({ siren, codCol: PES_SAMPLE.codCol, nomFic: again.nomFic ?? '' }, crashed);
    expect(await errorsOf(await receive(await pesAllerBuffer(again), { id: crashed }))).toEqual([]);
  });

  it('retries a PES file not stored yet, and validates it once it is', async () => {
    const bytes = await pesAllerBuffer(unique(pesAllerShapes.depense()));
    const id = randomUUID();
    const file = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, name: 'pes.xml', mediaType: 'application/xml' };
    const pes = { kind: 'pes' as const, nomFic: 'PES.xml', codCol: PES_SAMPLE.codCol, idPost: PES_SAMPLE.idPost, idColl: PES_SAMPLE.siret, file };
    await commands.execute({ type: 'SubmitPes', data: { transmissionId: id, at, siren, pes } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionReceived'));
    await waitFor('the first delivery to fail', () => Promise.resolve(messagingLines.find((line) => line.includes(`FileNotStoredError: transmission ${id}`))));
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived']);
    await storeFile(blobs, 'pes.xml', bytes, 'application/xml');
    expect(await errorsOf(id)).toEqual([]);
  });

  it('checks the triplets against the grid file it is given (RELAIS_PES_TRIPLETS_FILE)', async () => {
    // An operator's grid without the ordinary mandat de fonctionnement (01-01-01).
    const dir = await mkdtemp(join(tmpdir(), 'relais-triplets-'));
    const gridFile = join(dir, 'triplets.json');
    await writeFile(gridFile, JSON.stringify({ triplets: { depense: ['01-01-02', '02-02-06'], recette: [] } }));
    const other = await createTestNamespace();
    const strict = await start(configOf(other, gridFile));
    try {
      const spec = unique(pesAllerShapes.depense());
      const errors = await errorsOf(await receive(await pesAllerBuffer(spec), { bus: other }));
      expect(errors.map((e) => [e.code, e.field])).toEqual([['PES.TRIPLET_NOT_ALLOWED', expect.stringMatching(/^Bordereau\[IdBord=101\]\/Piece\[IdPce=1001\]@\d+$/)]]);
    } finally {
      await strict.close();
      await other.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
