import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventHash, exportSeal, formatRecordedAt, GENESIS_HASH, listSeals, migrate, PostgresEventStore, sealDigest, sealNext } from '@relais/event-store';
import { migrateReadModels } from '@relais/read-models';
import { createTestDatabase, type TestDatabase, waitUntilReadable } from '@relais/testing';
import { cli as runCli, type Ran, verifyExport } from '../test/run.js';

let db: TestDatabase;
let store: PostgresEventStore;
let sealFile: string;

const python = verifyExport;
const cli = (args: readonly string[]): Promise<Ran> => runCli(db.url, args);

async function superuser(sql: string, values: unknown[]): Promise<void> {
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

beforeAll(async () => {
  db = await createTestDatabase('relais_cli_seals');
  await migrate(db.pool);
  await migrateReadModels(db.pool);
  store = new PostgresEventStore(db.pool);
  for (let i = 0; i < 6; i++) {
    await store.append(`stream-${String(i % 3)}`, 'any', [{ eventId: randomUUID(), type: 'Tested', data: { i } }]);
  }
  await waitUntilReadable(db.pool);
  while (await sealNext(db.pool, { everyEvents: 2, everyMs: 3_600_000 }));
  // What relais-audit would have written to its export file.
  sealFile = join(await mkdtemp(join(tmpdir(), 'relais-cli-seals-')), 'seals.ndjson');
  const lines = (await listSeals(db.pool)).map((s) => JSON.stringify({ kind: 'seal', ...exportSeal(s) }));
  await writeFile(sealFile, `${lines.join('\n')}\n{"kind":"timestamp","seal":"1"}\n`);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('relais audit verify --seals', () => {
  it('passes on an intact log, and catches a chain an administrator rewrote with every hash and seal recomputed', async () => {
    const intact = await cli(['audit', 'verify', '--seals', sealFile, '--json', '--quiet']);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, checked: 6, seals: { ok: true, sealsChecked: 3, eventsSealed: 6 } });
    const before = join(dirname(sealFile), 'before.ndjson');
    expect((await cli(['audit', 'export', '--out', before, '--quiet'])).code).toBe(0);
    expect(await python('--seals', sealFile, before)).toEqual({ code: 0, out: expect.stringContaining('ok: 3 seals hold over the first 6 events') as unknown as string });

    // The rewrite: stream-1's first event edited, its chain and head recomputed, every seal recomputed.
    const events = await store.readStream('stream-1');
    let previous = GENESIS_HASH;
    for (const [i, e] of events.entries()) {
      const data = i === 0 ? { i: 1000 } : e.data;
      const hash = eventHash(previous, { streamId: 'stream-1', streamVersion: e.streamVersion, eventId: e.eventId, type: e.type, data, metadata: e.metadata, recordedAt: formatRecordedAt(e.recordedAt) });
      await superuser('UPDATE events SET data = $1, hash = $2 WHERE global_position = $3', [JSON.stringify(data), hash, String(e.globalPosition)]);
      previous = hash;
    }
    await superuser('UPDATE streams SET last_hash = $1 WHERE stream_id = $2', [previous, 'stream-1']);
    const { rows } = await db.pool.query<{ p: string; h: Buffer }>('SELECT global_position::text AS p, hash AS h FROM events ORDER BY transaction_id, global_position');
    let digest: Buffer = Buffer.alloc(32);
    let count = 0;
    for (const seal of await listSeals(db.pool)) {
      const next = sealDigest(digest, seal.eventCount, rows.slice(count, Number(seal.eventCount)).map((r) => [BigInt(r.p), r.h] as const));
      await superuser('UPDATE seals SET digest = $1, previous_digest = $2 WHERE seal_number = $3', [next, digest, String(seal.sealNumber)]);
      digest = next;
      count = Number(seal.eventCount);
    }

    const fooled = await cli(['audit', 'verify', '--json', '--quiet']);
    expect(fooled.code).toBe(0); // everything in the database agrees with itself…
    const caught = await cli(['audit', 'verify', '--seals', sealFile, '--json', '--quiet']);
    expect(caught.code).toBe(1); // …but not with the seals exported before the rewrite
    expect(JSON.parse(caught.stdout)).toMatchObject({ ok: false, seals: { ok: false, firstBroken: { seal: '1', reason: 'seal_altered' } } });
    // Outside Relais too: the rewritten log's export is consistent in itself, but not with the seals.
    const after = join(dirname(sealFile), 'after.ndjson');
    expect((await cli(['audit', 'export', '--out', after, '--quiet'])).code).toBe(0);
    expect((await python(after)).code).toBe(0);
    expect(await python('--seals', sealFile, after)).toEqual({ code: 1, out: expect.stringMatching(/\nseal 1 \(positions \d+\.\.\d+\): the exported events do not give its digest/) as unknown as string });
    const human = await cli(['audit', 'verify', '--seals', sealFile]);
    expect(human.stdout).toMatch(/the seals do NOT hold: seal 1: seal_altered \(the database's copy differs from the exported one/);
  });

  it('answers a missing seal file with exit code 3', async () => {
    const missing = await cli(['audit', 'verify', '--seals', join(tmpdir(), `${randomUUID()}.ndjson`), '--quiet']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/ENOENT/);
  });
});

describe('relais audit replay', () => {
  it('rebuilds the projections, reports them identical with --json, and leaves the log as it was', async () => {
    const { rows: before } = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events');
    const replayed = await cli(['audit', 'replay', '--json', '--workers', '2']);
    expect(replayed.code).toBe(0);
    const report = JSON.parse(replayed.stdout) as { ok: boolean; workers: number; projections: { projection: string; switched: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.workers).toBe(2);
    expect(report.projections.map((p) => [p.projection, p.switched])).toEqual([
      ['transmissions', true],
      ['stats', true],
    ]);
    expect(replayed.stderr).toMatch(/replay transmissions/);
    expect((await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows).toEqual(before);
    // In one thread, the same tables: compared with the ones the workers built, and identical.
    const alone = await cli(['audit', 'replay', '--json', '--dry-run', '--workers', '0']);
    expect(JSON.parse(alone.stdout)).toMatchObject({ ok: true, workers: 0, dryRun: true });
  });
});
