import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MessagingNames, NATS_CONNECTION } from '@relais/messaging';
import { serveHealth, type HealthWarning, type ReadinessDetail } from '@relais/service-kit';
import { StateChannels, type CertificateReport } from '../channels/state-channels.js';
import { TransmitterResources } from '../database/transmitter-resources.js';

/**
 * Answers the platform's health questions: ready while the database answers and the routing table
 * loads; each mutual-TLS endpoint's client certificate is reported as a warning days before it expires
 * (`TRANSMITTER_CERT_WARN_DAYS`), and as an error once it has expired or cannot be loaded: the
 * transmitter stays ready for its other endpoints and for the State's answers.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly names: MessagingNames,
    private readonly resources: TransmitterResources,
    private readonly channels: StateChannels,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = serveHealth(this.nc, this.names, 'transmitter', () => this.check());
  }

  /** Throws what is wrong; resolves with a short summary and the warnings when ready. */
  async check(): Promise<ReadinessDetail> {
    await this.resources.pool.query('SELECT 1');
    const table = await this.resources.routing.current();
    const rejected = this.resources.routing.rejectedEdit;
    const actes = table.endpoints.filter((endpoint) => endpoint.channel === 'actes').length;
    const helios = table.endpoints.filter((endpoint) => endpoint.channel === 'helios').length;
    const detail = `${actes} @ctes endpoint(s), ${helios} Hélios endpoint(s)${rejected === undefined ? '' : `; last edit of the routing table refused: ${rejected.message}`}`;
    const warnings = (await this.channels.certificates(table.endpoints)).flatMap(certificateWarning);
    return { detail, warnings };
  }

  beforeApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}

/** The warning a client certificate calls for, if any. */
export function certificateWarning(report: CertificateReport): HealthWarning[] {
  const data = {
    endpointId: report.endpointId,
    ...(report.subject === undefined ? {} : { subject: report.subject }),
    ...(report.notAfter === undefined ? {} : { notAfter: report.notAfter }),
    ...(report.daysLeft === undefined ? {} : { daysLeft: report.daysLeft }),
  };
  switch (report.status) {
    case 'valid':
      return [];
    case 'expiring':
      return [{
        code: 'CHANNEL.CLIENT_CERT_EXPIRING',
        severity: 'warning',
        message: `the client certificate of ${report.endpointId} expires on ${String(report.notAfter)} (${String(report.daysLeft)} days left): renew it`,
        data,
      }];
    case 'expired':
      return [{ code: 'CHANNEL.CLIENT_CERT_EXPIRED', severity: 'error', message: `the client certificate of ${report.endpointId} expired on ${String(report.notAfter)}: nothing is sent to it`, data }];
    case 'not_yet_valid':
      return [{ code: 'CHANNEL.CLIENT_CERT_NOT_YET_VALID', severity: 'error', message: `the client certificate of ${report.endpointId} is not valid yet: nothing is sent to it`, data }];
    case 'unusable':
      return [{ code: 'CHANNEL.CLIENT_CERT_UNUSABLE', severity: 'error', message: `the client certificate of ${report.endpointId} cannot be used: ${String(report.problem)}`, data }];
    default: {
      const unknown: never = report.status;
      throw new Error(`Unknown certificate status ${String(unknown)}`);
    }
  }
}
