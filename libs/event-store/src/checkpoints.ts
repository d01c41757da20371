import type { Queryable } from './db.js';
import { CheckpointConflictError, InvalidCheckpointError } from './errors.js';
import type { Checkpoint } from './types.js';

const CHECKPOINT = /^(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,18})$/;
const MAX_INT8 = 9223372036854775807n;
const MAX_XID8 = 18446744073709551615n;

/** The opaque cursor form of a checkpoint, `"<transactionId>:<globalPosition>"`, for APIs and logs. */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId.toString()}:${checkpoint.globalPosition.toString()}`;
}

/** Reads a cursor made by `encodeCheckpoint`; throws `InvalidCheckpointError` on anything else. */
export function decodeCheckpoint(value: string): Checkpoint {
  const match = CHECKPOINT.exec(value);
  if (!match) throw new InvalidCheckpointError(value);
  const transactionId = BigInt(match[1] as string);
  const globalPosition = BigInt(match[2] as string);
  if (transactionId > MAX_XID8 || globalPosition > MAX_INT8) throw new InvalidCheckpointError(value);
  return { transactionId, globalPosition };
}

/** The stored checkpoint of consumer `name`, or null when it has never saved one. */
export async function loadCheckpoint(db: Queryable, name: string): Promise<Checkpoint | null> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    'SELECT transaction_id::text, global_position FROM checkpoints WHERE name = $1',
    [name],
  );
  const row = rows[0];
  return row ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) } : null;
}

/**
 * Moves consumer `name` from `expectedPrevious` (null: it has none yet) to `checkpoint`. Meant to run
 * in the caller's transaction, beside its read-model writes, so both commit or neither does. If another
 * instance moved it meanwhile, throws `CheckpointConflictError`: the caller rolls back and reads again.
 * Row locks make this exact: a concurrent mover's UPDATE waits, then finds the row changed.
 */
export async function saveCheckpoint(
  client: Queryable,
  name: string,
  checkpoint: Checkpoint,
  expectedPrevious: Checkpoint | null,
): Promise<void> {
  const values = [name, checkpoint.transactionId.toString(), checkpoint.globalPosition.toString()];
  const result = expectedPrevious
    ? await client.query(
        `UPDATE checkpoints SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now()
          WHERE name = $1 AND transaction_id = $4::text::xid8 AND global_position = $5`,
        [...values, expectedPrevious.transactionId.toString(), expectedPrevious.globalPosition.toString()],
      )
    : await client.query(
        `INSERT INTO checkpoints (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::text::xid8, $3, now()) ON CONFLICT (name) DO NOTHING`,
        values,
      );
  if (result.rowCount !== 1) throw new CheckpointConflictError(name, expectedPrevious);
}
