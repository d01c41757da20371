import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { serveHealth } from '@relais/service-kit';
import { RouterResources } from './router.resources.js';

/** Answers the gateway's health questions: ready while the database answers and the routing table loads. */
@Injectable()
export class RouterReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly resources: RouterResources,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, 'router', async () => {
      await this.resources.pool.query('SELECT 1');
      const { routing } = this.resources;
      const table = await routing.current();
      const refused = routing.rejectedEdit;
      const rules = `routing table ${routing.path}: ${table.rules.length.toString()} rules`;
      return refused === undefined ? rules : `${rules}; last edit refused, previous table in use: ${refused.message}`;
    });
  }

  onApplicationShutdown(): void {
    if (!this.nc.isClosed()) this.subscription?.unsubscribe();
  }
}
