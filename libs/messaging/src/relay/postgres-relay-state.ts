import { loadCheckpoint, runMigrations, saveCheckpoint, withTransaction, type Checkpoint } from '@relais/event-store';
import type pg from 'pg';
import { CreateRelayStreamPositions1764350000000 } from '../migrations/1764350000000-create-relay-stream-positions.js';
import type { RelayState, RelayStateStore } from './relay-state.js';

/**
 * Creates or upgrades this library's table (`relay_stream_positions`) through TypeORM, with its own
 * history table (`messaging_migrations`); idempotent, safe when processes start at once.
 */
export function migrateMessaging(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateRelayStreamPositions1764350000000], tableName: 'messaging_migrations' });
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
