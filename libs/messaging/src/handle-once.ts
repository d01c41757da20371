import { markProcessed, withTransaction } from '@relais/event-store';
import type pg from 'pg';

/** What {@link handleOnce} did. */
export type HandleOnceResult<R> = { readonly processed: true; readonly result: R } | { readonly processed: false };

/**
 * Runs a consumer's work at most once per message: in one PostgreSQL transaction, records the message
 * id in the inbox (`markProcessed`) and, only if it was not there, does the work. Either both commit or
 * neither. A redelivery of a message already handled (its ack lost, the process killed before the ack)
 * finds the id, skips the work and resolves, so the runner acks it and nothing changes twice.
 */
export function handleOnce<R>(
  pool: pg.Pool,
  consumer: string,
  messageId: string,
  work: (client: pg.PoolClient) => Promise<R>,
): Promise<HandleOnceResult<R>> {
  return withTransaction(pool, async (client): Promise<HandleOnceResult<R>> => {
    if (!(await markProcessed(client, consumer, messageId))) return { processed: false };
    return { processed: true, result: await work(client) };
  });
}
