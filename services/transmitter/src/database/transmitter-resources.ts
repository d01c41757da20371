import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { migrateBlobStore, PostgresBlobStore } from '@relais/blob-store';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { migratePrivacy, PersonalData } from '@relais/privacy';
import { RoutingTableSource } from '@relais/routing';
import { ClassificationCommands, openDatabase, TransmissionCommands } from '@relais/service-kit';
import type pg from 'pg';
import { ArchiveRegistry } from '../archives/archive-registry.js';
import { CancellationRegistry } from '../cancellations/cancellation-registry.js';
import type { TransmitterConfig } from '../config.js';
import { TransmissionWindows } from '../delivery/transmission-windows.js';
import { MessageRegistry } from '../messages/message-registry.js';
import { PesFileRegistry } from '../pes/pes-file-registry.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { migrateTransmitter } from './migrations/migrate.js';

interface Resources {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly commands: TransmissionCommands;
  readonly classifications: ClassificationCommands;
  readonly blobs: PostgresBlobStore;
  readonly archives: ArchiveRegistry;
  readonly cancellations: CancellationRegistry;
  readonly messages: MessageRegistry;
  readonly pesFiles: PesFileRegistry;
  readonly personalData: PersonalData;
  readonly routing: RoutingTableSource;
  readonly windows: TransmissionWindows;
}

/**
 * What the transmitter reads and writes, ready before any consumer or poller starts (module init
 * precedes bootstrap) and closed after they stopped (shutdown follows `beforeApplicationShutdown`):
 * the pool and the schemas, the event log (transmissions and collectivités' classifications), the blob
 * store, the registries of the archives and PES files sent, the keys of personal fields, the routing table
 * and the transmission windows.
 */
@Injectable()
export class TransmitterResources implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Transmitter');
  private state: Resources | undefined;

  constructor(@Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig) {}

  async onModuleInit(): Promise<void> {
    const routing = new RoutingTableSource(this.config.routingFile);
    await routing.current();
    const pool = await openDatabase({
      url: this.config.databaseUrl,
      max: Math.max(4, this.config.concurrency + 2),
      logger: this.logger,
      migrate: [migrate, migrateBlobStore, migratePrivacy, migrateTransmitter],
    });
    const store = new PostgresEventStore(pool);
    this.state = {
      pool,
      store,
      commands: new TransmissionCommands(store),
      classifications: new ClassificationCommands(store),
      blobs: new PostgresBlobStore(pool),
      archives: new ArchiveRegistry(pool),
      cancellations: new CancellationRegistry(pool),
      messages: new MessageRegistry(pool),
      pesFiles: new PesFileRegistry(pool),
      personalData: new PersonalData(pool),
      routing,
      windows: new TransmissionWindows(pool),
    };
  }

  private get ready(): Resources {
    if (this.state === undefined) throw new Error('transmitter resources used before module init');
    return this.state;
  }

  get pool(): pg.Pool {
    return this.ready.pool;
  }

  get store(): PostgresEventStore {
    return this.ready.store;
  }

  get commands(): TransmissionCommands {
    return this.ready.commands;
  }

  get classifications(): ClassificationCommands {
    return this.ready.classifications;
  }

  get blobs(): PostgresBlobStore {
    return this.ready.blobs;
  }

  get archives(): ArchiveRegistry {
    return this.ready.archives;
  }

  get cancellations(): CancellationRegistry {
    return this.ready.cancellations;
  }

  get messages(): MessageRegistry {
    return this.ready.messages;
  }

  get pesFiles(): PesFileRegistry {
    return this.ready.pesFiles;
  }

  /** The keys of personal fields: an archive carries the objet in clear, a letter's text is recorded sealed. */
  get personalData(): PersonalData {
    return this.ready.personalData;
  }

  get routing(): RoutingTableSource {
    return this.ready.routing;
  }

  get windows(): TransmissionWindows {
    return this.ready.windows;
  }

  async onApplicationShutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    await state?.store.close();
    await state?.pool.end();
  }
}
