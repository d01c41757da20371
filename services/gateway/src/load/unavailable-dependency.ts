/** A dependency the gateway cannot do its work without. */
export type Dependency = 'database' | 'broker';

// Node's socket errors: the server is down, unreachable or went away mid-answer.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/*
 * PostgreSQL's SQLSTATEs that say the server cannot serve now, not that the request is wrong:
 * class 08 (connection exception), 53 (insufficient resources: too many connections, out of memory,
 * disk full), 57P01-57P05 (shut down, crashed, starting, idle session ended).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[1-5])$/;

// What node-postgres and its pool throw when a connection cannot be had or broke.
const PG_MESSAGES = [/^timeout exceeded when trying to connect$/, /^Connection terminated/, /^Client has encountered a connection error/];

// nats.js v3's errors for a connection that is down, closing, or a request nobody answered in time.
const NATS_ERRORS = new Set(['ClosedConnectionError', 'ConnectionError', 'DrainingConnectionError', 'NoRespondersError', 'TimeoutError', 'RequestError']);

function classify(error: object): Dependency | undefined {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : '';
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  if (NATS_ERRORS.has(name)) return 'broker';
  if (code !== undefined && UNAVAILABLE_SQLSTATE.test(code) && 'severity' in error) return 'database';
  if (PG_MESSAGES.some((pattern) => pattern.test(message))) return 'database';
  if (code !== undefined && SOCKET_CODES.has(code)) return 'database';
  return undefined;
}

/**
 * Which dependency an error says is unavailable (down, unreachable, saturated), looking through its
 * `cause` chain and an AggregateError's errors (a connection to `localhost` tries every address), or
 * undefined when the error is about the request itself. A socket error with no other sign is put on
 * the database: the broker's client reports its own failures under its own names. Pure.
 */
export function unavailableDependency(error: unknown, depth = 0): Dependency | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const own = classify(error);
  if (own !== undefined) return own;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = unavailableDependency(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return 'cause' in error ? unavailableDependency(error.cause, depth + 1) : undefined;
}
