import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { MessagingNames } from '@relais/messaging';
import { migratePrivacy } from '@relais/privacy';
import { migrateReadModels } from '@relais/read-models';
import { type HealthWarning, openDatabase, serveHealth, TransmissionCommands } from '@relais/service-kit';
import type pg from 'pg';
import type { AuditConfig } from './config.js';
import { AUDIT_CONFIG } from './tokens.js';
import { FileSealExport, JetStreamSealExport, type SealExport } from './seals/seal-exports.js';
import { Sealer } from './seals/sealer.js';
import { Retention } from './retention/retention.js';

/** Session advisory lock of the sealing replica: one replica seals and exports, the others wait. */
const LEADER_LOCK_KEY = '125779935586677';

/**
 * Runs the audit loop for the process's lifetime, on the replica that holds the leader lock: every
 * `pollMs`, a sealer round (seal what is due, stamp, export), and every `retentionPollMs` a retention
 * round (personal data shredded after the retention period). /health stays ready while an export or
 * the timestamping authority is down, with a warning naming it.
 */
@Injectable()
export class AuditLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sealer');
  private pool: pg.Pool | undefined;
  private nc: NatsConnection | undefined;
  private leader: pg.PoolClient | undefined;
  private sealer: Sealer | undefined;
  private retention: Retention | undefined;
  private store: PostgresEventStore | undefined;
  private nextRetentionAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastError: string | undefined;

  constructor(@Inject(AUDIT_CONFIG) private readonly config: AuditConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    this.pool = await openDatabase({
      url: config.databaseUrl,
      max: 3,
      logger: this.logger,
      migrate: [migrate, migrateReadModels, migratePrivacy],
    });
    this.nc = await connect({ servers: config.natsUrl, name: `relais-audit-${config.namespace}`, maxReconnectAttempts: -1 });
    const exports: SealExport[] = [];
    if (config.exportFile !== undefined) exports.push(new FileSealExport(config.exportFile));
    if (config.exportNats) exports.push(new JetStreamSealExport(this.nc, config.namespace));
    this.sealer = new Sealer(this.pool, { everyEvents: config.sealEveryEvents, everyMs: config.sealEveryMs }, exports, config.tsaUrl, this.logger);
    if (config.retentionDays > 0) {
      this.store = new PostgresEventStore(this.pool);
      this.retention = new Retention(this.pool, new TransmissionCommands(this.store), config.retentionDays, new Logger('Retention'));
    }
    serveHealth(this.nc, new MessagingNames(config.namespace), 'audit', async () => {
      await this.pool?.query('SELECT 1');
      const status = this.sealer?.status();
      const warnings: HealthWarning[] = [];
      for (const [name, state] of Object.entries(status?.exports ?? {})) {
        if (state.error !== undefined) {
          warnings.push({ code: 'AUDIT.SEAL_EXPORT_FAILING', severity: 'warning', message: `seals are not reaching ${name}: ${state.error}`, data: { export: name, held: state.held } });
        }
      }
      if (status?.timestampError !== undefined) {
        warnings.push({ code: 'AUDIT.TSA_FAILING', severity: 'warning', message: `seals are not being timestamped: ${status.timestampError}` });
      }
      if (this.lastError !== undefined) warnings.push({ code: 'AUDIT.SEALER_FAILING', severity: 'error', message: this.lastError });
      const role = this.leader ? 'sealing' : 'standing by';
      return { detail: `${role}; last seal ${status?.lastSeal?.seal ?? 'none yet'}`, warnings };
    });
    this.schedule(0);
    this.logger.log(
      `sealing every ${config.sealEveryEvents.toString()} events or ${(config.sealEveryMs / 60_000).toString()} min; exports: ${exports.map((e) => e.name).join(', ') || 'none'}${config.tsaUrl ? `; timestamps from ${config.tsaUrl}` : ''}; personal data kept ${config.retentionDays > 0 ? `${config.retentionDays.toString()} days` : 'for ever'}`,
    );
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.config.pollMs);
      });
    }, delay);
  }

  private async tick(): Promise<void> {
    const pool = this.pool;
    const sealer = this.sealer;
    if (!pool || !sealer) return;
    try {
      if (!this.leader) {
        const client = await pool.connect();
        // The lock's session lost while held (PostgreSQL restarted) is reported on the client, which the
        // pool no longer listens to: unheard, the event would end the process. Lead again next round.
        client.on('error', (error) => {
          if (this.leader !== client) return;
          this.logger.warn(`the leader's session was lost: ${error.message}`);
          this.leader = undefined;
          client.release(error);
        });
        const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS held', [LEADER_LOCK_KEY]);
        if (rows[0]?.held) {
          this.leader = client;
          this.logger.log('leading: this replica seals the log');
        } else {
          client.release();
          return;
        }
      }
      await sealer.round();
      if (this.retention && Date.now() >= this.nextRetentionAt) {
        this.nextRetentionAt = Date.now() + this.config.retentionPollMs;
        await this.retention.round();
      }
      this.lastError = undefined;
    } catch (error) {
      this.lastError = `the audit round failed: ${String(error)}`;
      this.logger.error(this.lastError);
      // The lock's session may be gone with the error: take it again next time.
      this.leader?.release(true);
      this.leader = undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.leader?.release(true);
    await this.store?.close();
    await this.nc?.drain();
    await this.pool?.end();
  }
}
