import type { SettingsReader } from '@relais/service-kit';

/**
 * The gateway's bounds on what one request may hold and on how much work it takes on at once
 * (docs/limits.md lists each with its answer). Past a size bound a request is refused before anything
 * is recorded; past a concurrency bound it is answered 503 at once instead of waiting in a queue
 * that could grow without end.
 */
export interface GatewayLimits {
  /** A JSON body, in bytes (`RELAIS_MAX_JSON_BYTES`): 413 REQUEST.BODY_TOO_LARGE past it. */
  readonly maxJsonBytes: number;
  /** A form body (the sign-in form), in bytes (`RELAIS_MAX_FORM_BYTES`): 413 REQUEST.BODY_TOO_LARGE. */
  readonly maxFormBytes: number;
  /** The request line and headers together, in bytes (`RELAIS_MAX_HEADER_BYTES`): 431 REQUEST.HEADERS_TOO_LARGE. */
  readonly maxHeaderBytes: number;
  /** The metadata part of a multipart submission (`RELAIS_MAX_METADATA_BYTES`): 400 REQUEST.METADATA_TOO_LARGE. */
  readonly maxMetadataBytes: number;
  /** File parts of one acte submission, document, annexes and signatures together (`RELAIS_MAX_FILES`): 400 REQUEST.TOO_MANY_PARTS. */
  readonly maxFiles: number;
  /** A file part's name, in UTF-8 bytes (`RELAIS_MAX_FILE_NAME_BYTES`): 400 REQUEST.FILE_NAME_TOO_LONG. */
  readonly maxFileNameBytes: number;
  /**
   * Uploads (actes, archives, PES files, replies) read at once by this gateway
   * (`RELAIS_MAX_CONCURRENT_UPLOADS`): one more is answered 503 SERVICE.OVERLOADED. An archive is held
   * in memory while it is read, so this bounds the gateway's memory too.
   */
  readonly maxConcurrentUploads: number;
  /** Database-heavy reads (lists, statistics, audit) at once (`RELAIS_MAX_CONCURRENT_QUERIES`): 503 SERVICE.OVERLOADED. */
  readonly maxConcurrentQueries: number;
  /** Connections of the gateway's database pool (`RELAIS_DB_POOL_SIZE`). */
  readonly dbPoolSize: number;
  /**
   * Longest wait for a database connection, new or from the pool (`RELAIS_DB_ACQUIRE_TIMEOUT_MS`):
   * past it, or when the database cannot be reached, 503 SERVICE.UNAVAILABLE.
   */
  readonly dbAcquireTimeoutMs: number;
  /** Requests waiting for a database connection past which a new call is answered 503 SERVICE.OVERLOADED (`RELAIS_DB_MAX_WAITING`). */
  readonly dbMaxWaiting: number;
}

/** The defaults: generous for the traffic of a département's collectivités, small enough to keep one process alive. */
export const DEFAULT_LIMITS: GatewayLimits = {
  maxJsonBytes: 128 * 1024,
  maxFormBytes: 8 * 1024,
  // Node's own default: enough for a bearer token, a session cookie and a browser's usual headers.
  maxHeaderBytes: 16 * 1024,
  maxMetadataBytes: 64 * 1024,
  maxFiles: 101,
  maxFileNameBytes: 255,
  maxConcurrentUploads: 16,
  // A token's burst of 100 (API.md's floor) fits in the queries and in the pool's queue; beyond, the
  // acquire timeout bounds each wait anyway.
  maxConcurrentQueries: 128,
  dbPoolSize: 20,
  dbAcquireTimeoutMs: 5_000,
  dbMaxWaiting: 256,
};

/** Reads the limits from the environment into `settings`' problems; the defaults where unset. */
export function readLimits(settings: SettingsReader): GatewayLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxJsonBytes: settings.integer('RELAIS_MAX_JSON_BYTES', d.maxJsonBytes, 1024, 64 * 1024 * 1024),
    maxFormBytes: settings.integer('RELAIS_MAX_FORM_BYTES', d.maxFormBytes, 1024, 1024 * 1024),
    maxHeaderBytes: settings.integer('RELAIS_MAX_HEADER_BYTES', d.maxHeaderBytes, 4 * 1024, 1024 * 1024),
    maxMetadataBytes: settings.integer('RELAIS_MAX_METADATA_BYTES', d.maxMetadataBytes, 1024, 16 * 1024 * 1024),
    maxFiles: settings.integer('RELAIS_MAX_FILES', d.maxFiles, 1, 10_000),
    maxFileNameBytes: settings.integer('RELAIS_MAX_FILE_NAME_BYTES', d.maxFileNameBytes, 16, 4096),
    maxConcurrentUploads: settings.integer('RELAIS_MAX_CONCURRENT_UPLOADS', d.maxConcurrentUploads, 1, 10_000),
    maxConcurrentQueries: settings.integer('RELAIS_MAX_CONCURRENT_QUERIES', d.maxConcurrentQueries, 1, 10_000),
    dbPoolSize: settings.integer('RELAIS_DB_POOL_SIZE', d.dbPoolSize, 2, 1_000),
    dbAcquireTimeoutMs: settings.integer('RELAIS_DB_ACQUIRE_TIMEOUT_MS', d.dbAcquireTimeoutMs, 100, 600_000),
    dbMaxWaiting: settings.integer('RELAIS_DB_MAX_WAITING', d.dbMaxWaiting, 0, 100_000),
  };
}
