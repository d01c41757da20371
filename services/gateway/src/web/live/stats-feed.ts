import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { STATS_CHANNEL, STATS_CHECKPOINT_NAME } from '@relais/read-models';
import pg from 'pg';
import type { GatewayConfig } from '../../config.js';
import { GATEWAY_CONFIG, PG_POOL } from '../../tokens.js';

/** Someone following the statistics. */
export interface StatsListener {
  /** The statistics moved (up to `position`, as far as is known). */
  changed(position: string): void;
  /** The gateway is stopping: end the stream. */
  closing(): void;
}

const POLL_EVERY_MS = 2000;
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 10_000;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Tells every open dashboard when the statistics moved. One dedicated connection LISTENs on
 * `relais_stats` for all of them (reconnecting with backoff when it drops), and the statistics'
 * checkpoint is polled every 2 s through the pool, so a notification lost while reconnecting delays an
 * update by 2 s at most. Both run only while someone listens.
 */
@Injectable()
export class StatsFeed implements OnModuleDestroy {
  private readonly logger = new Logger('Gateway');
  private readonly listeners = new Set<StatsListener>();
  /** Counts starts and stops: work begun under an earlier run drops its result. */
  private run = 0;
  private running = false;
  private destroyed = false;
  private client: pg.Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectMs = RECONNECT_FIRST_MS;
  private polling = false;
  private lastPosition: string | undefined;
  /** Whether where things stand was read since the feed started: only moves after it are announced. */
  private baseline = false;
  private lastProblem: string | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  /** The last position seen, if any. */
  get position(): string | undefined {
    return this.lastPosition;
  }

  /** Starts following for `listener`; returns how to stop. */
  subscribe(listener: StatsListener): () => void {
    if (this.destroyed) {
      listener.closing();
      return () => undefined;
    }
    this.listeners.add(listener);
    if (!this.running) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Ends every live stream before the HTTP server closes (it would wait for them), and the connection. */
  onModuleDestroy(): void {
    this.destroyed = true;
    for (const listener of [...this.listeners]) listener.closing();
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    this.run += 1;
    this.running = true;
    this.baseline = false;
    this.reconnectMs = RECONNECT_FIRST_MS;
    void this.connect(this.run);
    void this.poll(this.run);
    const run = this.run;
    this.pollTimer = setInterval(() => void this.poll(run), POLL_EVERY_MS);
  }

  private stop(): void {
    this.run += 1;
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    this.pollTimer = undefined;
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) void client.end().catch(() => undefined);
  }

  private current(run: number): boolean {
    return run === this.run;
  }

  private async connect(run: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'relais-gateway-live', keepAlive: true });
    const lost = (why: string): void => {
      if (this.client !== client) return;
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.problem(`live updates: the LISTEN connection was lost (${why}); polling meanwhile`);
      this.scheduleReconnect(run);
    };
    client.on('error', (error) => {
      lost(error.message);
    });
    client.on('end', () => {
      lost('closed');
    });
    client.on('notification', (message) => {
      if (message.channel !== STATS_CHANNEL || this.client !== client) return;
      // A notification without its position still says something moved.
      if (message.payload === undefined || message.payload === '') this.announce(this.lastPosition ?? '');
      else this.moved(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${STATS_CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => undefined);
      if (this.current(run)) {
        this.problem(`live updates: cannot LISTEN (${reason(error)}); polling meanwhile`);
        this.scheduleReconnect(run);
      }
      return;
    }
    if (!this.current(run)) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectMs = RECONNECT_FIRST_MS;
    this.lastProblem = undefined;
  }

  private scheduleReconnect(run: number): void {
    if (!this.current(run) || this.reconnectTimer !== undefined) return;
    const wait = this.reconnectMs;
    this.reconnectMs = Math.min(RECONNECT_MAX_MS, this.reconnectMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.current(run)) void this.connect(run);
    }, wait);
  }

  /** Reads the checkpoint; a move not yet announced is announced. */
  private async poll(run: number): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{ position: string }>('SELECT global_position::text AS position FROM checkpoints WHERE name = $1', [STATS_CHECKPOINT_NAME]);
      const position = rows[0]?.position;
      if (!this.current(run)) return;
      if (!this.baseline) {
        // The first reading only says where things stand: the pages fetch the figures as they connect.
        this.baseline = true;
        if (position !== undefined) this.lastPosition = position;
      } else if (position !== undefined) {
        this.moved(position);
      }
    } catch (error) {
      if (this.current(run)) this.problem(`live updates: cannot read the statistics' checkpoint (${reason(error)})`);
    } finally {
      this.polling = false;
    }
  }

  /** Announces `position` unless it is the one announced last (the poll then finds what the notification said). */
  private moved(position: string): void {
    if (position === this.lastPosition) return;
    this.lastPosition = position;
    this.announce(position);
  }

  private announce(position: string): void {
    for (const listener of this.listeners) listener.changed(position);
  }

  /** Logs a problem once until things work again. */
  private problem(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.logger.warn(message);
  }
}
