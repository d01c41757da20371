import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MessagingNames } from '@relais/messaging';
import { serveHealth } from '@relais/service-kit';
import pg from 'pg';
import type { ProjectorConfig } from '../config.js';
import { migrateReadModels } from '@relais/read-models';
import { PROJECTOR_CONFIG } from '../tokens.js';
import { projectNextBatch } from './project-batch.js';

/** Batch sizes: small when live (short transactions), doubling while behind up to the largest. */
const SMALLEST_BATCH = 100;
const LARGEST_BATCH = 5000;
/** Pause when caught up, and after a failed batch. */
const IDLE_MS = 150;
const FAILURE_MS = 2000;

/**
 * Keeps the transmissions read model up to date from start-up to shutdown: schema first, then
 * `projectNextBatch` in a loop, polling when caught up. A failed batch moved nothing; it is logged and
 * tried again after a pause. Several replicas are safe (the checkpoint refuses the slower one).
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private pool: pg.Pool | undefined;
  private store: PostgresEventStore | undefined;
  private loop: Promise<void> | undefined;
  private nc: NatsConnection | undefined;
  private lastBatchError: string | undefined;
  private readonly stopping = new AbortController();

  constructor(@Inject(PROJECTOR_CONFIG) private readonly config: ProjectorConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.config.databaseUrl, max: 2 });
    this.pool = pool;
    await migrate(pool);
    await migrateReadModels(pool);
    const store = new PostgresEventStore(pool);
    this.store = store;
    this.loop = this.run(pool, store);
    // NATS only to answer the gateway's health question: the projector reads the log itself.
    this.nc = await connect({ servers: this.config.natsUrl, name: `relais-projector-${this.config.namespace}`, maxReconnectAttempts: -1 });
    serveHealth(this.nc, new MessagingNames(this.config.namespace), 'projector', async () => {
      await pool.query('SELECT 1');
      if (this.lastBatchError !== undefined) throw new Error(`the last batch failed: ${this.lastBatchError}`);
      return undefined;
    });
    this.logger.log(`projecting the log of ${new URL(this.config.databaseUrl).pathname.slice(1)}`);
  }

  private async run(pool: pg.Pool, store: PostgresEventStore): Promise<void> {
    let limit = SMALLEST_BATCH;
    while (!this.stopping.signal.aborted) {
      try {
        const { processed } = await projectNextBatch(pool, store, limit);
        this.lastBatchError = undefined;
        if (processed === limit) {
          limit = Math.min(limit * 2, LARGEST_BATCH);
          continue;
        }
        limit = SMALLEST_BATCH;
        if (processed === 0) await this.pause(IDLE_MS);
      } catch (error) {
        this.lastBatchError = error instanceof Error ? error.message : String(error);
        this.logger.error(`batch failed, retrying: ${this.lastBatchError}`);
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
    await this.loop;
    await this.nc?.drain();
    await this.store?.close();
    await this.pool?.end();
  }
}
