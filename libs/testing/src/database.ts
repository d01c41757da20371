import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testServers, type TestServers } from './servers.js';

/** A database made for one test file, dropped by `drop()`. */
export interface TestDatabase {
  /** Connection string of the new database. */
  readonly url: string;
  readonly name: string;
  /** A pool on the new database, closed by `drop()`. */
  readonly pool: pg.Pool;
  /** Closes the pool, ends any session left on the database and drops it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name on the test server, so that test runs never collide.
 * Sessions on it time out when idle inside a transaction (the oldest open transaction of the whole
 * cluster holds back every `readAll` reader in every database). `servers`: another server than the
 * tests' own (a private one a test may stop and restart).
 */
export async function createTestDatabase(prefix = 'relais_test', servers?: Pick<TestServers, 'databaseUrl'>): Promise<TestDatabase> {
  const { databaseUrl } = servers ?? (await testServers());
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin(databaseUrl, async (admin) => {
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.query(`ALTER DATABASE "${name}" SET idle_in_transaction_session_timeout = '30s'`);
  });
  const url = withDatabase(databaseUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  let dropped = false;
  return {
    url,
    name,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await tolerateDrop(pool).end();
      await withAdmin(databaseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * Lets a pool on a test database outlive its drop: `pool.end()` resolves before its clients' sessions
 * have closed, and DROP ... WITH (FORCE) then ends them (57P01), which the pool would throw as an
 * uncaught error, failing a test file at random. Any other error still surfaces. Give every extra pool
 * a test opens on its database to this.
 */
export function tolerateDrop(pool: pg.Pool): pg.Pool {
  pool.on('error', (error) => {
    if (!('code' in error) || error.code !== '57P01') throw error;
  });
  return pool;
}

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
