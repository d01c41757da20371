import { Inject, Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { loadClassificationFile } from '@relais/actes';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import { PersonalData } from '@relais/privacy';
import { ClassificationCommands, openDatabase, TransmissionCommands, ClassificationCatalogues } from '@relais/service-kit';
import type pg from 'pg';
import type { GatewayConfig } from '../config.js';
import { CLASSIFICATION_CATALOGUES, GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { migrateAll } from './migrate.js';

/** Closes the event store, then the pool, when the application stops. */
@Injectable()
export class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}

/**
 * The storage every feature shares: one pool (handed out only once every schema is migrated), the
 * event log, the blob store, the transmission and classification command handlers over the log, the
 * keys of personal data, and the classifications in force (the default read at start: a bad file
 * stops the gateway there).
 */
export const platformProviders: Provider[] = [
  {
    provide: PG_POOL,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig): Promise<pg.Pool> =>
      openDatabase({
        url: config.databaseUrl,
        max: config.limits.dbPoolSize,
        acquireTimeoutMs: config.limits.dbAcquireTimeoutMs,
        logger: new Logger('Gateway'),
        migrate: [migrateAll],
      }),
  },
  { provide: PostgresEventStore, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new PostgresEventStore(pool) },
  { provide: PostgresBlobStore, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new PostgresBlobStore(pool) },
  {
    provide: TransmissionCommands,
    inject: [PostgresEventStore],
    useFactory: (store: PostgresEventStore) => new TransmissionCommands(store),
  },
  { provide: PersonalData, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new PersonalData(pool) },
  { provide: ClassificationCommands, inject: [PostgresEventStore], useFactory: (store: PostgresEventStore) => new ClassificationCommands(store) },
  {
    provide: CLASSIFICATION_CATALOGUES,
    inject: [GATEWAY_CONFIG, PostgresBlobStore],
    useFactory: async (config: GatewayConfig, blobs: PostgresBlobStore): Promise<ClassificationCatalogues> =>
      new ClassificationCatalogues(blobs, await loadClassificationFile(config.classificationFile)),
  },
  PlatformLifecycle,
];
