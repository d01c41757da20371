import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { Logger } from '@nestjs/common';
import { importSeal, listSeals, migrate, PostgresEventStore, type Seal, verifySeals } from '@relais/event-store';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace, waitUntilReadable } from '@relais/testing';
import { TestTsa } from '../../test/tsa.js';
import { requestTimestamp, TimestampError } from './rfc3161.js';
import { type ExportLine, FileSealExport, JetStreamSealExport } from './seal-exports.js';
import { Sealer } from './sealer.js';

let db: TestDatabase;
let ns: TestNamespace;
let tsa: TestTsa;
let store: PostgresEventStore;
let dir: string;

const logger = new Logger('sealer-test');
Logger.overrideLogger(false);

async function appendEvents(streams: number, perStream: number): Promise<void> {
  for (let s = 0; s < streams; s++) {
    await store.append(`acte-${randomUUID()}`, 'no_stream', Array.from({ length: perStream }, (_, i) => ({ eventId: randomUUID(), type: 'Tested', data: { i } })));
  }
  // The sealer sees only what every transaction of the server has let go of.
  await waitUntilReadable(db.pool);
}

function fileLines(path: string): ExportLine[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ExportLine);
}

beforeAll(async () => {
  db = await createTestDatabase('relais_audit');
  await migrate(db.pool);
  ns = await createTestNamespace('audit');
  tsa = await TestTsa.start();
  store = new PostgresEventStore(db.pool);
  dir = mkdtempSync(join(tmpdir(), 'relais-seals-'));
});

afterAll(async () => {
  await store.close();
  await tsa.stop();
  await ns.cleanup();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('RFC 3161 timestamps', () => {
  it('are asked of a real authority and verify with openssl against its certificate', async () => {
    const digest = Buffer.alloc(32, 7);
    const { token, genTime } = await requestTimestamp(tsa.url, digest);
    expect(Math.abs(genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(tsa.verify(token, digest)).toBe(true);
    expect(tsa.verify(token, Buffer.alloc(32, 8))).toBe(false);
  });

  it('fail with a stable code when the authority is down', async () => {
    tsa.failing = true;
    try {
      await expect(requestTimestamp(tsa.url, Buffer.alloc(32))).rejects.toMatchObject({ code: 'AUDIT.TSA_UNREACHABLE' });
      await expect(requestTimestamp('http://127.0.0.1:1/tsa', Buffer.alloc(32), 2_000)).rejects.toBeInstanceOf(TimestampError);
    } finally {
      tsa.failing = false;
    }
  });
});

describe('the sealer', () => {
  it('seals, stamps and exports to a file and to JetStream; an outage of either is caught up in order', async () => {
    const file = join(dir, 'exports', 'seals.ndjson');
    const jetstreamExport = new JetStreamSealExport(ns.nc, ns.namespace);
    const sealer = new Sealer(db.pool, { everyEvents: 10, everyMs: 3_600_000 }, [new FileSealExport(file), jetstreamExport], tsa.url, logger);

    await appendEvents(5, 5); // 25 events: two seals of 10, 5 waiting
    expect(await sealer.round()).toEqual({ sealed: 2, stamped: 2, exported: 2 * 2 + 2 });
    const seals = await listSeals(db.pool);
    expect(seals.map((s) => s.eventCount)).toEqual([10n, 20n]);

    // The file: each seal, then each timestamp, and every token verifies with openssl.
    const lines = fileLines(file);
    expect(lines.map((l) => `${l.kind}${l.seal}`)).toEqual(['seal1', 'seal2', 'timestamp1', 'timestamp2']);
    for (const line of lines) {
      if (line.kind !== 'timestamp') continue;
      const seal = seals.find((s) => s.sealNumber === BigInt(line.seal)) as Seal;
      expect(tsa.verify(Buffer.from(line.token, 'base64'), seal.digest)).toBe(true);
    }
    // JetStream holds the same seals.
    expect(await jetstreamExport.held()).toBe(2n);
    const jsm = await jetstreamManager(ns.nc);
    expect((await jsm.streams.info(`${ns.namespace}_AUDIT_SEALS`)).state.messages).toBe(2);

    // The authority and the file are down: seals go on, and go to JetStream meanwhile.
    tsa.failing = true;
    // (A file where its folder should be: root ignores permissions, not ENOTDIR.)
    renameSync(join(dir, 'exports'), join(dir, 'away'));
    writeFileSync(join(dir, 'exports'), 'not a folder');
    await appendEvents(2, 5);
    const during = await sealer.round();
    expect(during).toMatchObject({ sealed: 1, stamped: 0 });
    expect(sealer.status().exports[`file:${file}`]?.error).toBeDefined();
    expect(sealer.status().timestampError).toMatch(/503/);
    expect(await jetstreamExport.held()).toBe(3n);

    // Back: the missing seal and its timestamp reach the file, in order, once.
    tsa.failing = false;
    rmSync(join(dir, 'exports'));
    renameSync(join(dir, 'away'), join(dir, 'exports'));
    expect(await sealer.round()).toMatchObject({ sealed: 0, stamped: 1 });
    expect(sealer.status().exports[`file:${file}`]?.error).toBeUndefined();
    expect(fileLines(file).map((l) => `${l.kind}${l.seal}`)).toEqual(['seal1', 'seal2', 'timestamp1', 'timestamp2', 'seal3', 'timestamp3']);
    expect(await sealer.round()).toEqual({ sealed: 0, stamped: 0, exported: 0 });

    // The exported copies are what verify checks the log against.
    const exported = fileLines(file).filter((l) => l.kind === 'seal').map((l) => importSeal(l));
    expect(await verifySeals(db.pool, { exported })).toMatchObject({ ok: true, sealsChecked: 3, eventsSealed: 30 });
  });

  it('starts where a file left off, after a crash cut its last line short', async () => {
    const file = join(dir, 'second', 'seals.ndjson');
    const first = new Sealer(db.pool, { everyEvents: 10, everyMs: 3_600_000 }, [new FileSealExport(file)], undefined, logger);
    await first.round();
    appendFileSync(file, '{"kind":"seal","seal":"4","tr');
    await appendEvents(2, 5);
    const second = new Sealer(db.pool, { everyEvents: 10, everyMs: 3_600_000 }, [new FileSealExport(file)], undefined, logger);
    await second.round();
    const text = readFileSync(file, 'utf8');
    const seals = text
      .split('\n')
      .filter((l) => l.startsWith('{') && l.endsWith('}'))
      .map((l) => JSON.parse(l) as ExportLine)
      .map((l) => l.seal);
    expect(seals).toEqual(['1', '2', '3', '4']);
  });
});
