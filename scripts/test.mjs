#!/usr/bin/env node
// `npm test`: every check CI makes, then every test against the real PostgreSQL and NATS.
// Tests find the servers through DATABASE_URL and NATS_URL (defaults: this machine's own servers);
// each test file makes its own database and NATS namespace, so runs never collide.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  NX_TUI: 'false',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_SKIP_NX_CACHE: process.env.CI ? 'true' : (process.env.NX_SKIP_NX_CACHE ?? 'false'),
};

function step(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  console.log(`=== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(result.status ?? 1);
  }
}

step('protobuf contracts (generated code fresh, buf lint, buf breaking)', 'node', ['scripts/proto.mjs', 'check']);
step('lint rules guarding the architecture fire (module boundaries, import cycles)', 'node', ['scripts/check-boundaries.mjs']);
// One TypeScript program for the whole repository: each file is checked once, where the projects'
// own `typecheck` targets (kept for working on one project) check every library again inside each
// project that imports it (93 s against 12 s here).
step('typecheck (the whole repository, specs included, as one program)', 'npx', ['tsc', '-p', 'tsconfig.all.json']);
await parallelSteps('lint (type-aware, module boundaries)', [
  ['npx', ['eslint', '--max-warnings', '0', 'libs', 'bench', 'cli']],
  ['npx', ['eslint', '--max-warnings', '0', 'services', 'e2e']],
]);
step('build', 'npx', ['nx', 'run-many', '-t', 'build', '--parallel=2', '--outputStyle=static']);

/** Runs the commands at once (one per core), their output as it comes; stops the run if one fails. */
async function parallelSteps(title, commands) {
  console.log(`\n=== ${title}: ${commands.map(([command, args]) => `${command} ${args.join(' ')}`).join(' & ')}`);
  const started = Date.now();
  const codes = await Promise.all(
    commands.map(
      ([command, args]) =>
        new Promise((done) => {
          const child = spawn(command, args, { stdio: 'inherit', env });
          child.on('exit', (code) => done(code ?? 1));
          child.on('error', () => done(1));
        }),
    ),
  );
  const ok = codes.every((code) => code === 0);
  console.log(`=== ${title}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const report = join(mkdtempSync(join(tmpdir(), 'relais-test-')), 'jest.json');
// CI logs are read by many: a URL's user and password never go there.
const shown = (url) => String(url).replace(/\/\/.*@/s, '//***@');
console.log('\n=== tests against PostgreSQL at', shown(env.DATABASE_URL), 'and NATS at', shown(env.NATS_URL));
const jest = spawnSync(
  'node',
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env },
);
let summary;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(jest.status || 1);
}
const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
console.log(`\n${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
process.exit(jest.status === 0 && failed === 0 && summary.numPassedTests > 0 ? 0 : 1);
