import type pg from 'pg';
import { loadCheckpoint, saveCheckpoint } from './checkpoints.js';
import { withTransaction } from './transaction.js';
import type { Checkpoint, ReadAllResult, StoredEvent } from './types.js';

/** What `processNextBatch` needs of a store. */
export interface AllEventsReader {
  readAll(after: Checkpoint | null, limit: number): Promise<ReadAllResult>;
}

/** The outcome of one `processNextBatch`. */
export interface ProcessedBatch {
  /** Events handed to the handler (0: the consumer is caught up, nothing was written). */
  readonly processed: number;
  /** The consumer's checkpoint now (null if it has none yet and nothing was read). */
  readonly checkpoint: Checkpoint | null;
}

/**
 * One step of a checkpointed consumer: load checkpoint `name` → read up to `limit` events after it →
 * in one transaction, `handler(events, client)` then save the new checkpoint → commit. The handler's
 * writes through `client` and the checkpoint commit together: if it throws, neither moves, and the
 * same events come again next time. A concurrent instance of the consumer makes the save throw
 * `CheckpointConflictError` (and its writes roll back). Delivery is at least once across crashes only
 * for effects outside this transaction; inside it, exactly once.
 */
export async function processNextBatch(
  pool: pg.Pool,
  store: AllEventsReader,
  name: string,
  limit: number,
  handler: (events: readonly StoredEvent[], client: pg.PoolClient) => Promise<void>,
): Promise<ProcessedBatch> {
  const previous = await loadCheckpoint(pool, name);
  const { events, checkpoint } = await store.readAll(previous, limit);
  if (events.length === 0) return { processed: 0, checkpoint: previous };
  await withTransaction(pool, async (client) => {
    await handler(events, client);
    await saveCheckpoint(client, name, checkpoint, previous);
  });
  return { processed: events.length, checkpoint };
}
