import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { PG_POOL } from '../tokens.js';
import { readDatabaseFigures } from './database-figures.js';
import { readJetStreamFigures } from './jetstream-figures.js';
import { createMetricsRegistry } from './metrics-registry.js';

/** Bounds of one scrape: each query, each JetStream request, and each source as a whole. */
const STATEMENT_TIMEOUT_MS = 4_000;
const JETSTREAM_TIMEOUT_MS = 3_000;
const SOURCE_DEADLINE_MS = 5_000;

/** Prefix of the gateway's own process metrics (prom-client's defaults): `relais_gateway_process_cpu_seconds_total`… */
export const PROCESS_METRICS_PREFIX = 'relais_gateway_';

/** What `GET /metrics` answers. */
export interface Exposition {
  readonly contentType: string;
  readonly text: string;
}

/**
 * The gateway's metrics registry over its database pool and NATS connection, read at each scrape
 * (well within Prometheus' default 10 s scrape timeout); a source that stops or starts answering is
 * logged once.
 */
@Injectable()
export class GatewayMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  readonly registry: Registry;

  constructor(@Inject(PG_POOL) pool: pg.Pool, @Inject(NATS_CONNECTION) nc: NatsConnection, names: MessagingNames) {
    this.registry = createMetricsRegistry(
      {
        database: () => readDatabaseFigures(pool, STATEMENT_TIMEOUT_MS),
        jetstream: () => readJetStreamFigures(nc, names, JETSTREAM_TIMEOUT_MS),
      },
      {
        processPrefix: PROCESS_METRICS_PREFIX,
        sourceDeadlineMs: SOURCE_DEADLINE_MS,
        onSourceChange: (source, up, error) => {
          if (up) this.logger.log(`metrics: ${source} answers`);
          else this.logger.warn(`metrics: ${source} does not answer, its figures are left out: ${error instanceof Error ? error.message : String(error)}`);
        },
      },
    );
  }

  async scrape(): Promise<Exposition> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}
