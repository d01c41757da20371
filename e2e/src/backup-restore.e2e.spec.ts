import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadCheckpoint,
  PostgresEventStore,
  processNextBatch,
  verifyHashChain,
  type Checkpoint,
} from '@relais/event-store';
import {
  createPostgresRelay,
  ensureMessagingStreams,
  handleOnce,
  MessagingNames,
  startConsumer,
  type ConsumerRunner,
  type EventEnvelope,
  type OutboxRelay,
} from '@relais/messaging';
import { createTestNamespace, tolerateDrop, type TestNamespace } from '@relais/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { acteMetadata, Client, type SimStats, type TestCollectivite } from './client.js';
import { eventually, freePort, startPlatform, type Platform } from './platform.js';

/*
 * The backup and restore drill of docs/backup-restore.md, with drill/backup-drill.mjs: a platform on a
 * private cluster as old as a long-lived one (xid epoch 7, WAL archived), a base backup and a dump
 * while one acte is in flight and a reader lags, then work the restore will lose, the disaster, and
 * restores into new clusters. The State (the simulator) is a process of its own: it outlives the
 * platform, as the real one does, and remembers what it received in the lost window.
 */
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DRILL = join(root, 'drill', 'backup-drill.mjs');
const SIREN = '212102313';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const LIMITS = {
  events: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024, maxMsgSize: 256 * 1024 },
  dlq: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 256 * 1024 },
};

let work: string;
let bus: TestNamespace;
let simUrl = '';
let simChild: ChildProcess | undefined;
const clusters: string[] = [];
const pools: pg.Pool[] = [];
let p1: Platform | undefined;
let p2: Platform | undefined;

/** Runs the drill tool; its exit code and output. */
function drill(...args: string[]): { code: number; out: string } {
  const result = spawnSync(process.execPath, [DRILL, ...args], { cwd: root, encoding: 'utf8', env: process.env });
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

/** Runs the drill tool, expecting it to succeed. */
function drillOk(...args: string[]): void {
  const { code, out } = drill(...args);
  if (code !== 0) throw new Error(`backup-drill ${args[0] ?? ''} exited ${code.toString()}: ${out}`);
}

/** Runs the drill's re-base, expecting it to succeed; its report. */
function rebaseOk(...args: string[]): RebaseReport {
  const { code, out } = drill('rebase', ...args, '--json');
  if (code !== 0) throw new Error(`backup-drill rebase exited ${code.toString()}: ${out}`);
  return JSON.parse(out) as RebaseReport;
}

function url(port: number, database = 'relais'): string {
  return `postgres://postgres@127.0.0.1:${port.toString()}/${database}`;
}

/** A pool on a private cluster; its sessions may be ended under it when the cluster stops (57P01, tolerated). */
function pool(connectionString: string): pg.Pool {
  const created = tolerateDrop(new pg.Pool({ connectionString, max: 4 }));
  pools.push(created);
  return created;
}

function pgBinary(name: string): string {
  const base = '/usr/lib/postgresql';
  const version = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', name))).sort((a, b) => Number(b) - Number(a))[0];
  return version === undefined ? name : join(base, version, 'bin', name);
}

async function simStats(): Promise<SimStats> {
  return (await fetch(`${simUrl}/sim/stats`)).json() as Promise<SimStats>;
}

async function startSim(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'services', 'state-sim', 'dist', 'main.js')], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, STATE_SIM_PORT: port.toString(), STATE_SIM_ACK_DELAY_MS: '200' },
  });
  const simUrl = `http://127.0.0.1:${port.toString()}`;
  await eventually('the State simulator', async () => (await fetch(`${simUrl}/health`)).ok, 30_000);
  return { url: simUrl, child };
}

/** A platform on the database `databaseUrl`, delivering to the shared simulator, its retries slow. */
async function platformOn(databaseUrl: string, namespace?: string): Promise<Platform> {
  const platform = await startPlatform({
    env: {
      DATABASE_URL: databaseUrl,
      STATE_SIM_URL: simUrl,
      TRANSMITTER_RETRY_INITIAL_MS: '300000',
      TRANSMITTER_RETRY_MAX_MS: '300000',
      ...(namespace === undefined ? {} : { RELAIS_NAMESPACE: namespace }),
    },
  });
  await platform.waitUntilReady(90_000);
  return platform;
}

async function statusOf(client: Client, token: string, id: string, status: string): Promise<void> {
  await eventually(`transmission ${id} to be ${status}`, async () => (await client.transmission(token, id)).status === status, 45_000);
}

async function submit(client: Client, token: string, numero: string): Promise<string> {
  const response = await client.submitActe(token, acteMetadata(numero));
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /actes answered ${response.status.toString()}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

async function packagedFile(client: Client, token: string, id: string): Promise<string> {
  const { items } = await client.events(token, id);
  return (items.find((e) => e.type === 'TransmissionPackaged')?.data as { fileName: string }).fileName;
}

/** Appends `n` events to new streams of the `drill` category; their ids. */
async function appendDrill(db: pg.Pool, n: number, tag: string): Promise<string[]> {
  const store = new PostgresEventStore(db);
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const eventId = randomUUID();
    await store.append(`drill-${tag}${i.toString()}`, 'no_stream', [{ eventId, type: 'DrillHappened', data: { tag, i }, metadata: {} }]);
    ids.push(eventId);
  }
  await store.close();
  return ids;
}

/** The log's event ids in the readers' order, after `after`. */
async function idsAfter(db: pg.Pool, after: Checkpoint): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT event_id::text AS id FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
      ORDER BY transaction_id, global_position`,
    [after.transactionId.toString(), after.globalPosition.toString()],
  );
  return rows.map((r) => r.id);
}

/** The reader `drill-reader` resumed from its checkpoint in small batches until caught up: every id it was given. */
async function resumeReader(db: pg.Pool): Promise<string[]> {
  const store = new PostgresEventStore(db);
  const seen: string[] = [];
  for (;;) {
    const batch = await processNextBatch(db, store, 'drill-reader', 3, (events) => {
      seen.push(...events.map((e) => e.eventId));
      return Promise.resolve();
    });
    if (batch.processed === 0) break;
  }
  await store.close();
  return seen;
}

/** The outbox relay publishing `db`'s log into `namespace` (its streams declared first, for the consumers). */
async function startRelay(db: pg.Pool, namespace: string): Promise<OutboxRelay> {
  await ensureMessagingStreams(await jetstreamManager(bus.nc), new MessagingNames(namespace), LIMITS);
  const relay = createPostgresRelay({ pool: db, nc: bus.nc, namespace, streamLimits: LIMITS, logger: silent, pollIntervalMs: 20 });
  relay.start();
  return relay;
}

/**
 * A durable consumer of the `drill` events, as the platform's consumers are made: its work (a row in
 * `drill_effects`) done at most once through the inbox. `handled`: the messages whose work ran;
 * `repeats`: those the inbox recognised as done.
 */
interface DrillConsumer {
  readonly runner: ConsumerRunner;
  readonly handled: string[];
  readonly repeats: string[];
}

async function startDrillConsumer(db: pg.Pool, namespace: string): Promise<DrillConsumer> {
  const handled: string[] = [];
  const repeats: string[] = [];
  const runner = await startConsumer<EventEnvelope>(bus.nc, {
    namespace,
    consumer: 'drill',
    filterSubject: new MessagingNames(namespace).eventsOf('drill'),
    decode: (envelope) => envelope,
    handle: async (envelope, context) => {
      const done = await handleOnce(db, 'drill', context.messageId, (client) =>
        client.query('INSERT INTO drill_effects (event_id) VALUES ($1)', [envelope.eventId]),
      );
      (done.processed ? handled : repeats).push(envelope.eventId);
    },
    logger: silent,
  });
  return { runner, handled, repeats };
}

async function effects(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT event_id::text AS id FROM drill_effects ORDER BY event_id');
  return rows.map((r) => r.id);
}

async function refusesConnections(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    return false;
  } catch (error) {
    return error instanceof Error && error.message.includes('not currently accepting connections');
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface RebaseReport {
  ok: boolean;
  refused?: string;
  transactionIds: { storedMax: string; next: string; epochMovedTo?: string };
  namespaces: { previous: { namespace: string }[] };
  numbers: Record<string, { gap: number; rows: number }>;
}

// What the backed-up platform did, known before the disaster.
const ports = { a: 0, b: 0, c: 0, e: 0 };
let urlA: string;
let dbA: pg.Pool;
let dijon: TestCollectivite;
const t: { t0: string; t1: string; t2: string; t2File: string; t0Events: number } = { t0: '', t1: '', t2: '', t2File: '', t0Events: 0 };
const drillIds: { before: string[]; lagging: string[]; lost: string[] } = { before: [], lagging: [], lost: [] };
let eventsAtDisaster = 0;
let statsAtDisaster: SimStats;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'relais-drill-'));
  bus = await createTestNamespace('drill');
  [ports.a, ports.b, ports.c, ports.e] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // The source: a cluster whose transaction ids are in epoch 7, as after years of service, its WAL archived.
  drillOk('init', '--pgdata', join(work, 'a'), '--port', ports.a.toString(), '--epoch', '7', '--wal-archive', join(work, 'wal'));
  clusters.push(join(work, 'a'));
  urlA = url(ports.a);
  ({ url: simUrl, child: simChild } = await startSim());
  p1 = await platformOn(urlA);
  dbA = pool(urlA);
  await dbA.query('CREATE TABLE drill_effects (event_id uuid PRIMARY KEY)');
}, 150_000);

afterAll(async () => {
  await p1?.stop().catch(() => undefined);
  await p2?.stop().catch(() => undefined);
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  for (const pgdata of clusters) drill('stop', '--pgdata', pgdata);
  simChild?.kill('SIGTERM');
  await bus.cleanup();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('backup and restore drill', () => {
  it('backs up while an acte is in flight and a reader lags, then loses the work done after the backup', async () => {
    const client = new Client(p1!);
    dijon = await client.collectivite(SIREN);
    t.t0 = await submit(client, dijon.token, 'DRILL_000');
    await statusOf(client, dijon.token, t.t0, 'acknowledged');
    t.t0Events = (await client.events(dijon.token, t.t0)).items.length;
    // The State is down for one delivery: T1 waits for its retry (5 minutes away) at the backup.
    const failed = await fetch(`${simUrl}/sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNext: 1 }) });
    expect(failed.status).toBe(200);
    t.t1 = await submit(client, dijon.token, 'DRILL_001');
    await eventually('T1 to fail its first attempt', async () =>
      (await client.events(dijon.token, t.t1)).items.some((e) => e.type === 'TransmissionDeliveryAttemptFailed'),
    );

    // A consumer handled three drill events; two more are on the stream, not yet handled.
    const ns = `${bus.namespace}_t`;
    const relay = await startRelay(dbA, ns);
    const first = await startDrillConsumer(dbA, ns);
    drillIds.before = await appendDrill(dbA, 3, 'before');
    await eventually('the first three drill events handled', async () => (await effects(dbA)).length === 3);
    await first.runner.stop();
    drillIds.lagging = await appendDrill(dbA, 2, 'lagging');
    const { rows: last } = await dbA.query<{ position: string }>('SELECT global_position::text AS position FROM events WHERE event_id = $1', [drillIds.lagging[1]]);
    await eventually('the relay past the lagging events', async () => {
      const position = (await loadCheckpoint(dbA, `relay:${ns}`))?.globalPosition ?? 0n;
      return position >= BigInt(last[0]!.position);
    });
    // A checkpointed reader stops four events short of the end.
    const { rows } = await dbA.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    await processNextBatch(dbA, new PostgresEventStore(dbA), 'drill-reader', rows[0]!.n - 4, () => Promise.resolve());

    drillOk('backup', '--kind', 'base', '--db', urlA, '--out', join(work, 'base'));
    drillOk('backup', '--kind', 'dump', '--db', urlA, '--out', join(work, 'dump'));

    // The lost window: the lagging events handled, one more event handled, and T2 delivered to the State.
    const second = await startDrillConsumer(dbA, ns);
    drillIds.lost = await appendDrill(dbA, 1, 'lost');
    await eventually('the lagging and lost events handled', async () => (await effects(dbA)).length === 6);
    await second.runner.stop();
    await relay.stop();
    t.t2 = await submit(client, dijon.token, 'DRILL_002');
    await statusOf(client, dijon.token, t.t2, 'acknowledged');
    t.t2File = await packagedFile(client, dijon.token, t.t2);
    statsAtDisaster = await simStats();

    // The disaster: the platform stops; the last WAL segment reaches the archive first.
    await p1!.stop();
    p1 = undefined;
    const { rows: wal } = await dbA.query<{ segment: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS segment');
    await dbA.query('SELECT pg_switch_wal()');
    await eventually('the last WAL segment archived', async () => {
      const { rows: archiver } = await dbA.query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver');
      return archiver[0]?.last !== null && archiver[0]!.last >= wal[0]!.segment;
    });
    eventsAtDisaster = (await dbA.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
  }, 180_000);

  it('restores the base backup into a new cluster, closed until the re-base checks it and opens it', async () => {
    drillOk('restore', '--from', join(work, 'base'), '--pgdata', join(work, 'b'), '--port', ports.b.toString());
    clusters.push(join(work, 'b'));
    const urlB = url(ports.b);
    expect(await refusesConnections(urlB)).toBe(true);

    // The namespace of the backed-up platform is refused: its streams remember what the restore undid.
    const reused = drill('rebase', '--db', urlB, '--namespace', `${bus.namespace}_t`, '--nats', bus.natsUrl);
    expect(reused.code).toBe(1);
    expect(reused.out).toContain('REFUSED');
    expect(await refusesConnections(urlB)).toBe(true);

    const report = rebaseOk('--db', urlB, '--namespace', `${bus.namespace}_b`, '--nats', bus.natsUrl);
    expect(report.ok).toBe(true);
    // A physical copy keeps the transaction id counter: nothing to move.
    expect(report.transactionIds.epochMovedTo).toBeUndefined();
    expect(BigInt(report.transactionIds.storedMax) >> 32n).toBe(7n);
    expect(report.namespaces.previous.map((p) => p.namespace)).toEqual(expect.arrayContaining([`${bus.namespace}_t`]));
    expect(report.numbers['transmitter_archive_numbers']!.rows).toBeGreaterThanOrEqual(3);

    // The operator's check: the hash chain recomputed by the command line, exit code 0.
    const verified = spawnSync(process.execPath, [join(root, 'cli', 'dist', 'main.js'), 'audit', 'verify', '--json', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: urlB },
    });
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    await expectReaderResumesExactly(pool(urlB));
  }, 60_000);

  it('republishes into a new namespace: the work the restore lost is done again, the rest is not repeated', async () => {
    const dbB = pool(url(ports.b));
    const relay = await startRelay(dbB, `${bus.namespace}_tb`);
    const pipeline = await startDrillConsumer(dbB, `${bus.namespace}_tb`);
    await eventually('every restored drill event handled', async () => (await effects(dbB)).length >= 6);
    await pipeline.runner.stop();
    await relay.stop();
    const restored = [...drillIds.before, ...drillIds.lagging];
    // Handled before the backup: recognised by the restored inbox. Handled only after it: done again.
    expect(pipeline.repeats.sort()).toEqual([...drillIds.before].sort());
    expect(pipeline.handled.filter((id) => restored.includes(id)).sort()).toEqual([...drillIds.lagging].sort());
    expect(new Set(pipeline.handled).size).toBe(pipeline.handled.length);
    expect(await effects(dbB)).toEqual(expect.arrayContaining(restored));
    expect(await effects(dbB)).not.toEqual(expect.arrayContaining(drillIds.lost));
  }, 60_000);

  it('carries on after the restore: the acte in flight at the backup and a new one acknowledged, no conflict at the State', async () => {
    p2 = await platformOn(url(ports.b), `${bus.namespace}_b`);
    const client = new Client(p2);
    await statusOf(client, dijon.token, t.t1, 'acknowledged');
    // T2 was lost with the window after the backup; the State has its archive (see the procedure).
    expect((await client.call('GET', `/api/v1/transmissions/${t.t2}`, dijon.token)).status).toBe(404);
    const t3 = await submit(client, dijon.token, 'DRILL_003');
    await statusOf(client, dijon.token, t3, 'acknowledged');
    // Without the re-based counter, T3's archive would have taken T2's name: a conflict at the State.
    expect(await packagedFile(client, dijon.token, t3)).not.toBe(t.t2File);
    const stats = await simStats();
    expect(stats.conflicts).toBe(0);
    expect(stats.duplicates).toBe(0);
    expect(stats.received - statsAtDisaster.received).toBe(2);
    // T0, acknowledged before the backup and republished to the new namespace, was not done again.
    expect((await client.events(dijon.token, t.t0)).items).toHaveLength(t.t0Events);
    const list = await client.json<{ items: { id: string; status: string }[] }>('GET', '/api/v1/transmissions?limit=50', dijon.token);
    expect(list.items.map((i) => i.id).sort()).toEqual([t.t0, t.t1, t3].sort());
    expect(list.items.every((i) => i.status === 'acknowledged')).toBe(true);
    await p2.stop();
    p2 = undefined;
  }, 150_000);

  it('refuses a dump restored into a new cluster until its xid epoch is moved; the old namespace would skip work', async () => {
    drillOk('restore', '--from', join(work, 'dump'), '--pgdata', join(work, 'c'), '--port', ports.c.toString());
    clusters.push(join(work, 'c'));
    const urlC = url(ports.c);
    const refused = drill('rebase', '--db', urlC, '--namespace', `${bus.namespace}_c`);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/transaction ids: .* pg_resetwal -e 8/);
    expect(await refusesConnections(urlC)).toBe(true);
    await expectTrapWithoutRebase(ports.c);

    const report = rebaseOk('--db', urlC, '--namespace', `${bus.namespace}_c`, '--pgdata', join(work, 'c'));
    expect(report.transactionIds.epochMovedTo).toBe('8');
    const dbC = pool(urlC);
    expect((await verifyHashChain(dbC)).ok).toBe(true);
    const after = await expectReaderResumesExactly(dbC);

    // On the old namespace, the events handled after the backup are never delivered again: their
    // acknowledgments are on the server and the relay's restored position is past them.
    const relay = await startRelay(dbC, `${bus.namespace}_t`);
    const old = await startDrillConsumer(dbC, `${bus.namespace}_t`);
    await eventually('the event appended after the restore handled', async () => (await effects(dbC)).includes(after));
    await old.runner.stop();
    await relay.stop();
    expect(await effects(dbC)).not.toEqual(expect.arrayContaining(drillIds.lagging.slice(0, 1)));
    expect(await effects(dbC)).toEqual(expect.arrayContaining(drillIds.before));
  }, 90_000);

  it('restores the base backup rolled forward with the WAL archive: nothing committed and archived is lost', async () => {
    const e = join(work, 'e');
    drillOk('restore', '--from', join(work, 'base'), '--pgdata', e, '--port', ports.e.toString(), '--wal-archive', join(work, 'wal'));
    clusters.push(e);
    expect(rebaseOk('--db', url(ports.e), '--namespace', `${bus.namespace}_e`).ok).toBe(true);
    const dbE = pool(url(ports.e));
    expect((await dbE.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n).toBe(eventsAtDisaster);
    expect(await effects(dbE)).toEqual(expect.arrayContaining([...drillIds.before, ...drillIds.lagging, ...drillIds.lost]));
    expect((await verifyHashChain(dbE)).ok).toBe(true);
  }, 60_000);
});

/**
 * The reader resumes from its restored checkpoint and is given exactly the restored events after it,
 * in order, once each; an event appended after the restore comes after all of them. Its id.
 */
async function expectReaderResumesExactly(db: pg.Pool): Promise<string> {
  const checkpoint = await loadCheckpoint(db, 'drill-reader');
  expect(checkpoint).not.toBeNull();
  const expected = await idsAfter(db, checkpoint!);
  expect(expected.length).toBeGreaterThanOrEqual(4);
  expect(await resumeReader(db)).toEqual(expected);
  const [appended] = await appendDrill(db, 1, `after${randomUUID().slice(0, 8)}`);
  expect(await resumeReader(db)).toEqual([appended]);
  return appended!;
}

/**
 * What the re-base prevents, on a scratch copy of the dump in the new cluster as restored: a new
 * event gets a transaction id below the restored checkpoint, and the reader resuming there never sees it.
 */
async function expectTrapWithoutRebase(port: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url(port, 'postgres') });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE relais_trap');
    const restored = spawnSync(pgBinary('pg_restore'), ['-d', url(port, 'relais_trap'), join(work, 'dump', 'relais.dump')], { encoding: 'utf8' });
    expect(restored.status).toBe(0);
    const trap = tolerateDrop(new pg.Pool({ connectionString: url(port, 'relais_trap'), max: 2 }));
    try {
      const checkpoint = (await loadCheckpoint(trap, 'drill-reader'))!;
      const [appended] = await appendDrill(trap, 1, 'trap');
      const { rows } = await trap.query<{ xid: string }>('SELECT transaction_id::text AS xid FROM events WHERE event_id = $1', [appended]);
      expect(BigInt(rows[0]!.xid)).toBeLessThan(checkpoint.transactionId);
      expect(await resumeReader(trap)).not.toContain(appended);
    } finally {
      await trap.end();
    }
  } finally {
    await admin.query('DROP DATABASE IF EXISTS relais_trap WITH (FORCE)');
    await admin.end();
  }
}
