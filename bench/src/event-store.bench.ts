/**
 * The event store against Emmett (@event-driven-io/emmett-postgresql), side by side in one run, each
 * in a database of its own on the same server:
 * (a) appends/s, one event per append, 10 concurrent writers each on its own stream with an expected version;
 * (b) events/s, 100 events per append, same writers;
 * (c) readAll events/s over 1,000,000 events (100,000 in quick mode), loaded with our own appends of
 *     1,000 events (the load rate is reported too), read from the start in pages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { type Checkpoint, migrate, type NewEvent, PostgresEventStore } from '@relais/event-store';
import { withDatabase } from './database.js';

export interface EventStoreBenchOptions {
  readonly databaseUrl: string;
  readonly quick: boolean;
}

const WRITERS = 10;

export async function benchEventStore(opts: EventStoreBenchOptions): Promise<Record<string, number>> {
  const seconds = opts.quick ? 3 : 10;
  const results: Record<string, number> = {};

  await withDatabase(opts.databaseUrl, 'relais_bench_es', async (_url, pool) => {
    await migrate(pool);
    const store = new PostgresEventStore(pool);
    try {
      const append: Append = async (stream, version, batch) => Number((await store.append(stream, version, batch)).nextExpectedVersion);
      results['appendsPerSec.relais'] = await appendLoop(seconds, 1, append);
      results['eventsPerSecBatch100.relais'] = await appendLoop(seconds, 100, append);
    } finally {
      await store.close();
    }
  });

  await withDatabase(opts.databaseUrl, 'relais_bench_emmett', async (url, pool) => {
    // On a pool like ours (10 connections), which this bench ends itself.
    const emmett = getPostgreSQLEventStore(url, { connectionOptions: { connectionString: url, pool } });
    try {
      const append = async (stream: string, version: number, events: readonly NewEvent[]) => {
        const result = await emmett.appendToStream(
          stream,
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedStreamVersion: BigInt(version) },
        );
        return Number(result.nextExpectedStreamVersion);
      };
      // Emmett creates its schema on first use: keep that out of the measure.
      await emmett.appendToStream('warm-up', [{ type: 'WarmedUp', data: {} }]);
      results['appendsPerSec.emmett'] = await appendLoop(seconds, 1, append);
      results['eventsPerSecBatch100.emmett'] = await appendLoop(seconds, 100, append);
    } finally {
      await emmett.close();
    }
  });

  await withDatabase(opts.databaseUrl, 'relais_bench_read', async (_url, pool) => {
    await migrate(pool);
    const total = opts.quick ? 100_000 : 1_000_000;
    const store = new PostgresEventStore(pool, { maxBatchEvents: 4_000 });
    const loadStarted = performance.now();
    try {
      await load(store, total);
    } finally {
      await store.close();
    }
    results['load.eventsPerSec.relais'] = Math.round(total / ((performance.now() - loadStarted) / 1000));
    await pool.query('VACUUM ANALYZE events');
    results['readAll.events'] = total;
    for (const page of [1_000, 10_000]) {
      results[`readAll.eventsPerSec.page${page}.relais`] = await readAllRate(store, total, page);
    }
  });

  return results;
}

type Append = (stream: string, version: number, events: readonly NewEvent[]) => Promise<number>;

/** WRITERS writers, each appending `perAppend` events at a time to its own stream, for `seconds`. */
async function appendLoop(seconds: number, perAppend: number, append: Append): Promise<number> {
  const run = randomBytes(4).toString('hex');
  const deadline = performance.now() + seconds * 1000;
  let appended = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const stream = `bench-${run}-${w}`;
      let version = 0;
      while (performance.now() < deadline) {
        version = await append(stream, version, events(perAppend));
        appended++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return Math.round((appended * perAppend) / elapsed);
}

/** Realistic payloads: an acte as the platform receives it, about 250 bytes of JSON. */
function events(n: number): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: randomUUID(),
    type: 'ActeReceived',
    data: {
      acteId: randomUUID(),
      siren: '213105554',
      numeroInterne: `2026-${String(i).padStart(5, '0')}`,
      objet: 'Délibération portant approbation du budget primitif',
      nature: 1,
      montant: 1234.5,
    },
    metadata: { correlationId: randomUUID(), source: 'bench' },
  }));
}

/** `total` events in streams of 1,000 events, four writers of 1,000-event appends. */
async function load(store: PostgresEventStore, total: number): Promise<void> {
  const perAppend = 1_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < total) {
        const index = next;
        next += perAppend;
        await store.append(`load-${index}`, 'no_stream', events(Math.min(perAppend, total - index)));
      }
    }),
  );
}

async function readAllRate(store: PostgresEventStore, total: number, page: number): Promise<number> {
  let checkpoint: Checkpoint | null = null;
  let read = 0;
  const started = performance.now();
  while (read < total) {
    const result = await store.readAll(checkpoint, page);
    if (result.events.length === 0) throw new Error(`readAll stopped at ${read} of ${total} events`);
    read += result.events.length;
    checkpoint = result.checkpoint;
  }
  return Math.round(read / ((performance.now() - started) / 1000));
}

/** A database of its own on the server of `serverUrl`, dropped afterwards whatever happens. */
