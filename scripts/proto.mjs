#!/usr/bin/env node
// The wire contracts' one command.
//   node scripts/proto.mjs gen    regenerate libs/contracts/src/gen from proto/
//   node scripts/proto.mjs check  fail when the generated code is stale, lint fails, or proto/ broke
//                                 compatibility with the previous commit
// Everything runs offline: no BSR dependency, the plugin is the installed protoc-gen-es, and the old
// contracts for `buf breaking` come out of the local git history.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'proto');
const genDir = join(root, 'libs', 'contracts', 'src', 'gen');
const buf = join(root, 'node_modules', '.bin', 'buf');
const plugin = join(root, 'node_modules', '.bin', 'protoc-gen-es');

/** Runs a program, its output shown as it comes; returns its exit status. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs a program and returns its standard output; `undefined` when it exits non-zero. */
function read(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.status === 0 ? result.stdout : undefined;
}

/*
 * The template is built here rather than kept in a buf.gen.yaml so that `check` can aim the very same
 * generation at a temporary folder. `clean` empties the output first, so a removed .proto leaves no
 * generated file behind.
 */
function generate(outDir) {
  const template = {
    version: 'v2',
    clean: true,
    plugins: [{ local: plugin, out: outDir, opt: ['target=ts', 'import_extension=js'] }],
  };
  return run(buf, ['generate', protoDir, '--template', JSON.stringify(template)]);
}

/** Every file under `dir`, as paths relative to it; empty when `dir` does not exist. */
function listFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true });
  } catch {
    return [];
  }
  return entries
    .map((entry) => String(entry))
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .sort();
}

/** Names the files that differ between the committed generated code and a fresh generation. */
function differences(committedDir, freshDir) {
  const committed = listFiles(committedDir);
  const fresh = listFiles(freshDir);
  const found = [];
  for (const file of fresh) {
    if (!committed.includes(file)) found.push(`missing: ${file}`);
    else if (!readFileSync(join(committedDir, file)).equals(readFileSync(join(freshDir, file)))) {
      found.push(`outdated: ${file}`);
    }
  }
  for (const file of committed) if (!fresh.includes(file)) found.push(`left over: ${file}`);
  return found;
}

function checkFresh() {
  const scratch = mkdtempSync(join(tmpdir(), 'relais-proto-gen-'));
  try {
    if (generate(join(scratch, 'gen')) !== 0) return false;
    const found = differences(genDir, join(scratch, 'gen'));
    if (found.length > 0) {
      console.error(`proto: ${relative(root, genDir)} is stale; run \`npm run proto:gen\` and commit the result:`);
      for (const line of found) console.error(`  ${line}`);
      return false;
    }
    console.log('proto: generated code is up to date');
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function checkLint() {
  if (run(buf, ['lint', protoDir]) !== 0) {
    console.error('proto: buf lint failed');
    return false;
  }
  console.log('proto: buf lint passed');
  return true;
}

/*
 * "The previous commit" is HEAD when proto/ has changes not yet committed (they are what is about to
 * be committed), else HEAD~1 (what the last commit changed). Untracked files count as changes.
 */
function baseline() {
  const status = read('git', ['status', '--porcelain', '--untracked-files=all', '--', 'proto']);
  if (status === undefined) return { skip: 'not inside a git work tree' };
  const ref = status.trim() === '' ? 'HEAD~1' : 'HEAD';
  const commit = read('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])?.trim();
  if (!commit) return { skip: `there is no commit ${ref} to compare with` };
  const files = read('git', ['ls-tree', '-r', '--name-only', commit, '--', 'proto']) ?? '';
  if (!files.split('\n').some((file) => file.endsWith('.proto'))) {
    return { skip: `${ref} (${commit.slice(0, 12)}) has no proto/ folder` };
  }
  return { ref, commit };
}

/*
 * The old tree is exported with `git archive` rather than read through buf's `.git#ref=` input: it
 * needs nothing but the local object store, whatever buf's own git handling does with remotes.
 */
function checkBreaking() {
  const base = baseline();
  if ('skip' in base) {
    console.log(`proto: buf breaking skipped: ${base.skip}`);
    return true;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'relais-proto-base-'));
  try {
    const archive = join(scratch, 'proto.tar');
    if (run('git', ['archive', '--format=tar', `--output=${archive}`, base.commit, 'proto']) !== 0) return false;
    if (run('tar', ['-xf', archive, '-C', scratch]) !== 0) return false;
    const against = join(scratch, 'proto');
    if (run(buf, ['breaking', protoDir, '--against', against]) !== 0) {
      console.error(
        `proto: breaking change against ${base.ref} (${base.commit.slice(0, 12)}); ` +
          'add a new versioned message (and an upcaster) instead of editing a published one',
      );
      return false;
    }
    console.log(`proto: no breaking change against ${base.ref} (${base.commit.slice(0, 12)})`);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(command) {
  switch (command) {
    case 'gen':
      return generate(genDir) === 0;
    case 'check': {
      // Every check runs, so that one pass reports every problem.
      const results = [checkFresh(), checkLint(), checkBreaking()];
      return results.every(Boolean);
    }
    default:
      console.error('usage: node scripts/proto.mjs gen|check');
      return false;
  }
}

process.exitCode = main(process.argv[2]) ? 0 : 1;
