#!/usr/bin/env node
// `npm run test:fuzz`: the long fuzzing run, on demand. Runs only the `*.fuzz.spec.ts` files, with
// FUZZ_RUNS cases per property (20,000 unless set; the properties that hit the database keep their
// smaller share, see libs/testing/src/fuzz.ts) from a fresh seed, printed first so that a failure can be
// replayed with `FUZZ_SEED=<seed> npm run test:fuzz`; then the cases run per property.
// Extra arguments go to Jest (`npm run test:fuzz -- libs/actes` runs one folder's).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seed = process.env.FUZZ_SEED || String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.FUZZ_RUNS || '20000';
const report = join(mkdtempSync(join(tmpdir(), 'relais-fuzz-')), 'volumes.jsonl');
console.log(`fuzzing with FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);

// Folders given narrow the run (Jest would add them to the patterns, running every fuzz spec anyway).
const args = process.argv.slice(2);
const folders = args.filter((arg) => !arg.startsWith('-'));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = folders.length === 0 ? ['\\.fuzz\\.spec\\.ts$'] : folders.map((folder) => `${escape(folder)}.*\\.fuzz\\.spec\\.ts$`);

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  FUZZ_SEED: seed,
  FUZZ_RUNS: runs,
  FUZZ_REPORT: report,
};
const jest = spawnSync(
  'node',
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--maxWorkers=2',
    // A long property outlives the 60 s every other test is given.
    '--testTimeout=3600000',
    ...patterns.flatMap((pattern) => ['--testPathPatterns', pattern]),
    ...args.filter((arg) => arg.startsWith('-')),
  ],
  { stdio: 'inherit', env },
);

if (existsSync(report)) {
  const volumes = readFileSync(report, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  volumes.sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(...volumes.map((v) => v.name.length), 8);
  console.log(`\ncases per property (seed ${seed}):`);
  for (const v of volumes) console.log(`  ${v.name.padEnd(width)}  ${String(v.cases).padStart(8)}`);
  console.log(`  ${'total'.padEnd(width)}  ${String(volumes.reduce((sum, v) => sum + v.cases, 0)).padStart(8)}`);
}
console.log(`\nreplay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run test:fuzz`);
process.exit(jest.status ?? 1);
