import pg from 'pg';

/** Anything that runs a query: a pool, or a client (inside the caller's transaction). */
export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

/** The SQLSTATE of a PostgreSQL error, if `error` is one. */
export function sqlState(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.length === 5) {
    return error.code;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
/** Deadlock and serialisation failures: the transaction did nothing and may simply run again. */
export const TRANSIENT_STATES: ReadonlySet<string> = new Set(['40P01', '40001']);

const OID = { bytea: 17, int8: 20, timestamptz: 1184, jsonb: 3802, xid8: 5069 } as const;

const defaultTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;
const defaultBytea = pg.types.getTypeParser(pg.types.builtins.BYTEA) as (text: string) => Buffer;

/**
 * `2026-11-28 14:29:48.123456+00` (DateStyle ISO, the default every driver assumes), read digit by
 * digit: readAll parses one per event, and slicing made it a tenth of the read cost. Anything unusual
 * (offsets with minutes, BC, 5-digit years) goes to pg's own parser. Like pg's, it truncates to the
 * millisecond a JS Date holds.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  const sign = text.charCodeAt(n - 3);
  if (n >= 22 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(16) === 58 && (sign === 43 || sign === 45)) {
    let ms = 0;
    if (text.charCodeAt(19) === 46) {
      // Up to 6 fractional digits; the first three are milliseconds.
      for (let i = 20, scale = 100; i < n - 3 && scale >= 1; i++, scale /= 10) ms += digit(text, i) * scale;
    }
    const offset = digits(text, n - 2, 2) * (sign === 43 ? 1 : -1);
    const utc = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2) - offset,
      digits(text, 14, 2),
      digits(text, 17, 2),
      ms,
    );
    if (!Number.isNaN(utc)) return new Date(utc);
  }
  return defaultTimestamptz(text);
}

function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) value = value * 10 + digit(text, i);
  return value;
}

export function parseBytea(text: string): Buffer {
  // hex output (the default since PostgreSQL 9.0): \x0a1b…
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : defaultBytea(text);
}

const identity = (text: string): string => text;

/**
 * Per-query type parsers for event rows, so that the library never touches pg's global parsers
 * (which belong to the application): int8 and xid8 as bigint, jsonb parsed, bytea as Buffer.
 */
export const eventRowTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number) => {
    switch (oid) {
      case OID.int8:
      case OID.xid8:
        return BigInt;
      case OID.jsonb:
        return JSON.parse;
      case OID.timestamptz:
        return parseTimestamptz;
      case OID.bytea:
        return parseBytea;
      default:
        return identity;
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Every column as the text PostgreSQL sent: for a reader that hands rows to another thread before
 * they are parsed (`storedEventFromText` parses them there, as `eventRowTypes` would).
 */
export const textRowTypes: pg.CustomTypesConfig = {
  getTypeParser: (() => identity) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The pool's connection settings, for a connection of its own (a worker thread's, a second pool's) to
 * the same server as the same user with the same session options. pg-pool keeps the password out of enumeration (so that it never shows
 * in a log): it is read by name. A password given as a function is called here: functions do not
 * cross to a thread.
 */
export async function connectionSettingsOf(pool: pg.Pool): Promise<pg.ClientConfig> {
  const o = pool.options;
  return {
    connectionString: o.connectionString,
    host: o.host,
    port: o.port,
    user: o.user,
    password: typeof o.password === 'function' ? await o.password() : o.password,
    database: o.database,
    ssl: o.ssl,
    options: o.options,
    application_name: o.application_name,
    client_encoding: o.client_encoding,
    statement_timeout: o.statement_timeout,
    query_timeout: o.query_timeout,
    lock_timeout: o.lock_timeout,
    idle_in_transaction_session_timeout: o.idle_in_transaction_session_timeout,
    connectionTimeoutMillis: o.connectionTimeoutMillis,
    keepAlive: o.keepAlive,
    keepAliveInitialDelayMillis: o.keepAliveInitialDelayMillis,
  };
}
