import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventsOf } from '@relais/domain/testing';
import { encodeCheckpoint, loadCheckpoint, PostgresEventStore } from '@relais/event-store';
import { createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import type pg from 'pg';
import { appendTransmission, projectorDatabase } from '../../test/database.js';
import { TRANSMISSIONS_CHECKPOINT } from './project-batch.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * The built `relais-projector` stopped by SIGTERM while a batch is in flight — held mid-transaction by
 * a lock the test takes on the read model. Released within the budget, the batch commits with its
 * checkpoint and the process exits 0; held past the hard deadline, the process exits 1 and the batch
 * is rolled back with its checkpoint: never one without the other.
 */
describe('relais-projector at SIGTERM', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let store: PostgresEventStore;
  let count = 0;

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build the projector first (npx nx run projector:build)`);
    [db, ns] = await Promise.all([projectorDatabase(), createTestNamespace()]);
    store = new PostgresEventStore(db.pool);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
    await ns.cleanup();
  });

  function startProjector(env: Record<string, string> = {}): { child: ChildProcess; exit: Promise<Exit> } {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, DATABASE_URL: db.url, NATS_URL: ns.natsUrl, RELAIS_NAMESPACE: ns.namespace, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exit = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
    return { child, exit };
  }

  async function appendTransmissions(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const id = `tr-stop-${(count++).toString()}`;
      const e = eventsOf(id);
      await appendTransmission(store, id, [e.received(), e.validated()]);
    }
  }

  async function rows(): Promise<number> {
    return (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transmissions')).rows[0]!.n;
  }

  async function checkpoint(): Promise<string | null> {
    const c = await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT);
    return c === null ? null : encodeCheckpoint(c);
  }

  /** Holds the read model's table until released: the projector's next batch waits mid-transaction. */
  async function holdReadModel(): Promise<{ release(): Promise<void> }> {
    const client: pg.PoolClient = await db.pool.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE transmissions IN EXCLUSIVE MODE');
    return {
      async release() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }

  async function batchBlocked(): Promise<void> {
    const waiting = async () =>
      (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'transmissions'::regclass`)).rows[0]!.n;
    while ((await waiting()) === 0) await sleep(20);
  }

  async function caughtUp(): Promise<void> {
    while ((await rows()) < count) await sleep(50);
  }

  it('finishes the batch in flight, commits it with its checkpoint, and exits 0', async () => {
    const projector = startProjector();
    await appendTransmissions(5);
    await caughtUp();

    const held = await holdReadModel();
    await appendTransmissions(50);
    await batchBlocked();
    const before = { rows: await rows(), checkpoint: await checkpoint() };
    projector.child.kill('SIGTERM');
    // Still waiting for its batch (a stop that dropped it would have exited by now).
    await sleep(300);
    expect(projector.child.exitCode).toBeNull();
    await held.release();

    expect(await projector.exit).toEqual({ code: 0, signal: null });
    const after = { rows: await rows(), checkpoint: await checkpoint() };
    expect(after.rows).toBeGreaterThan(before.rows);
    expect(after.checkpoint).not.toBe(before.checkpoint);
    // The checkpoint covers exactly the rows committed: one row per transmission read up to it, no more.
    const [transactionId, globalPosition] = after.checkpoint!.split(':');
    const { rows: upTo } = await db.pool.query<{ n: number }>(
      `SELECT count(DISTINCT stream_id)::int AS n FROM events
        WHERE stream_id LIKE 'transmission-%' AND (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)`,
      [transactionId, globalPosition],
    );
    expect(upTo[0]!.n).toBe(after.rows);
  }, 60_000);

  it('past the hard deadline exits 1, and its batch is rolled back with its checkpoint', async () => {
    const projector = startProjector({ RELAIS_SHUTDOWN_TIMEOUT_MS: '1500' });
    await caughtUp();
    const held = await holdReadModel();
    await appendTransmissions(20);
    await batchBlocked();
    const before = { rows: await rows(), checkpoint: await checkpoint() };
    projector.child.kill('SIGTERM');
    expect(await projector.exit).toEqual({ code: 1, signal: null });
    await held.release();
    expect({ rows: await rows(), checkpoint: await checkpoint() }).toEqual(before);
  }, 60_000);
});
