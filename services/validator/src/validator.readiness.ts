import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { serveHealth } from '@relais/service-kit';
import { FileChecks } from './file-checks/file-checks.js';
import { ValidatorResources } from './validator.resources.js';

/** Answers the gateway's health questions: ready while the database answers, and the antivirus where one is configured. */
@Injectable()
export class ValidatorReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly resources: ValidatorResources,
    private readonly checks: FileChecks,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, 'validator', async () => {
      await this.resources.pool.query('SELECT 1');
      await this.checks.antivirusReady();
      return `default classification of ${this.resources.defaultClassification.version}`;
    });
  }

  onApplicationShutdown(): void {
    if (!this.nc.isClosed()) this.subscription?.unsubscribe();
  }
}
