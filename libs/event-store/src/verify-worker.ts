/**
 * One range of a `verifyHashChain` split among worker threads (see verify.ts), the thread's edge only:
 * opens its own connection, imports the verification's snapshot, runs the shared `scanChains` over its
 * range and posts its count after each page, then its answer or its failure. A `STOP` message (a range
 * before this one broke: nothing here can be the first break) ends it after the current page, silently.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { beginInSnapshot, scanChains, STOP, type VerifyWorkerData, type VerifyWorkerMessage } from './verify.js';

const port = parentPort;
if (port === null) throw new Error('verify-worker.js runs in a worker thread started by verifyHashChain');
const job = workerData as VerifyWorkerData;
const post = (message: VerifyWorkerMessage): void => {
  port.postMessage(message);
};

const stop = new AbortController();
const onMessage = (message: unknown): void => {
  if (message === STOP) stop.abort();
};
port.on('message', onMessage);

const client = new pg.Client(job.connection);
// A lost connection also fails the query in flight or the next one, which reports it below; unheard,
// the 'error' event would end the thread before that.
client.on('error', () => undefined);
try {
  await client.connect();
  await beginInSnapshot(client, job.snapshot);
  const result = await scanChains(client, job.range, job.limits, {
    onProgress: (checked) => {
      post({ kind: 'progress', checked });
    },
    signal: stop.signal,
  });
  await client.query('COMMIT');
  await client.end();
  post({ kind: 'done', result });
} catch (error) {
  if (!stop.signal.aborted) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error), ...(code !== undefined && { code }) });
  }
  await client.end().catch(() => undefined);
} finally {
  // Lets the thread end: a port with a 'message' listener keeps it alive.
  port.off('message', onMessage);
}
