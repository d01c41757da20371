import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrate } from '@relais/event-store';
import { createPostgresRelay, MessagingNames, migrateMessaging, type OutboxRelay, type RelayStatus } from '@relais/messaging';
import { openDatabase, serveHealth } from '@relais/service-kit';
import type pg from 'pg';
import { RELAY_CONFIG } from '../tokens.js';
import type { RelayConfig } from '../config.js';

/**
 * Runs the outbox relay for the process's lifetime: schema first, then a relay that publishes only
 * while it holds the namespace's advisory lock, so replicas wait and take over when the leader dies.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Relay');
  private pool: pg.Pool | undefined;
  private nc: NatsConnection | undefined;
  private relay: OutboxRelay | undefined;

  constructor(@Inject(RELAY_CONFIG) private readonly config: RelayConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const { databaseUrl, natsUrl, namespace } = this.config;
    this.pool = await openDatabase({ url: databaseUrl, max: 4, logger: this.logger, migrate: [migrate, migrateMessaging] });
    this.nc = await connect({ servers: natsUrl, name: `relais-relay-${namespace}`, maxReconnectAttempts: -1 });
    this.relay = createPostgresRelay({
      pool: this.pool,
      nc: this.nc,
      namespace,
      logger: this.logger,
    });
    this.relay.start();
    const relay = this.relay;
    const pool = this.pool;
    serveHealth(this.nc, new MessagingNames(namespace), 'relay', async () => {
      await pool.query('SELECT 1');
      const { phase, published } = relay.status();
      if (phase === 'stopped') throw new Error('the relay is stopped');
      // A replica waiting for the lock is ready: it takes over when the leader dies.
      return `${phase}, ${published.toString()} events published`;
    });
    this.logger.log(`relaying the log of ${new URL(databaseUrl).pathname.slice(1)} to namespace ${namespace}`);
  }

  /** What the relay is doing (for health and tests). */
  status(): RelayStatus | undefined {
    return this.relay?.status();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.nc?.drain();
    await this.pool?.end();
  }
}
