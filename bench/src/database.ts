import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Runs `work` on a new database of its own (named `<prefix>_<random>`) on the server, dropped afterwards. */
export async function withDatabase(serverUrl: string, prefix: string, work: (url: string, pool: pg.Pool) => Promise<void>): Promise<void> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  // The forced DROP ends idle sessions; that is expected here, not a crash.
  pool.on('error', () => undefined);
  try {
    await work(url.toString(), pool);
  } finally {
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
