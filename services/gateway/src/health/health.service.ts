import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { askHealth, PLATFORM_SERVICES, serveHealth, type HealthReport, type HealthWarning } from '@relais/service-kit';
import type pg from 'pg';
import { PG_POOL } from '../tokens.js';

/** `GET /health`: every platform service's readiness, with the gateway's own. */
export interface PlatformHealth {
  readonly status: 'ok' | 'down';
  readonly services: Readonly<Record<string, HealthReport>>;
  /** Every service's warnings in one list, each with its service (present only when there is one). */
  readonly warnings?: readonly (HealthWarning & { readonly service: string })[];
}

const SELF = 'gateway';

/**
 * The gateway's readiness (its database answers) is served over NATS like every service's; `/health`
 * asks every other platform service over NATS and adds its own check.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, SELF, () => this.checkSelf());
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  async platform(): Promise<PlatformHealth> {
    const others = PLATFORM_SERVICES.filter((service) => service !== SELF);
    const [self, answers] = await Promise.all([this.selfReport(), askHealth(this.nc, this.names, others)]);
    const services = { [SELF]: self, ...answers };
    const ok = Object.values(services).every((report) => report.status === 'ok');
    const warnings = Object.values(services).flatMap((report) => (report.warnings ?? []).map((warning) => ({ service: report.service, ...warning })));
    return { status: ok ? 'ok' : 'down', services, ...(warnings.length === 0 ? {} : { warnings }) };
  }

  private async checkSelf(): Promise<undefined> {
    await this.pool.query('SELECT 1');
    return undefined;
  }

  private async selfReport(): Promise<HealthReport> {
    try {
      await this.checkSelf();
      return { service: SELF, status: 'ok', pid: process.pid };
    } catch (error) {
      return { service: SELF, status: 'down', detail: `database: ${error instanceof Error ? error.message : String(error)}`, pid: process.pid };
    }
  }
}
