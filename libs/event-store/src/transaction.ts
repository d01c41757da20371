import type pg from 'pg';

/**
 * Runs `work` in a transaction on a client of `pool`: COMMIT when it resolves, ROLLBACK when it throws
 * (and the error is rethrown). A client whose rollback failed is discarded, never returned to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { readonly begunByWork?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const stopListening = onConnectionLost(client, (error) => {
    broken = error;
  });
  try {
    // `begunByWork`: the work's first statement is its BEGIN (sent with its first query, a round trip saved).
    if (options.begunByWork !== true) await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    stopListening();
    client.release(broken);
  }
}

/**
 * Listens for the loss of a checked-out client's connection (PostgreSQL restarted or gone): node-postgres
 * emits it as an `error` event on the client, which the pool listens to only while the client is idle,
 * and an `error` event nobody listens to ends the process. The query in flight, if any, fails as well;
 * `lost` notes the error so that the client is discarded on release. Returns the function that stops
 * listening, to call before the release.
 */
export function onConnectionLost(client: pg.PoolClient, lost: (error: Error) => void): () => void {
  client.on('error', lost);
  return () => {
    client.off('error', lost);
  };
}
