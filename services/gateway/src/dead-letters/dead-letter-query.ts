import { invalidQuery, queryText } from '../query-params.js';

/** A page of dead letters asked for: one consumer's or all, after a sequence, at most `limit`. */
export interface DeadLetterQuery {
  readonly consumer: string | undefined;
  /** The `next` of the previous page: the DLQ sequence of its last item (0: from the oldest). */
  readonly after: number;
  readonly limit: number;
}

/** The query string as Express hands it over. */
export interface RawDeadLetterQuery {
  readonly consumer?: unknown;
  readonly after?: unknown;
  readonly limit?: unknown;
}

/** Items of a page when `limit` is not given, and the most a page may hold. */
export const DEFAULT_DEAD_LETTER_LIMIT = 50;
export const MAX_DEAD_LETTER_LIMIT = 500;

// A consumer's name as the messaging library accepts it (it becomes part of a subject).
const CONSUMER = /^[A-Za-z0-9_-]{1,64}$/;
const WHOLE = /^\d{1,15}$/;

/** Reads `?consumer=&after=&limit=`; 400 REQUEST.INVALID_QUERY naming the parameter at fault. Pure. */
export function parseDeadLetterQuery(raw: RawDeadLetterQuery): DeadLetterQuery {
  const consumer = queryText('consumer', raw.consumer);
  if (consumer !== undefined && !CONSUMER.test(consumer)) {
    throw invalidQuery('consumer', 'consumer must be a consumer’s name: 1 to 64 letters, digits, _ or -');
  }
  const after = queryText('after', raw.after);
  if (after !== undefined && !WHOLE.test(after)) throw invalidQuery('after', 'after must be the next of a previous page');
  const limit = queryText('limit', raw.limit);
  const count = limit === undefined ? DEFAULT_DEAD_LETTER_LIMIT : Number(limit);
  if (limit !== undefined && (!WHOLE.test(limit) || count < 1 || count > MAX_DEAD_LETTER_LIMIT)) {
    throw invalidQuery('limit', `limit must be a whole number from 1 to ${MAX_DEAD_LETTER_LIMIT}`);
  }
  return { consumer, after: after === undefined ? 0 : Number(after), limit: count };
}
