import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MessagingNames } from '@relais/messaging';
import { openDatabase, serveHealth } from '@relais/service-kit';
import type pg from 'pg';
import type { ProjectorConfig } from '../config.js';
import { migratePrivacy } from '@relais/privacy';
import { migrateReadModels } from '@relais/read-models';
import { PROJECTOR_CONFIG } from '../tokens.js';
import { projectStatsBatch } from '../stats/project-stats-batch.js';
import { projectNextBatch } from './project-batch.js';

/** Batch sizes: small when live (short transactions), doubling while behind up to the largest. */
const SMALLEST_BATCH = 100;
const LARGEST_BATCH = 5000;
/** Pause when caught up, and after a failed batch. */
const IDLE_MS = 150;
const FAILURE_MS = 2000;

/** One read model: its name for logs and health, and how it projects a batch. */
interface Projection {
  readonly name: string;
  readonly project: typeof projectNextBatch;
}

const PROJECTIONS: readonly Projection[] = [
  { name: 'transmissions', project: projectNextBatch },
  { name: 'stats', project: projectStatsBatch },
];

/**
 * Keeps the read models up to date from start-up to shutdown: schema first, then one loop per read
 * model (each its own checkpoint, so one can be rebuilt or fall behind without the other), polling
 * when caught up. A failed batch moved nothing; it is logged and tried again after a pause. Several
 * replicas are safe (the checkpoint refuses the slower one).
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private pool: pg.Pool | undefined;
  private store: PostgresEventStore | undefined;
  private loops: Promise<void>[] = [];
  private nc: NatsConnection | undefined;
  private readonly lastBatchErrors = new Map<string, string>();
  private readonly stopping = new AbortController();

  constructor(@Inject(PROJECTOR_CONFIG) private readonly config: ProjectorConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const pool = await openDatabase({
      url: this.config.databaseUrl,
      max: 2 * PROJECTIONS.length,
      logger: this.logger,
      migrate: [migrate, migrateReadModels, migratePrivacy],
    });
    this.pool = pool;
    const store = new PostgresEventStore(pool);
    this.store = store;
    this.loops = PROJECTIONS.map((projection) => this.run(pool, store, projection));
    // NATS only to answer the gateway's health question: the projector reads the log itself.
    this.nc = await connect({ servers: this.config.natsUrl, name: `relais-projector-${this.config.namespace}`, maxReconnectAttempts: -1 });
    serveHealth(this.nc, new MessagingNames(this.config.namespace), 'projector', async () => {
      await pool.query('SELECT 1');
      const failures = [...this.lastBatchErrors].map(([name, error]) => `${name}: ${error}`);
      if (failures.length > 0) throw new Error(`the last batch failed: ${failures.join('; ')}`);
      return undefined;
    });
    this.logger.log(`projecting the log of ${new URL(this.config.databaseUrl).pathname.slice(1)}`);
  }

  private async run(pool: pg.Pool, store: PostgresEventStore, projection: Projection): Promise<void> {
    let limit = SMALLEST_BATCH;
    while (!this.stopping.signal.aborted) {
      try {
        const { processed } = await projection.project(pool, store, limit);
        this.lastBatchErrors.delete(projection.name);
        if (processed === limit) {
          limit = Math.min(limit * 2, LARGEST_BATCH);
          continue;
        }
        limit = SMALLEST_BATCH;
        if (processed === 0) await this.pause(IDLE_MS);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.lastBatchErrors.set(projection.name, message);
        this.logger.error(`${projection.name} batch failed, retrying: ${message}`);
        await this.pause(FAILURE_MS);
      }
    }
  }

  /** Waits `ms`, or less if shutdown begins meanwhile. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
    await this.nc?.drain();
    await this.store?.close();
    await this.pool?.end();
  }
}
