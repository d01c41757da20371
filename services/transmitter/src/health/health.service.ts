import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { serveHealth } from '@relais/service-kit';
import { TransmitterResources } from '../database/transmitter-resources.js';

/** Answers the platform's health questions: ready while the database answers and the routing table loads. */
@Injectable()
export class HealthService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly resources: TransmitterResources,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, 'transmitter', () => this.check());
  }

  /** Throws what is wrong; resolves with a short summary when ready. */
  async check(): Promise<string> {
    await this.resources.pool.query('SELECT 1');
    const table = await this.resources.routing.current();
    const rejected = this.resources.routing.rejectedEdit;
    const actes = table.endpoints.filter((endpoint) => endpoint.channel === 'actes').length;
    const helios = table.endpoints.filter((endpoint) => endpoint.channel === 'helios').length;
    return `${actes} @ctes endpoint(s), ${helios} Hélios endpoint(s)${rejected === undefined ? '' : `; last edit of the routing table refused: ${rejected.message}`}`;
  }

  beforeApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
