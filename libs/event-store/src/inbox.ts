import type { Queryable } from './db.js';

/**
 * Records that `consumer` handled message `messageId`, in the caller's transaction. Resolves to true
 * the first time, false for a redelivery: the consumer then skips its work, and commits nothing new.
 * A concurrent duplicate blocks on the primary key until the first transaction ends, so exactly one
 * of them sees true.
 */
export async function markProcessed(client: Queryable, consumer: string, messageId: string): Promise<boolean> {
  const result = await client.query(
    'INSERT INTO inbox (consumer, message_id, processed_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
    [consumer, messageId],
  );
  return result.rowCount === 1;
}
