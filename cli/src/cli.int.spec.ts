import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, PostgresEventStore, type JsonObject } from '@relais/event-store';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { cli as runCli, type Ran, verifyExport } from '../test/run.js';
import { exportLog } from './export.js';

let db: TestDatabase;
let dir: string;

async function exportTo(file: string, filter = {}, format: 'ndjson' | 'csv' = 'ndjson'): Promise<number> {
  const out = createWriteStream(file);
  const written = await exportLog(db.pool, filter, format, out);
  await new Promise<void>((resolve) => out.end(resolve));
  return written;
}

const python = (file: string, ...options: string[]): Promise<{ code: number; out: string }> => verifyExport(...options, file);
const cli = (args: readonly string[]): Promise<Ran> => runCli(db.url, args);

beforeAll(async () => {
  db = await createTestDatabase('relais_cli');
  await migrate(db.pool);
  dir = await mkdtemp(join(tmpdir(), 'relais-cli-'));
  const store = new PostgresEventStore(db.pool);
  const event = (type: string, data: JsonObject) => ({ eventId: randomUUID(), type, data, metadata: { actor: 'token:test' } });
  await store.append('collectivite-212102313', 'no_stream', [event('relais.collectivite.v1.CollectiviteRegistered', { siren: '212102313', nom: 'Dijon — Côte-d’Or' })]);
  await store.append('transmission-t1', 'no_stream', [
    event('relais.transmission.v1.TransmissionReceived', { siren: '212102313', submission: { objet: 'Délibération « budget » 𝄞', size: 1.5, pages: [1, 2] } }),
    event('relais.transmission.v1.TransmissionValidated', { at: '2026-01-01T00:00:00Z' }),
  ]);
  await store.append('transmission-t2', 'no_stream', [event('relais.transmission.v1.TransmissionReceived', { siren: '213105554', n: 1e-7 })]);
  await store.append('transmission-t1', 2, [event('relais.transmission.v1.TransmissionRouted', { endpointId: 'pref-021' })]);
  await store.close();
});

afterAll(async () => {
  await db.drop();
});

describe('relais audit export, verified outside Relais', () => {
  it('exports every event, and the documented Python procedure finds every hash holds', async () => {
    const file = join(dir, 'all.ndjson');
    expect(await exportTo(file)).toBe(5);
    expect(await python(file)).toEqual({ code: 0, out: 'ok: 5 events, 3 streams, every hash holds\n' });
  });

  it('exports one collectivité (its stream and its transmissions) or one transmission', async () => {
    const file = join(dir, 'dijon.ndjson');
    expect(await exportTo(file, { siren: '212102313' })).toBe(4);
    expect((await python(file)).code).toBe(0);
    expect(await exportTo(join(dir, 't2.ndjson'), { transmission: 't2' })).toBe(1);
    // A period that starts after a stream's first versions: checked as a part, with --partial.
    const { rows } = await db.pool.query<{ at: Date }>(`SELECT recorded_at AS at FROM events WHERE type LIKE '%Routed'`);
    const period = join(dir, 'period.ndjson');
    expect(await exportTo(period, { from: rows[0]!.at })).toBe(1);
    expect((await python(period)).code).toBe(1);
    expect(await python(period, '--partial')).toEqual({ code: 0, out: 'ok: 1 events, 1 streams, every hash holds\n' });
  });

  it('names the first line whose content was changed after the export', async () => {
    const file = join(dir, 'all.ndjson');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const at = lines.findIndex((line) => line.includes('Délibération'));
    lines[at] = lines[at]!.replace('Délibération', 'Deliberation');
    await writeFile(join(dir, 'edited.ndjson'), lines.join('\n'));
    const edited = await python(join(dir, 'edited.ndjson'));
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/^line 2 \(position \d+, transmission-t1 v1\): hash does not match/);
    // A line removed from the middle of a stream: the next version no longer follows its predecessor.
    const dropped = (await readFile(file, 'utf8')).split('\n').filter((line) => !line.includes('TransmissionValidated'));
    await writeFile(join(dir, 'dropped.ndjson'), dropped.join('\n'));
    const gap = await python(join(dir, 'dropped.ndjson'));
    expect(gap.code).toBe(1);
    expect(gap.out).toMatch(/transmission-t1 v3\): version 2 of the stream is missing/);
  });

  it('writes the same columns as CSV', async () => {
    const file = join(dir, 'all.csv');
    await exportTo(file, {}, 'csv');
    const [header, first] = (await readFile(file, 'utf8')).split('\n');
    expect(header).toBe('position,stream_id,stream_version,event_id,type,recorded_at,hash,previous_hash,data,metadata,transaction_id');
    expect(first).toMatch(/^"\d+","collectivite-212102313","1",/);
  });
});

describe('the relais command', () => {
  it('verifies the log with --json and exit code 0, and 1 with the altered row once a superuser edits one', async () => {
    const intact = await cli(['audit', 'verify', '--json', '--quiet']);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, checked: 5 });
    const split = await cli(['audit', 'verify', '--workers', '2', '--json', '--quiet']);
    expect(split.code).toBe(0);
    expect(JSON.parse(split.stdout)).toMatchObject({ ok: true, checked: 5, workers: 2 });
    const { rows } = await db.pool.query<{ position: string }>(`SELECT global_position::text AS position FROM events WHERE stream_id = 'transmission-t2'`);
    await db.pool.query('ALTER TABLE events DISABLE TRIGGER ALL');
    await db.pool.query(`UPDATE events SET data = jsonb_set(data, '{siren}', '"999999999"') WHERE stream_id = 'transmission-t2'`);
    await db.pool.query('ALTER TABLE events ENABLE TRIGGER ALL');
    const altered = await cli(['audit', 'verify', '--json', '--quiet']);
    expect(altered.code).toBe(1);
    expect(JSON.parse(altered.stdout)).toMatchObject({ ok: false, firstBroken: { position: rows[0]!.position, reason: 'hash_mismatch', streamId: 'transmission-t2' } });
    // Split between 2 worker threads or in one, the answer is the same (chain and seals).
    const [inOne, inTwo] = await Promise.all([cli(['audit', 'verify', '--workers', '0', '--json']), cli(['audit', 'verify', '--workers', '2', '--json'])]);
    expect([inOne.code, inTwo.code]).toEqual([1, 1]);
    const answer = (ran: Ran): unknown => ({ ...(JSON.parse(ran.stdout) as object), seconds: undefined });
    expect(answer(inTwo)).toEqual({ ...(answer(inOne) as object), workers: 2 });
    expect(answer(inOne)).toMatchObject({ ok: false, workers: 0, firstBroken: { position: rows[0]!.position } });
    const human = await cli(['audit', 'verify']);
    expect(human.stdout).toMatch(/ALTERED: first broken row at position \d+ \(hash_mismatch\)/);
    expect(human.stderr).toMatch(/verify \[[#.]+\] \d+\.\d% \d+\/5 /);
  });

  it('exports to a file with a summary, and answers a wrong command line with exit code 2 and the usage', async () => {
    const file = join(dir, 'cli.ndjson');
    const exported = await cli(['audit', 'export', '--out', file, '--json', '--quiet']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ written: 5, format: 'ndjson', out: file });
    const wrong = await cli(['audit', 'export', '--format', 'xml']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--format must be ndjson or csv');
    expect(wrong.stderr).toContain('npm run relais -- audit verify');
  });
});
