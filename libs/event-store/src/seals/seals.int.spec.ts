import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent, waitUntilReadable } from '../../test/helpers.js';
import {
  eventHash,
  exportSeal,
  formatRecordedAt,
  GENESIS_HASH,
  importSeal,
  listSeals,
  PostgresEventStore,
  type Seal,
  sealDigest,
  sealNext,
  verifyHashChain,
  verifySeals,
} from '../index.js';

let db: TestDatabase;
let store: PostgresEventStore;
/** The seals as an auditor exported them (through JSON, as a file holds them). */
let exported: Seal[];

const NEVER = 3_600_000;

async function sealAll(everyEvents: number, everyMs: number): Promise<Seal[]> {
  await waitUntilReadable(db.pool);
  const made: Seal[] = [];
  for (let seal = await sealNext(db.pool, { everyEvents, everyMs }); seal; seal = await sealNext(db.pool, { everyEvents, everyMs })) made.push(seal);
  return made;
}

/** Runs SQL as a superuser who disabled the append-only triggers. */
async function asSuperuser(sql: string, values?: unknown[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('ALTER TABLE events DISABLE TRIGGER USER');
    await client.query('ALTER TABLE seals DISABLE TRIGGER USER');
    await client.query(sql, values);
  } finally {
    await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    await client.query('ALTER TABLE seals ENABLE TRIGGER USER');
    client.release();
  }
}

/** Runs `check` on a tampered log, then restores every row of events, streams and seals. */
async function tampered(tamper: () => Promise<void>, check: () => Promise<void>): Promise<void> {
  const columns = 'global_position, transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash';
  await db.pool.query(`CREATE TABLE saved AS SELECT ${columns} FROM events`);
  await db.pool.query('CREATE TABLE saved_streams AS SELECT * FROM streams');
  await db.pool.query('CREATE TABLE saved_seals AS SELECT * FROM seals');
  try {
    await tamper();
    await check();
  } finally {
    await asSuperuser(`DELETE FROM events; INSERT INTO events (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM saved;
      DELETE FROM streams; INSERT INTO streams SELECT * FROM saved_streams;
      DELETE FROM seals; INSERT INTO seals SELECT * FROM saved_seals;
      DROP TABLE saved, saved_streams, saved_seals`);
  }
  expect((await verifySeals(db.pool, { exported })).ok).toBe(true);
}

/**
 * What a database administrator covering their tracks does: edits one event, recomputes the hash of it
 * and of every later event of its stream, the stream's head, and (optionally) every seal after it.
 */
async function rewriteChain(streamId: string, version: number, data: object, resealFrom?: bigint): Promise<void> {
  await asSuperuser(`UPDATE events SET data = $3 WHERE stream_id = $1 AND stream_version = $2`, [streamId, version, JSON.stringify(data)]);
  const events = await store.readStream(streamId);
  let previous = GENESIS_HASH;
  for (const e of events) {
    const hash = eventHash(previous, {
      streamId,
      streamVersion: e.streamVersion,
      eventId: e.eventId,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      recordedAt: formatRecordedAt(e.recordedAt),
    });
    await asSuperuser('UPDATE events SET hash = $1 WHERE global_position = $2', [hash, String(e.globalPosition)]);
    previous = hash;
  }
  await asSuperuser('UPDATE streams SET last_hash = $1 WHERE stream_id = $2', [previous, streamId]);
  if (resealFrom === undefined) return;
  // Every seal from `resealFrom` on, recomputed over the rewritten hashes.
  const seals = await listSeals(db.pool);
  const { rows } = await db.pool.query<{ p: string; h: Buffer }>('SELECT global_position AS p, hash AS h FROM events ORDER BY transaction_id, global_position');
  let digest = seals.find((s) => s.sealNumber === resealFrom - 1n)?.digest ?? Buffer.alloc(32);
  let count = 0n;
  for (const seal of seals) {
    const covered = rows.slice(Number(count), Number(seal.eventCount)).map((r) => [BigInt(r.p), r.h] as const);
    if (seal.sealNumber >= resealFrom) {
      const next = sealDigest(digest, seal.eventCount, covered);
      await asSuperuser('UPDATE seals SET digest = $1, previous_digest = $2 WHERE seal_number = $3', [next, digest, String(seal.sealNumber)]);
      digest = next;
    }
    count = seal.eventCount;
  }
}

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresEventStore(db.pool);
  for (let round = 0; round < 5; round++) {
    await Promise.all(
      ['acte-1', 'acte-2', 'acte-3'].map((stream) =>
        store.append(stream, round === 0 ? 'no_stream' : round * 2, [newEvent('A', { round, stream }), newEvent('B', { round })]),
      ),
    );
  }
  expect(await sealAll(7, NEVER)).toHaveLength(4); // 30 events: 4 seals of 7, 2 waiting
  const rest = await sealAll(7, 0);
  expect(rest).toHaveLength(1);
  expect(rest[0]?.eventCount).toBe(30n);
  exported = (await listSeals(db.pool)).map((s) => importSeal(JSON.parse(JSON.stringify(exportSeal(s)))));
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('seals', () => {
  it('chain, each covering the events after the previous one in reading order', async () => {
    expect(exported.map((s) => s.eventCount)).toEqual([7n, 14n, 21n, 28n, 30n]);
    for (const [i, seal] of exported.entries()) {
      expect(seal.sealNumber).toBe(BigInt(i + 1));
      expect(seal.previousDigest).toEqual(i === 0 ? Buffer.alloc(32) : exported[i - 1]?.digest);
    }
    expect(await verifySeals(db.pool, { exported })).toMatchObject({ ok: true, sealsChecked: 5, eventsSealed: 30, lastSeal: { seal: 5n } });
  });

  it('are not due until enough events wait or the oldest has waited long enough', async () => {
    await store.append('acte-4', 'no_stream', [newEvent('A')]);
    await waitUntilReadable(db.pool);
    expect(await sealNext(db.pool, { everyEvents: 2, everyMs: NEVER })).toBeNull();
    const later = new Date(Date.now() + 61_000);
    const seal = await sealNext(db.pool, { everyEvents: 2, everyMs: 60_000, now: () => later });
    expect(seal).toMatchObject({ sealNumber: 6n, eventCount: 31n });
    exported.push(seal as Seal);
  });

  it('never cover a transaction still running, which may commit with a smaller position', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_current_xact_id()`);
      // A writer that started first but commits last: a seal taken meanwhile must stop before it.
      await store.append('acte-5', 'no_stream', [newEvent('A')]);
      expect(await sealNext(db.pool, { everyEvents: 1, everyMs: 0 })).toBeNull();
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await waitUntilReadable(db.pool);
    const seal = await sealNext(db.pool, { everyEvents: 1, everyMs: 0 });
    expect(seal?.eventCount).toBe(32n);
    exported.push(seal as Seal);
    expect((await verifySeals(db.pool, { exported })).ok).toBe(true);
  });

  it('catch an edit (triggers disabled) in the range of the seal that covers it', async () => {
    const target = (await store.readStream('acte-2', { fromVersion: 3, toVersion: 3 }))[0];
    await tampered(
      () => asSuperuser(`UPDATE events SET hash = sha256(hash) WHERE global_position = $1`, [String(target?.globalPosition)]),
      async () => {
        const result = await verifySeals(db.pool, { exported });
        expect(result.ok).toBe(false);
        expect(result.firstBroken?.reason).toBe('seal_mismatch');
        expect(result.firstBroken?.fromPosition).toBeLessThanOrEqual(target!.globalPosition);
        expect(result.firstBroken?.toPosition).toBeGreaterThanOrEqual(target!.globalPosition);
      },
    );
  });

  it('catch a rewritten chain that verifyHashChain accepts: against the seals left in the database', async () => {
    await tampered(
      () => rewriteChain('acte-1', 4, { forged: true }),
      async () => {
        expect(await verifyHashChain(db.pool)).toMatchObject({ ok: true });
        expect((await verifySeals(db.pool)).firstBroken).toMatchObject({ reason: 'seal_mismatch' });
      },
    );
  });

  it('catch a rewritten chain whose seals were rewritten too, against the exported seals only', async () => {
    await tampered(
      () => rewriteChain('acte-1', 4, { forged: true }, 1n),
      async () => {
        expect(await verifyHashChain(db.pool)).toMatchObject({ ok: true });
        expect(await verifySeals(db.pool)).toMatchObject({ ok: true });
        const result = await verifySeals(db.pool, { exported });
        expect(result.firstBroken).toMatchObject({ reason: 'seal_altered' });
      },
    );
  });

  it('catch a deleted, an inserted and a reordered row in a sealed range', async () => {
    const { rows } = await db.pool.query<{ p: string; tx: string }>(
      'SELECT global_position AS p, transaction_id::text AS tx FROM events ORDER BY transaction_id, global_position LIMIT 20',
    );
    const a = rows[9]!;
    // The next event of another transaction: swapping their transaction ids swaps their reading order.
    const b = rows.slice(10).find((r) => r.tx !== a.tx)!;
    const cases: [string, string, unknown[]][] = [
      ['deleted', 'DELETE FROM events WHERE global_position = $1', [a.p]],
      [
        'inserted',
        `INSERT INTO events (global_position, transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at, hash)
         OVERRIDING SYSTEM VALUE VALUES (100000, $1::xid8, 'forged', 1, gen_random_uuid(), 'Forged', '{}', '{}', now(), sha256(''))`,
        [a.tx],
      ],
      ['reordered', 'UPDATE events SET transaction_id = CASE WHEN global_position = $1 THEN $4::xid8 ELSE $3::xid8 END WHERE global_position IN ($1, $2)', [a.p, b.p, a.tx, b.tx]],
    ];
    for (const [, sql, values] of cases) {
      await tampered(
        () => asSuperuser(sql, values),
        async () => {
          expect((await verifySeals(db.pool, { exported })).firstBroken).toMatchObject({ reason: 'seal_mismatch' });
        },
      );
    }
  });

  it('catch an exported seal missing from the database and a broken seal chain', async () => {
    await tampered(
      () => asSuperuser('DELETE FROM seals WHERE seal_number >= 5'),
      async () => {
        expect(await verifySeals(db.pool)).toMatchObject({ ok: true, sealsChecked: 4 });
        expect((await verifySeals(db.pool, { exported })).firstBroken).toMatchObject({ seal: 5n, reason: 'seal_missing' });
      },
    );
    await tampered(
      () => asSuperuser('UPDATE seals SET previous_digest = sha256(previous_digest) WHERE seal_number = 3'),
      async () => {
        expect((await verifySeals(db.pool)).firstBroken).toMatchObject({ seal: 3n, reason: 'seal_chain_broken' });
      },
    );
  });
});
