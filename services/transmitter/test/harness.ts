import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { migrateBlobStore, PostgresBlobStore } from '@relais/blob-store';
import type { ActeSubmission, PesSubmission, TransmissionEvent, TransmissionState } from '@relais/domain';
import { pesAllerBuffer, pesAllerShapes, type PesAllerSpec } from '@relais/pes/testing';
import { migrate, PostgresEventStore } from '@relais/event-store';
import type { OutboxRelay } from '@relais/messaging';
import { migratePrivacy, PersonalData, shredPersonalData } from '@relais/privacy';
import type { TransmissionWindow } from '@relais/routing';
import { ClassificationCommands, registerCollectivite, TransmissionCommands } from '@relais/service-kit';
import {
  RecordingLogger,
  recordingTo,
  relayEvent,
  startTestRelay,
  storedEvent,
  TEST_LIMITS,
  waitFor,
  waitUntilAcked,
} from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { AppModule } from '../src/app.module.js';
import { readConfig } from '../src/config.js';
import { AnswerSwallowingProxy, StateSim } from './state-sim.js';

async function writeRoutingTable(dir: string, simUrl: string, proxyUrl: string, window: TransmissionWindow | undefined): Promise<void> {
  await writeFile(
    join(dir, 'routing.json'),
    JSON.stringify({
      endpoints: [
        { id: ENDPOINTS.direct, channel: 'actes', url: simUrl },
        { id: ENDPOINTS.lossy, channel: 'actes', url: proxyUrl },
        { id: ENDPOINTS.wrong, channel: 'actes', url: `${simUrl}/not-the-actes-service` },
        { id: ENDPOINTS.windowed, channel: 'actes', url: simUrl, ...(window === undefined ? {} : { window }) },
        { id: ENDPOINTS.helios, channel: 'helios', url: simUrl },
        { id: ENDPOINTS.heliosLossy, channel: 'helios', url: proxyUrl },
        { id: ENDPOINTS.heliosWindowed, channel: 'helios', url: simUrl, ...(window === undefined ? {} : { window }) },
      ],
      rules: [
        { channel: 'actes', departement: '*', endpoint: ENDPOINTS.direct },
        { channel: 'helios', idPost: '*', endpoint: ENDPOINTS.helios },
      ],
    }),
  );
}

export const SIREN = '212102313';
/** The collectivité's budget that sends PES files: its SIRET (the SIREN's), poste comptable, CodCol, CodBud. */
export const HELIOS_BUDGET = { siret: '21210231300013', idPost: '021000', codCol: '001', codBud: '01' } as const;
/**
 * The endpoints of the test routing table. @ctes: the simulator, the simulator behind a lossy link, a
 * wrong address, and the simulator again under a transmission window set by {@link Platform.setWindow}.
 * Hélios: the simulator, behind the lossy link, and under the same window.
 */
export const ENDPOINTS = {
  direct: 'state-sim-actes',
  lossy: 'lossy-actes',
  wrong: 'wrong-actes',
  windowed: 'windowed-actes',
  helios: 'state-sim-helios',
  heliosLossy: 'lossy-helios',
  heliosWindowed: 'windowed-helios',
} as const;
/** Settings of the transmitters under test: short timeout and delays, a small budget. */
export const TEST_SETTINGS = {
  TRANSMITTER_DELIVERY_TIMEOUT_MS: '1000',
  TRANSMITTER_MAX_ATTEMPTS: '3',
  TRANSMITTER_RETRY_INITIAL_MS: '150',
  TRANSMITTER_RETRY_MAX_MS: '600',
  TRANSMITTER_ACK_WAIT_MS: '5000',
  TRANSMITTER_CONCURRENCY: '4',
  TRANSMITTER_POLL_INTERVAL_MS: '100',
} as const;

/** The built service, as `npm start` runs it. */
export const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

/**
 * The piece of the platform around the transmitter, for one test file: its own database and NATS
 * namespace, the State simulator in-process (and a lossy link to it), a routing table file, the
 * outbox relay publishing every committed event, and the transmitter itself (one or more replicas).
 */
export class Platform {
  readonly logger = new RecordingLogger();
  readonly store: PostgresEventStore;
  readonly commands: TransmissionCommands;
  readonly classifications: ClassificationCommands;
  readonly blobs: PostgresBlobStore;
  readonly personalData: PersonalData;
  private readonly transmitters: INestApplicationContext[] = [];
  private readonly processes = new Set<ChildProcess>();

  private constructor(
    readonly db: TestDatabase,
    readonly ns: TestNamespace,
    readonly sim: StateSim,
    readonly proxy: AnswerSwallowingProxy,
    private readonly dir: string,
    private readonly relay: OutboxRelay,
  ) {
    this.store = new PostgresEventStore(db.pool);
    this.commands = new TransmissionCommands(this.store);
    this.classifications = new ClassificationCommands(this.store);
    this.blobs = new PostgresBlobStore(db.pool);
    this.personalData = new PersonalData(db.pool);
  }

  static async start(): Promise<Platform> {
    const [db, ns, sim] = await Promise.all([createTestDatabase('relais_transmitter'), createTestNamespace(), StateSim.start()]);
    const proxy = await AnswerSwallowingProxy.start(sim.url);
    const dir = await mkdtemp(join(tmpdir(), 'relais-transmitter-'));
    await writeRoutingTable(dir, sim.url, proxy.url, undefined);
    await migrate(db.pool);
    await migrateBlobStore(db.pool);
    await migratePrivacy(db.pool);
    const relay = await startTestRelay(db.pool, ns);
    const platform = new Platform(db, ns, sim, proxy, dir, relay);
    await registerCollectivite(platform.store, {
      siren: SIREN,
      nom: 'Dijon',
      departement: '021',
      arrondissement: '1',
      nature: '31',
      helios: [HELIOS_BUDGET],
      registeredBy: 'test',
    });
    return platform;
  }

  /** Puts the windowed endpoints under `window`, or none (the transmitters read the file again). */
  async setWindow(window: TransmissionWindow | undefined): Promise<void> {
    await writeRoutingTable(this.dir, this.sim.url, this.proxy.url, window);
  }

  /** Starts one more transmitter replica on this platform. */
  async startTransmitter(): Promise<INestApplicationContext> {
    const config = readConfig({
      ...TEST_SETTINGS,
      DATABASE_URL: this.db.url,
      NATS_URL: this.ns.natsUrl,
      RELAIS_NAMESPACE: this.ns.namespace,
      RELAIS_ROUTING_FILE: join(this.dir, 'routing.json'),
    });
    const app = await NestFactory.createApplicationContext(
      AppModule.forConfig({ ...config, streamLimits: TEST_LIMITS }),
      recordingTo(this.logger),
    );
    await app.init();
    this.transmitters.push(app);
    return app;
  }

  /** Starts the built transmitter as its own process (`relais-transmitter`), with `settings` on top of the test ones. */
  /** The last lines the spawned processes printed, for a failing test's message. */
  output = '';

  spawnTransmitter(settings: Readonly<Record<string, string>> = {}): ChildProcess {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the transmitter first (npx nx run transmitter:build)`);
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...TEST_SETTINGS,
        ...settings,
        DATABASE_URL: this.db.url,
        NATS_URL: this.ns.natsUrl,
        // The streams this test made are small: the process declares them with the same caps.
        RELAIS_EVENTS_STREAM_MAX_BYTES: String(TEST_LIMITS.events.maxBytes),
        RELAIS_DLQ_STREAM_MAX_BYTES: String(TEST_LIMITS.dlq.maxBytes),
        RELAIS_NAMESPACE: this.ns.namespace,
        RELAIS_ROUTING_FILE: join(this.dir, 'routing.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = `${this.output}${chunk.toString('utf8')}`.slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.processes.add(child);
    child.once('exit', () => this.processes.delete(child));
    return child;
  }

  /** Kills a transmitter process at once (SIGKILL: no shutdown hook runs) and waits until it is gone. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Records a received, validated acte of {@link SIREN} routed to `endpointId` (the relay then
   * publishes its TransmissionRouted); returns the transmission id. Its objet is sealed as the gateway
   * seals it; `shredded`: its personal data are shredded before it is routed.
   */
  async routedActe(numeroInterne: string, endpointId: string = ENDPOINTS.direct, options: { readonly shredded?: boolean } = {}): Promise<string> {
    const id = randomUUID();
    const pdf = await this.blobs.put(Readable.from([Buffer.from(`%PDF-1.7\n% ${numeroInterne}\n%%EOF\n`)]));
    const png = await this.blobs.put(Readable.from([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from(numeroInterne)])]));
    const acte: ActeSubmission = {
      kind: 'acte',
      numeroInterne,
      dateDecision: '2026-01-04',
      nature: 'DE',
      classification: '7.1',
      objet: 'Budget primitif 2026 : équipements « sportifs »',
      documentPapier: false,
      document: { sha256: pdf.sha256, size: pdf.size, name: 'budget.pdf', mediaType: 'application/pdf' },
      annexes: [{ file: { sha256: png.sha256, size: png.size, name: 'plan.png', mediaType: 'image/png' }, typePJ: '41_NC' }],
    };
    const at = new Date().toISOString();
    await this.commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren: SIREN, acte: await this.personalData.sealActe(id, acte) } });
    await this.commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    if (options.shredded === true) {
      const shred = { transmissionId: id, at, reason: 'demande RGPD', requestedBy: 'token-admin' };
      await shredPersonalData({ commands: this.commands, keys: this.personalData.keys }, { type: 'ShredPersonalData', data: shred });
    }
    await this.commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId, channel: 'actes' } });
    return id;
  }

  /** A personal field of the transmission as it reads (sealed in the log): in clear, or null once shredded. */
  async shown(id: string, field: 'submission.objet' | 'letters.text', text: string): Promise<string | null> {
    return (await this.personalData.ring([id])).reveal(id, field, text);
  }

  /**
   * Records a received, validated PES file of {@link HELIOS_BUDGET} routed to `endpointId`: a file of
   * `@relais/pes/testing` (two dépense bordereaux, one recette, two PJ by default) under NomFic
   * `nomFic`, its bytes in the blob store. Returns the transmission id, the submission and the bytes.
   */
  async routedPes(
    nomFic: string,
    endpointId: string = ENDPOINTS.helios,
    shape: (spec: PesAllerSpec) => PesAllerSpec = (spec) => spec,
  ): Promise<{ id: string; pes: PesSubmission; bytes: Buffer }> {
    const id = randomUUID();
    const base = pesAllerShapes.mixed();
    const { siret: idColl, idPost, codCol, codBud } = HELIOS_BUDGET;
    const bytes = await pesAllerBuffer(shape({ ...base, nomFic, enTete: { ...base.enTete, idColl, idPost, codCol, codBud } }));
    const stored = await this.blobs.put(Readable.from([bytes]));
    const pes: PesSubmission = {
      kind: 'pes',
      nomFic,
      codCol,
      codBud,
      idPost,
      idColl,
      file: { sha256: stored.sha256, size: stored.size, name: nomFic, mediaType: 'application/xml' },
    };
    const at = new Date().toISOString();
    await this.commands.execute({ type: 'SubmitPes', data: { transmissionId: id, at, siren: SIREN, pes } });
    await this.commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await this.commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId, channel: 'helios' } });
    return { id, pes, bytes };
  }

  /** A routed acte of {@link SIREN}, once the State acknowledged it: its transmission id and its IDActe. */
  async acknowledgedActe(numeroInterne: string, endpointId: string = ENDPOINTS.direct): Promise<{ id: string; idActe: string }> {
    const id = await this.routedActe(numeroInterne, endpointId);
    const t = await this.settled(id, 'acknowledged');
    const answer = t.status === 'none' ? undefined : t.answer;
    if (answer?.status !== 'acknowledged' || answer.acknowledgment.kind !== 'acte') throw new Error(`transmission ${id} has no IDActe`);
    return { id, idActe: answer.acknowledgment.idActe };
  }

  async events(id: string): Promise<TransmissionEvent[]> {
    return [...(await this.commands.load(id)).events];
  }

  /** Waits until the transmission's status is `status`; returns its state. */
  async settled(id: string, status: string): Promise<TransmissionState> {
    return waitFor(`transmission ${id} to be ${status}`, async () => {
      const { state } = await this.commands.load(id);
      return state.status === status && state;
    });
  }

  /**
   * Publishes the transmission's event of type `type` again, as a copy that arrives after the
   * broker's duplicate window would (another message id); resolves once the consumer acked it.
   */
  async redeliver(id: string, type: TransmissionEvent['type'], consumer: string): Promise<void> {
    const stored = await storedEvent(this.store, id, type);
    const seq = await relayEvent(this.ns.nc, this.ns.namespace, stored, randomUUID());
    await waitUntilAcked(this.ns.nc, this.ns.namespace, consumer, seq);
  }

  async close(): Promise<void> {
    for (const app of this.transmitters.splice(0)) await app.close();
    await Promise.all([...this.processes].map((child) => this.kill(child)));
    await this.relay.stop();
    await this.store.close();
    await this.proxy.close();
    await this.sim.close();
    await this.db.drop();
    await this.ns.cleanup();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The event type `T` of a transmission's history. */
export type Of<T extends TransmissionEvent['type']> = Extract<TransmissionEvent, { type: T }>;

/** The events of one type in a history. */
export function ofType<T extends TransmissionEvent['type']>(events: readonly TransmissionEvent[], type: T): Of<T>[] {
  return events.filter((event): event is Of<T> => event.type === type);
}

/** The one event of a type in a history (throws when there are none or several). */
export function only<T extends TransmissionEvent['type']>(events: readonly TransmissionEvent[], type: T): Of<T> {
  const found = ofType(events, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
