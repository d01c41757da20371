import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, newEvent } from '../test/helpers.js';
import {
  eventHash,
  formatRecordedAt,
  type JsonObject,
  PostgresEventStore,
  type StoredEvent,
  verifyHashChain,
  type VerifyOptions,
  type VerifyResult,
} from './index.js';

let db: TestDatabase;
let store: PostgresEventStore;
let total = 0;

/** Payloads that jsonb rewrites (key order, number forms, escapes): the hash must survive the trip. */
const payloads: JsonObject[] = [
  { objet: 'Délibération n°12 — "budget" \\ annexe', montant: 1234.5, zéro: 0, neg: -17, tiny: 1e-7, big: 12345678901234567000 },
  { z: { y: { x: [1, 'deux', null, true, { w: [] }] } }, a: '\u2028\t\n\u0001', emoji: '\uD83D\uDE00' },
  { float: 0.1, third: 1 / 3, exp: 1e21, list: [3, 2, 1] },
];

beforeAll(async () => {
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

/**
 * Verifies twice, with the default limits and with tiny ones (pages of 5 rows, 2 chain ends in
 * memory), so that paging, eviction and predecessor lookups are shown not to change any answer.
 */
async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const result = await verifyHashChain(db.pool, options);
  expect(await verifyHashChain(db.pool, options, { page: 5, cache: 2 })).toEqual(result);
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
  expect(await verify()).toEqual({ ok: true, checked: total });
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
