import { executeBatch } from './append.js';
import type { Queryable } from './db.js';
import { prepareAppend } from './prepare.js';
import type { AppendResult, ExpectedVersion, NewEvent } from './types.js';

/**
 * Appends `events` to `streamId` inside the caller's open transaction, so that the events and the
 * caller's own writes commit or roll back together (an administrator's token and the event saying who
 * issued it). Same checks and same answers as `PostgresEventStore.append`, except that nothing is
 * retried: a failure leaves the transaction for the caller to roll back.
 *
 * Call it before the transaction writes anything else. The stream's lock must be taken before the
 * transaction gets its id (see `executeBatch`): a transaction that wrote first holds an older id, and
 * if it then waited for the stream's lock, its events would be numbered after those of a transaction
 * with a younger id, and readers of the global order would see the stream's versions out of order.
 */
export async function appendInTransaction(
  client: Queryable,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  recordedAt: Date = new Date(),
): Promise<AppendResult> {
  const prepared = prepareAppend(streamId, expected, events);
  const [outcome] = await executeBatch(client, [{ streamId, expected, events: prepared }], recordedAt);
  if (outcome === undefined) throw new Error(`event-store: no outcome for the append to ${streamId}`);
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}
