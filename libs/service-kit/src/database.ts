import pg from 'pg';

/** What {@link openDatabase} needs. */
export interface OpenDatabaseOptions {
  /** The PostgreSQL connection string. */
  readonly url: string;
  /** The most connections the pool opens at once. */
  readonly max: number;
  /**
   * Longest wait for a connection, a new one or one from the pool when every one is in use; past it
   * the query fails ("timeout exceeded when trying to connect") instead of waiting without end.
   * Unset: no bound (node-postgres's default).
   */
  readonly acquireTimeoutMs?: number;
  /** The `application_name` the server shows for the service's connections (`relais-router`…). */
  readonly applicationName?: string;
  /** Where a lost idle connection is reported. */
  readonly logger: { warn(message: string): void };
  /** The schema migrations to run, in order, before the pool is handed out. */
  readonly migrate: readonly ((pool: pg.Pool) => Promise<unknown>)[];
}

/**
 * Opens a service's connection pool and brings every schema it uses up to date. A connection dropped
 * while idle (PostgreSQL restarted) is reported and replaced by the pool instead of ending the process
 * (an `error` event without a listener would). When a migration fails, the pool is closed and the error
 * rethrown: nothing is left open.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    ...(options.acquireTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.acquireTimeoutMs }),
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
  });
  pool.on('error', (error) => {
    options.logger.warn(`idle database connection lost: ${error.message}`);
  });
  try {
    for (const migrate of options.migrate) await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
