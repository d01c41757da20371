import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tolerateDrop, type TestDatabase } from '@relais/testing';
import pg from 'pg';
import { migratedDatabase, newEvent, rejectionOf } from '../test/helpers.js';
import {
  defaultVerifyWorkers,
  eventHash,
  formatRecordedAt,
  type JsonObject,
  PostgresEventStore,
  type ScanLimits,
  type StoredEvent,
  verifyHashChain,
  type VerifyOptions,
  type VerifyResult,
} from './index.js';
import { combineRanges, splitPositions } from './verify.js';

let db: TestDatabase;
let store: PostgresEventStore;
let total = 0;

/** Payloads that jsonb rewrites (key order, number forms, escapes): the hash must survive the trip. */
const payloads: JsonObject[] = [
  { objet: 'Délibération n°12 — "budget" \\ annexe', montant: 1234.5, zéro: 0, neg: -17, tiny: 1e-7, big: 12345678901234567000 },
  { z: { y: { x: [1, 'deux', null, true, { w: [] }] } }, a: '\u2028\t\n\u0001', emoji: '\uD83D\uDE00' },
  { float: 0.1, third: 1 / 3, exp: 1e21, list: [3, 2, 1] },
];

/**
 * The compiled worker: Jest runs this library from its TypeScript source, beside which there is no
 * verify-worker.js to start. `npm test` builds first; run alone, build with `npx nx run event-store:build`.
 */
const compiledWorker = new URL('../dist/verify-worker.js', import.meta.url);

beforeAll(async () => {
  if (!existsSync(fileURLToPath(compiledWorker))) {
    throw new Error(`${fileURLToPath(compiledWorker)} is missing: build first (npx nx run event-store:build --outputStyle=static)`);
  }
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
  // Several streams, interleaved, each over several transactions.
  for (let round = 0; round < 4; round++) {
    await Promise.all(
      ['acte-1', 'acte-2', 'acte-3'].map((stream, s) =>
        store.append(stream, round === 0 ? 'no_stream' : round * 2, [
          newEvent(`Round${round}`, { ...payloads[(round + s) % payloads.length]!, round }, { by: 'verify-test', s }),
          newEvent(`Round${round}b`, {}),
        ]),
      ),
    );
  }
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  total = rows[0]!.n;
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

/** Pages of 5 rows, 2 chain ends in memory. */
const TINY: ScanLimits = { page: 5, cache: 2 };

/**
 * Verifies in this thread with the default limits and with tiny ones, so that paging, eviction and
 * predecessor lookups are shown not to change any answer.
 */
async function verifyInThread(options: VerifyOptions = {}): Promise<VerifyResult> {
  const result = await verifyHashChain(db.pool, { ...options, workers: 0 });
  expect(await verifyHashChain(db.pool, { ...options, workers: 0 }, TINY)).toEqual(result);
  return result;
}

/**
 * The same, then split between 2 worker threads (with tiny limits: each range pages, evicts and looks
 * predecessors up in the other), which must give the same answer, count included.
 */
async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const result = await verifyInThread(options);
  expect(await verifyHashChain(db.pool, { ...options, workers: 2, workerScript: compiledWorker }, TINY)).toEqual(result);
  return result;
}

async function asSuperuser(sql: string, values?: unknown[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('ALTER TABLE events DISABLE TRIGGER USER');
    await client.query(sql, values);
  } finally {
    await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    client.release();
  }
}

/**
 * Runs `check` on a tampered log, then puts every row back exactly as it was (same positions and
 * transaction ids), so that each test starts from an intact log.
 */
async function tampered(tamper: () => Promise<void>, check: () => Promise<void>): Promise<void> {
  const columns = 'global_position, transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash';
  const client = await db.pool.connect();
  try {
    await client.query(`CREATE TEMP TABLE saved AS SELECT ${columns} FROM events`);
    await client.query('CREATE TEMP TABLE saved_streams AS SELECT * FROM streams');
    await tamper();
    await check();
  } finally {
    await client.query('ALTER TABLE events DISABLE TRIGGER USER');
    await client.query('DELETE FROM events');
    await client.query(`INSERT INTO events (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM saved`);
    await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    await client.query('DELETE FROM streams');
    await client.query('INSERT INTO streams SELECT * FROM saved_streams');
    await client.query('DROP TABLE saved, saved_streams');
    client.release();
  }
  expect(await verifyInThread()).toEqual({ ok: true, checked: total });
}

async function event(streamId: string, version: number): Promise<StoredEvent> {
  const found = (await store.readStream(streamId, { fromVersion: version, toVersion: version }))[0];
  if (!found) throw new Error(`no event ${streamId}@${version}`);
  return found;
}

describe('verifyHashChain', () => {
  it('verifies an untouched log, payloads as jsonb rewrote them included', async () => {
    expect(await verify()).toEqual({ ok: true, checked: total });
    expect(total).toBe(24);
  });

  it('finds an edited payload at exactly that row', async () => {
    const target = await event('acte-2', 3);
    await tampered(
      () => asSuperuser(`UPDATE events SET data = jsonb_set(data, '{montant}', '1234.6') WHERE global_position = $1`, [String(target.globalPosition)]),
      async () => {
        const result = await verify();
        expect(result).toMatchObject({ ok: false, firstBroken: { position: target.globalPosition, reason: 'hash_mismatch', streamId: 'acte-2' } });
      },
    );
  });

  it('finds an edited type, metadata or recorded_at (to the microsecond)', async () => {
    const target = await event('acte-1', 4);
    for (const change of [
      `type = 'Forged'`,
      `metadata = metadata || '{"by":"someone else"}'`,
      `recorded_at = recorded_at + interval '1 microsecond'`,
    ]) {
      await tampered(
        () => asSuperuser(`UPDATE events SET ${change} WHERE global_position = $1`, [String(target.globalPosition)]),
        async () => {
          expect((await verify()).firstBroken).toMatchObject({ position: target.globalPosition, reason: 'hash_mismatch' });
        },
      );
    }
  });

  it('finds an edit whose hash was recomputed too, at the next row of the stream', async () => {
    const target = await event('acte-3', 2);
    const next = await event('acte-3', 3);
    const previous = await event('acte-3', 1);
    const forged = eventHash(previous.hash, {
      streamId: 'acte-3',
      streamVersion: 2n,
      eventId: target.eventId,
      type: target.type,
      data: { forged: true },
      metadata: target.metadata,
      recordedAt: formatRecordedAt(target.recordedAt),
    });
    await tampered(
      () => asSuperuser(`UPDATE events SET data = '{"forged": true}', hash = $2 WHERE global_position = $1`, [String(target.globalPosition), forged]),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: next.globalPosition, reason: 'hash_mismatch' });
      },
    );
  });

  it('finds a deleted row where the chain breaks, and a deleted tail by the stream head', async () => {
    const deleted = await event('acte-1', 3);
    const next = await event('acte-1', 4);
    await tampered(
      () => asSuperuser('DELETE FROM events WHERE global_position = $1', [String(deleted.globalPosition)]),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: next.globalPosition, reason: 'missing_event' });
      },
    );
    const tail = await event('acte-2', 8);
    const beforeTail = await event('acte-2', 7);
    await tampered(
      () => asSuperuser('DELETE FROM events WHERE global_position = $1', [String(tail.globalPosition)]),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({
          position: beforeTail.globalPosition,
          reason: 'missing_event',
          streamId: 'acte-2',
        });
      },
    );
  });

  it('finds rows swapped within a stream', async () => {
    const a = await event('acte-2', 2);
    const b = await event('acte-2', 5);
    await tampered(
      () =>
        asSuperuser(
          `UPDATE events SET stream_version = 1000 WHERE stream_id = 'acte-2' AND stream_version = 2;
           UPDATE events SET stream_version = 2 WHERE stream_id = 'acte-2' AND stream_version = 5;
           UPDATE events SET stream_version = 5 WHERE stream_id = 'acte-2' AND stream_version = 1000`,
        ),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: a.globalPosition, reason: 'out_of_order' });
        expect(b.globalPosition).toBeGreaterThan(a.globalPosition);
      },
    );
  });

  it('finds an inserted row, with a made-up hash or with a correctly chained one', async () => {
    const last = await event('acte-3', 8);
    const forged = {
      streamId: 'acte-3',
      streamVersion: 9n,
      eventId: newEvent().eventId,
      type: 'Forged',
      data: { amount: 1 },
      metadata: {},
      recordedAt: formatRecordedAt(new Date()),
    };
    const insert = (hash: Buffer) =>
      db.pool.query<{ global_position: string }>(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING global_position`,
        [forged.streamId, '9', forged.eventId, forged.type, forged.data, forged.metadata, forged.recordedAt, hash],
      );
    let position = '';
    await tampered(
      async () => {
        position = (await insert(Buffer.alloc(32, 7))).rows[0]!.global_position;
      },
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: BigInt(position), reason: 'inserted_event' });
      },
    );
    await tampered(
      async () => {
        position = (await insert(eventHash(last.hash, forged))).rows[0]!.global_position;
      },
      async () => {
        // The chain alone cannot see a well-forged tail; the head recorded in `streams` does.
        expect((await verify()).firstBroken).toMatchObject({ position: BigInt(position), reason: 'inserted_event' });
      },
    );
    // A whole stream made up, without a head: no trigger stands in the way of an INSERT.
    await tampered(
      async () => {
        const invented = { ...forged, streamId: 'acte-invented', streamVersion: 1n, eventId: newEvent().eventId };
        position = (
          await db.pool.query<{ global_position: string }>(
            `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash)
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7) RETURNING global_position`,
            [invented.streamId, invented.eventId, invented.type, invented.data, invented.metadata, invented.recordedAt, eventHash(Buffer.alloc(32), invented)],
          )
        ).rows[0]!.global_position;
      },
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: BigInt(position), reason: 'inserted_event', streamId: 'acte-invented' });
      },
    );
  });

  it('finds a stream head edited behind the platform (a table without triggers)', async () => {
    const last = await event('acte-1', 8);
    await tampered(
      () => asSuperuser(`UPDATE streams SET last_hash = sha256(last_hash) WHERE stream_id = 'acte-1'`),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: last.globalPosition, reason: 'stream_head_mismatch', streamId: 'acte-1' });
      },
    );
  });

  it('verifies a range, trusting the chain before it', async () => {
    const target = await event('acte-2', 3);
    await tampered(
      () => asSuperuser(`UPDATE events SET type = 'Forged' WHERE global_position = $1`, [String(target.globalPosition)]),
      async () => {
        const after = await verify({ fromPosition: target.globalPosition + 1n });
        expect(after.ok).toBe(true);
        const before = await verify({ toPosition: target.globalPosition - 1n });
        expect(before).toMatchObject({ ok: true });
        const around = await verify({ fromPosition: target.globalPosition - 2n, toPosition: target.globalPosition + 2n });
        expect(around).toMatchObject({ ok: false, checked: 3, firstBroken: { position: target.globalPosition, reason: 'hash_mismatch' } });
      },
    );
  });
});

/** Where the second of 2 workers' ranges starts on the log as it is now. */
async function secondRangeStart(): Promise<bigint> {
  const { rows } = await db.pool.query<{ first: string; last: string }>(
    'SELECT min(global_position)::text AS first, max(global_position)::text AS last FROM events',
  );
  const second = splitPositions(BigInt(rows[0]!.first), BigInt(rows[0]!.last), 2)[1];
  if (!second) throw new Error('too few events to split');
  return second.from;
}

/**
 * A TCP proxy to the test server that cuts, as a lost connection would, the first connection through
 * it that sends `marker` (a query's text); `allClosed` resolves once every connection through it has closed.
 */
async function cuttingProxy(url: string, marker: string): Promise<{ url: string; allClosed(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(url);
  const open = new Set<Socket>();
  let cut = false;
  let whenEmpty: (() => void) | undefined;
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || '5432') });
    open.add(client);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      open.delete(client);
      upstream.destroy();
      if (open.size === 0) whenEmpty?.();
    });
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (!cut && chunk.includes(marker)) {
        cut = true;
        client.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    allClosed: () =>
      new Promise<void>((resolve) => {
        if (open.size === 0) resolve();
        else whenEmpty = resolve;
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('verifyHashChain split among worker threads', () => {
  const inWorkers = (workers: number, options: VerifyOptions = {}): VerifyOptions => ({ ...options, workers, workerScript: compiledWorker });

  it('cuts the positions into even contiguous ranges, and combines their answers as one scan would', () => {
    expect(splitPositions(1n, 24n, 2)).toEqual([{ from: 1n, to: 12n }, { from: 13n, to: 24n }]);
    expect(splitPositions(5n, 14n, 3)).toEqual([{ from: 5n, to: 7n }, { from: 8n, to: 10n }, { from: 11n, to: 14n }]);
    expect(splitPositions(7n, 8n, 4)).toEqual([{ from: 7n, to: 7n }, { from: 8n, to: 8n }]);
    expect(splitPositions(9n, 8n, 2)).toEqual([]);
    const broken = { position: 30n, reason: 'hash_mismatch' as const, streamId: 'a' };
    const later = { position: 50n, reason: 'missing_event' as const, streamId: 'b' };
    expect(combineRanges([{ checked: 10 }, { checked: 12 }])).toEqual({ checked: 22 });
    // An earlier range still running could hold an earlier break; a later one cannot.
    expect(combineRanges([{ checked: 10 }, undefined, { checked: 3, broken: later }])).toBeUndefined();
    expect(combineRanges([{ checked: 10 }, { checked: 4, broken }, undefined])).toEqual({ checked: 14, broken });
    expect(combineRanges([{ checked: 4, broken }, { checked: 7, broken: later }])).toEqual({ checked: 4, broken });
  });

  it('runs in the calling thread by default when the library runs from its source (under Jest)', () => {
    expect(defaultVerifyWorkers()).toBe(0);
  });

  it('verifies an intact log, counting every event and telling the progress summed over the workers', async () => {
    for (const workers of [2, 4]) {
      const told: number[] = [];
      const result = await verifyHashChain(db.pool, inWorkers(workers, { onProgress: (checked) => told.push(checked) }), TINY);
      expect(result).toEqual({ ok: true, checked: total });
      expect(told.at(-1)).toBe(total);
      expect(told).toEqual([...told].sort((a, b) => a - b));
    }
  });

  it('finds what was done in the second range as one thread does, the stream going on from the first', async () => {
    const second = await secondRangeStart();
    const [v4, v5, v6, v7] = await Promise.all([4, 5, 6, 7].map((version) => event('acte-1', version)));
    // acte-1's versions straddle the split: the second worker looks its predecessors up in the first range.
    expect(v4!.globalPosition).toBeLessThan(second);
    expect(v5!.globalPosition).toBeGreaterThanOrEqual(second);
    const edited = await event('acte-2', 6);
    expect(edited.globalPosition).toBeGreaterThanOrEqual(second);
    await tampered(
      () => asSuperuser(`UPDATE events SET data = data || '{"montant": 1}' WHERE global_position = $1`, [String(edited.globalPosition)]),
      async () => {
        expect(await verify()).toMatchObject({ ok: false, firstBroken: { position: edited.globalPosition, reason: 'hash_mismatch', streamId: 'acte-2' } });
      },
    );
    // The first row of the second range re-hashed from the first range's last: the next one breaks.
    const forged = eventHash(v4!.hash, {
      streamId: 'acte-1',
      streamVersion: 5n,
      eventId: v5!.eventId,
      type: v5!.type,
      data: { forged: true },
      metadata: v5!.metadata,
      recordedAt: formatRecordedAt(v5!.recordedAt),
    });
    await tampered(
      () => asSuperuser(`UPDATE events SET data = '{"forged": true}', hash = $2 WHERE global_position = $1`, [String(v5!.globalPosition), forged]),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: v6!.globalPosition, reason: 'hash_mismatch', streamId: 'acte-1' });
      },
    );
    // The first range's last row of the stream deleted, then the second range's first.
    for (const [deleted, next] of [
      [v4!, v5!],
      [v5!, v6!],
    ] as const) {
      await tampered(
        () => asSuperuser('DELETE FROM events WHERE global_position = $1', [String(deleted.globalPosition)]),
        async () => {
          expect((await verify()).firstBroken).toMatchObject({ position: next.globalPosition, reason: 'missing_event', streamId: 'acte-1' });
        },
      );
    }
    const swap = (a: number, b: number): string =>
      `UPDATE events SET stream_version = 1000 WHERE stream_id = 'acte-1' AND stream_version = ${String(a)};
       UPDATE events SET stream_version = ${String(a)} WHERE stream_id = 'acte-1' AND stream_version = ${String(b)};
       UPDATE events SET stream_version = ${String(b)} WHERE stream_id = 'acte-1' AND stream_version = 1000`;
    await tampered(
      () => asSuperuser(swap(5, 7)),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: v5!.globalPosition, reason: 'out_of_order', streamId: 'acte-1' });
      },
    );
    // v5 deleted and v6, v7 swapped: the row at v6's place (now v7) follows v4, in the first range.
    // Its previous version (6) lies later in the log, but what is missing after v4 is v5: one thread
    // holding v4 in memory says so, and so must the second worker, which never saw v4.
    await tampered(
      () => asSuperuser(`DELETE FROM events WHERE global_position = ${String(v5!.globalPosition)}; ${swap(6, 7)}`),
      async () => {
        expect((await verify()).firstBroken).toMatchObject({ position: v6!.globalPosition, reason: 'missing_event', streamId: 'acte-1' });
        expect(v7!.globalPosition).toBeGreaterThan(v6!.globalPosition);
      },
    );
  });

  it('fails, without hanging, when a worker cannot start or ends without an answer', async () => {
    const missing = await rejectionOf(verifyHashChain(db.pool, { workers: 2, workerScript: new URL('./no-such-worker.js', compiledWorker) }));
    expect(String(missing)).toContain('no-such-worker.js is missing');
    const throwing = await rejectionOf(verifyHashChain(db.pool, { workers: 2, workerScript: new URL('data:text/javascript,throw new Error("no scan here")') }));
    expect(String(throwing)).toContain('no scan here');
    const silent = await rejectionOf(verifyHashChain(db.pool, { workers: 2, workerScript: new URL('data:text/javascript,') }));
    expect(String(silent)).toMatch(/ended \(exit code 0\) without an answer/);
    // The first range fails while the second would never end: the failure comes, and the second thread
    // is terminated before it does (the promise settles once every thread has ended).
    const halfFailing = `const { workerData } = await import('node:worker_threads');
      if (workerData.range.from === workerData.range.trustedFrom) throw new Error('the first range failed');
      setInterval(() => undefined, 60_000);`;
    const failed = await rejectionOf(verifyHashChain(db.pool, { workers: 2, workerScript: new URL(`data:text/javascript,${encodeURIComponent(halfFailing)}`) }));
    expect(String(failed)).toContain('the first range failed');
    // The main connection went back to the pool (or was discarded), none left checked out.
    expect(db.pool.totalCount).toBe(db.pool.idleCount);
  });

  it('fails when a worker loses its connection, or the main thread its own, and ends every worker', async () => {
    // The scan's page query is only a worker's; the heads' comparison only the main thread's.
    for (const marker of ['ORDER BY global_position LIMIT', 'LEFT JOIN LATERAL']) {
      const proxy = await cuttingProxy(db.url, marker);
      const pool = tolerateDrop(new pg.Pool({ connectionString: proxy.url, max: 2 }));
      try {
        const error = await rejectionOf(verifyHashChain(pool, inWorkers(2), TINY));
        expect(String(error)).toMatch(/Connection terminated/);
        // Every connection through the proxy closes: the workers have ended, the main connection was discarded.
        await proxy.allClosed();
      } finally {
        await pool.end();
        await proxy.close();
      }
    }
    expect(await verify()).toEqual({ ok: true, checked: total });
  });
});
