import { Injectable, Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { serveHealth } from '@relais/service-kit';
import { NotifierResources } from './notifier.resources.js';

/** Answers the gateway's health questions: ready while the database answers; says how many deliveries wait. */
@Injectable()
export class NotifierReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly resources: NotifierResources,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, 'notifier', async () => {
      const pending = await this.resources.outbox.pendingCount();
      return `${pending} webhook deliveries pending`;
    });
  }

  onApplicationShutdown(): void {
    if (!this.nc.isClosed()) this.subscription?.unsubscribe();
  }
}
