import type pg from 'pg';
import { describeError, RelayLockLostError } from '../errors.js';
import type { MessagingLogger } from '../logger.js';
import { sleep } from '../sleep.js';

/** Exclusive leadership among relay instances. */
export interface RelayLock {
  /** Resolves once this instance holds the lock; rejects with the signal's reason when aborted. */
  acquire(signal: AbortSignal): Promise<void>;
  /** Whether the lock is still held (false once its connection broke). */
  readonly held: boolean;
  release(): Promise<void>;
}

// First key of the two-int advisory lock space for relay leadership: "RELA" as an int4. The two-key
// space never collides with single bigint keys (the event store's migration lock uses one).
const RELAY_LOCK_CLASS = 0x52454c41;

/**
 * A PostgreSQL session advisory lock on a dedicated connection: held while the connection lives, so
 * a relay that dies (process killed, network cut) frees it at once and a waiting instance takes over
 * within `pollMs`. The connection is checked every `heartbeatMs`: a relay that cannot reach its
 * database cannot know it still leads, and stops publishing.
 */
export class PostgresAdvisoryLock implements RelayLock {
  private client: pg.PoolClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private isHeld = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
    private readonly logger: MessagingLogger,
    private readonly pollMs = 1_000,
    private readonly heartbeatMs = 5_000,
  ) {}

  get held(): boolean {
    return this.isHeld;
  }

  async acquire(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      try {
        this.client ??= await this.connect();
        const { rows } = await this.client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
          [RELAY_LOCK_CLASS, this.name],
        );
        if (rows[0]?.locked === true) {
          this.isHeld = true;
          this.startHeartbeat();
          return;
        }
      } catch (error) {
        this.logger.warn(`Relay lock ${this.name}: ${describeError(error)}`);
        this.drop(error);
      }
      await sleep(this.pollMs, signal);
    }
  }

  async release(): Promise<void> {
    const client = this.client;
    this.stopHeartbeat();
    this.isHeld = false;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RELAY_LOCK_CLASS, this.name]);
      client.release();
    } catch (error) {
      // Destroying the connection frees the lock anyway.
      client.release(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    client.on('error', (error) => {
      this.drop(error);
    });
    return client;
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      const client = this.client;
      if (!client) return;
      client.query('SELECT 1').catch((error: unknown) => {
        this.drop(error);
      });
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private drop(error: unknown): void {
    if (this.isHeld) this.logger.error(new RelayLockLostError(this.name, { cause: error }).message);
    this.isHeld = false;
    this.stopHeartbeat();
    const client = this.client;
    this.client = undefined;
    client?.release(error instanceof Error ? error : new Error(String(error)));
  }
}
