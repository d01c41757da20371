/**
 * A worker thread of a parallel replay (see replay.ts): folds the pages of rows the main thread sends
 * it, then writes its partition's own rows and hands back the rows to merge. Thin: the fold and the
 * writes are ReplayPartition's, the same as in one thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { PROJECTIONS } from './projections.js';
import { ReplayPartition } from './replay-partition.js';
import type { FromReplayWorker, ReplayWorkerData, ToReplayWorker } from './replay-messages.js';

const data = workerData as ReplayWorkerData;
const port = parentPort;
if (port === null) throw new Error('replay-worker runs as a worker thread');
const partition = new ReplayPartition(PROJECTIONS.filter((p) => data.projections.includes(p.name)));
function send(message: FromReplayWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

port.on('message', (message: ToReplayWorker) => {
  if (message.kind === 'rows') {
    try {
      partition.addText(message.rows);
      send({ kind: 'folded' });
    } catch (error) {
      send({ kind: 'failed', error: describe(error) });
    }
    return;
  }
  void write();
});

async function write(): Promise<void> {
  const pool = new pg.Pool({ ...data.connection, max: data.projections.length, options: `-c search_path=${data.schema},public` });
  // A connection lost while idle fails the replay instead of ending the thread unheard.
  pool.on('error', (error) => {
    send({ kind: 'failed', error: describe(error) });
  });
  try {
    // The shared rows first: the main thread merges and writes them while this one writes its own.
    const shared = partition.shared();
    send({ kind: 'shared', shared }, shared.flatMap((tables) => tables.map((t) => t.values.buffer as ArrayBuffer)));
    await partition.writeOwn(pool);
    send({ kind: 'written' });
  } catch (error) {
    send({ kind: 'failed', error: describe(error) });
  } finally {
    await pool.end();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
