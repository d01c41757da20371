#!/usr/bin/env node
// Summarises V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per process): for each profile, the
// share of samples by package (or Relais library/service) and the functions with the most self time.
// Usage: node scripts/profile-summary.mjs <dir-or-files…> [--top 15] [--callers <function name>]
// (--callers: the stacks, 8 frames deep, that spend self time in the functions of that name)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt === -1 ? 15 : Number(args[topAt + 1]);
const callersAt = args.indexOf('--callers');
const callers = callersAt === -1 ? undefined : args[callersAt + 1];
const inputs = args.filter((arg, i) => !['--top', '--callers'].includes(arg) && i !== topAt + 1 && (callersAt === -1 || i !== callersAt + 1));
const files = inputs.flatMap((input) =>
  statSync(input).isDirectory() ? readdirSync(input).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(input, f)) : [input],
);

/** Where a function's code lives: a package, a Relais library or service, node's own, or V8's. */
function place(url) {
  if (url === '') return '(v8/native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const relais = /\/(libs|services)\/([^/]+)\//.exec(url);
  if (relais) return `${relais[1]}/${relais[2]}`;
  return url.split('/').slice(-2).join('/');
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const durationS = (profile.endTime - profile.startTime) / 1e6;
  const interval = durationS / Math.max(1, total);
  const byPlace = new Map();
  const byFunction = new Map();
  let idle = 0;
  for (const [id, count] of counts) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += count;
      continue;
    }
    const where = place(callFrame.url);
    byPlace.set(where, (byPlace.get(where) ?? 0) + count);
    const name = `${callFrame.functionName || '(anonymous)'} ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
  }
  const busy = total - idle;
  const pct = (n) => `${((100 * n) / Math.max(1, busy)).toFixed(1).padStart(5)} %`;
  console.log(`\n== ${basename(file)}: ${durationS.toFixed(1)} s, busy ${(busy * interval).toFixed(1)} s (${((100 * busy) / Math.max(1, total)).toFixed(0)} % of the wall clock)`);
  console.log('  by place (self time):');
  for (const [where, n] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`   ${pct(n)}  ${where}`);
  console.log('  by function (self time):');
  for (const [name, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`   ${pct(n)}  ${name}`);
  if (callers !== undefined) {
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const stacks = new Map();
    for (const [id, count] of counts) {
      if (byId.get(id).callFrame.functionName !== callers) continue;
      const frames = [];
      for (let at = parent.get(id); at !== undefined && frames.length < 8; at = parent.get(at)) {
        const { callFrame } = byId.get(at);
        if (callFrame.functionName === '(root)') break;
        frames.push(`${callFrame.functionName || '(anonymous)'}@${place(callFrame.url)}:${callFrame.lineNumber + 1}`);
      }
      const key = frames.join(' < ');
      stacks.set(key, (stacks.get(key) ?? 0) + count);
    }
    console.log(`  stacks into ${callers}:`);
    for (const [stack, n] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`   ${pct(n)}  ${stack}`);
  }
}
