import { loadCheckpoint, saveCheckpoint, withTransaction, type Checkpoint } from '@relais/event-store';
import type pg from 'pg';
import type { RelayState, RelayStateStore } from './relay-state.js';

// Beside the event store's `checkpoints` row: the stream sequence of the same PubAck. A table of this
// library, so the event store's schema stays its own.
const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS relay_stream_positions (
    name       text        PRIMARY KEY,
    stream_seq bigint      NOT NULL CHECK (stream_seq >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;
// Serialises concurrent migrations (CREATE TABLE IF NOT EXISTS can still collide on the catalog).
const MIGRATION_LOCK = 'relais-messaging-migration';

/** Creates this library's table (`relay_stream_positions`); idempotent, safe when processes start at once. */
export async function migrateMessaging(pool: pg.Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    await client.query(CREATE_TABLE);
  });
}

/**
 * The relay's state in PostgreSQL: the checkpoint in the event store's `checkpoints` table under
 * `name` (e.g. `relay:relais`), the stream sequence beside it, both moved in one transaction.
 * Run `migrate` (event store) and `migrateMessaging` first.
 */
export class PostgresRelayStateStore implements RelayStateStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
  ) {}

  async load(): Promise<RelayState | null> {
    const checkpoint = await loadCheckpoint(this.pool, this.name);
    if (checkpoint === null) return null;
    const { rows } = await this.pool.query<{ stream_seq: string }>(
      'SELECT stream_seq::text FROM relay_stream_positions WHERE name = $1',
      [this.name],
    );
    return { checkpoint, streamSeq: Number(rows[0]?.stream_seq ?? 0) };
  }

  async save(next: RelayState, expectedPrevious: Checkpoint | null): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await saveCheckpoint(client, this.name, next.checkpoint, expectedPrevious);
      await client.query(
        `INSERT INTO relay_stream_positions (name, stream_seq) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET stream_seq = EXCLUDED.stream_seq, updated_at = now()`,
        [this.name, next.streamSeq],
      );
    });
  }
}
