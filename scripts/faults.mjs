#!/usr/bin/env node
// `npm run test:faults`: issue 9's fault-injection suite in its full form (faults of minutes; 15 to 25
// minutes in all), on PostgreSQL and NATS servers of its own (never the machine's shared ones).
//   --short      the short form instead (what `npm test` runs: seconds of fault, about three minutes)
//   --no-build   run what is built already (otherwise every project is built first; Nx skips what is fresh)
// The report is printed and written to .relais/faults/latest.json and latest.txt (FAULTS_REPORT to change).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--short' && a !== '--no-build');
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')}; usage: npm run test:faults [-- --short] [-- --no-build]`);
  process.exit(2);
}
const env = {
  ...process.env,
  FAULTS_MODE: args.includes('--short') ? 'short' : 'full',
  FAULTS_VERBOSE: '1',
  NX_TUI: 'false',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};
if (!env.FAULTS_REPORT) {
  mkdirSync(join(root, '.relais', 'faults'), { recursive: true });
  env.FAULTS_REPORT = join(root, '.relais', 'faults', 'latest.json');
}

if (!args.includes('--no-build')) {
  console.log('=== building (services, CLI)');
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0) {
    console.error('build failed');
    process.exit(build.status ?? 1);
  }
}

console.log(`=== fault-injection suite, ${env.FAULTS_MODE} form; report in ${env.FAULTS_REPORT}`);
const jest = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--selectProjects', 'e2e', '--runTestsByPath', 'e2e/src/faults/faults.e2e.spec.ts'],
  { cwd: root, stdio: 'inherit', env },
);
process.exit(jest.status ?? 1);
