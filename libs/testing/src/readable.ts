import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/**
 * Waits until readAll (and the sealer) can see every event committed so far. Their horizon is
 * cluster-wide: a transaction open in any database of the server (another test file, another
 * engineer's suite) holds it back.
 */
export async function waitUntilReadable(pool: pg.Pool, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ ok: boolean }>(
      'SELECT coalesce(pg_snapshot_xmin(pg_current_snapshot()) > (SELECT max(transaction_id) FROM events), true) AS ok',
    );
    if (rows[0]?.ok) return;
    if (Date.now() > deadline) throw new Error('events still behind the read horizon: a long transaction is open on the server');
    await sleep(20);
  }
}
