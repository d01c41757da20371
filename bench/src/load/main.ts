/**
 * The load generator (`node bench/dist/load/main.js --help`): registers collectivités with their Hélios
 * budgets, submits a mix of actes (real PDFs) and PES_Aller files at a steady open-loop rate through the
 * public API, follows each to a final status and reports rates and latencies, in all and per kind, and
 * the State simulator's counters. Exits 1 when an accepted transmission never got to a final status or
 * when the simulator counted a duplicate or a conflict, 2 on a usage or set-up error.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api } from './api.js';
import { parseArgs, USAGE, type LoadOptions } from './args.js';
import { FALLBACK_CLASSIFICATIONS, readClassificationCodes, runTag, seededRandom } from './corpus.js';
import { findMaxTable, formatStep, simBroken } from './report.js';
import { Fleet, runStep, settle, type RunContext, type StepResult } from './runner.js';
import { collectivitesFor, findMaxRates, highestKeptUp } from './schedule.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function log(message: string): void {
  console.log(`[load ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function adminToken(options: LoadOptions): string {
  if (options.adminToken !== undefined) return options.adminToken;
  for (const file of [resolve('.relais/admin-token'), join(repoRoot, '.relais/admin-token')]) {
    if (existsSync(file)) {
      const token = readFileSync(file, 'utf8').trim();
      if (token !== '') return token;
    }
  }
  return fail('No admin token: pass --admin-token, set RELAIS_ADMIN_TOKEN, or run from the repository after `npm start` wrote .relais/admin-token.');
}

function classifications(options: LoadOptions): { codes: readonly string[]; source: string } {
  const candidates = options.classificationFile !== undefined
    ? [resolve(options.classificationFile)]
    : [join(repoRoot, 'config/classification-default.json')];
  for (const file of candidates) {
    const codes = readClassificationCodes(file);
    if (codes.length > 0) return { codes, source: file };
  }
  if (options.classificationFile !== undefined) fail(`No classification found in ${options.classificationFile}`);
  return { codes: FALLBACK_CLASSIFICATIONS, source: 'built-in list' };
}

async function waitReady(api: Api, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let said = '';
  for (;;) {
    const answer = await api.health();
    if (answer?.status === 200) return;
    const now = answer === undefined ? `the gateway does not answer at ${api.gateway}` : `GET /health answers ${answer.status}: ${JSON.stringify(answer.body)}`;
    if (Date.now() >= deadline) fail(`Not ready after ${seconds} s: ${now}`);
    if (now !== said) log(`waiting: ${now}`);
    said = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function writeJson(file: string, report: unknown): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${file}`);
}

let parsed;
try {
  parsed = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const options = parsed.options;
const token = adminToken(options);
const api = new Api(options.gateway, options.sim);
const classification = classifications(options);
const seed = options.seed ?? randomInt(2 ** 31);
const random = seededRandom(seed);
const tag = runTag(randomInt(36 ** 4));
const stop = { requested: false };
process.on('SIGINT', () => {
  if (stop.requested) process.exit(130);
  stop.requested = true;
  log('interrupted: no more submissions; following what was sent (Ctrl-C again to quit at once)');
});

log(`gateway ${options.gateway}, simulator ${options.sim}; run ${tag}, seed ${seed}; ${classification.codes.length} classifications from ${classification.source}`);
await waitReady(api, options.waitReadyS);
let supervisorToken: string | undefined;
try {
  supervisorToken = await api.createToken(token, { role: 'supervisor' });
} catch (error) {
  log(`no supervisor token (${error instanceof Error ? error.message : String(error)}): each collectivité lists its own transmissions`);
}
const ctx: RunContext = {
  api,
  fleet: new Fleet(api, token, randomInt(10_000), log),
  supervisorToken,
  random,
  runTag: tag,
  classifications: classification.codes,
  pesShare: options.pesShare,
  concurrency: options.concurrency,
  log,
  stop,
  sequence: 0,
};
const publicOptions = { ...options, adminToken: undefined };

try {
  if (!options.findMax) {
    const collectivites = collectivitesFor(options.rate, options.collectivites);
    if (collectivites > options.collectivites) log(`${collectivites} collectivités instead of ${options.collectivites}: at ${options.rate}/s each token stays under 15 requests/s`);
    const drainTimeoutS = options.drainTimeoutS ?? 120;
    const result = await runStep(ctx, { rate: options.rate, durationS: options.durationS, collectivites, drainTimeoutS, graceS: options.graceS ?? drainTimeoutS });
    console.log(`\n${formatStep(result)}`);
    const broken = simBroken(result.simAfter);
    const ok = result.notFinal === 0 && !broken;
    if (options.json !== undefined) writeJson(options.json, { at: new Date().toISOString(), mode: 'steady', options: publicOptions, seed, runTag: tag, ok, result });
    if (!ok) console.error(`\nFAILED: ${result.notFinal > 0 ? `${result.notFinal} accepted transmissions lost` : ''}${broken ? ' the State simulator counted duplicates or conflicts' : ''}`);
    process.exit(ok ? 0 : 1);
  }

  const drainTimeoutS = options.drainTimeoutS ?? Math.max(30, options.durationS);
  const graceS = options.graceS ?? Math.max(5, options.durationS / 4);
  const plan = (rate: number) => ({ rate, durationS: options.durationS, collectivites: collectivitesFor(rate, options.collectivites), drainTimeoutS, graceS });
  const steps: (StepResult & { label: string })[] = [];
  for (const rate of findMaxRates(options.startRate, options.maxRate)) {
    if (stop.requested) break;
    const step = await runStep(ctx, plan(rate));
    steps.push({ ...step, label: 'search' });
    log(`${rate}/s: ${step.keptUp ? 'kept up' : `did not keep up (${step.reasons.join('; ')})`}; p50 ${Math.round(step.ackLatencyMs.p50)} ms, p99 ${Math.round(step.ackLatencyMs.p99)} ms`);
    if (!step.keptUp) break;
  }
  const best = highestKeptUp(steps);
  let measured: StepResult | undefined;
  const last = steps[steps.length - 1];
  if (best !== undefined && !stop.requested) {
    if (last !== undefined && !last.keptUp) {
      log('letting the backlog of the last step drain before measuring');
      const left = await settle(ctx, drainTimeoutS * 4);
      if (left > 0) log(`${left} transmissions still in delivery; measuring anyway`);
    }
    measured = await runStep(ctx, plan(best / 2));
    steps.push({ ...measured, label: 'half max' });
  }
  console.log(`\n${findMaxTable(steps)}\n`);
  if (best === undefined) console.log(`Highest rate kept up: none (even ${options.startRate}/s did not keep up)`);
  else {
    console.log(`Highest rate kept up: ${best}/s${last?.keptUp === true ? ` (the highest tried; raise --max-rate to go further)` : ''}`);
    if (measured !== undefined) {
      console.log(`At ${best / 2}/s: received -> acknowledged p50 ${Math.round(measured.ackLatencyMs.p50)} ms, p99 ${Math.round(measured.ackLatencyMs.p99)} ms`);
    }
  }
  const broken = steps.some((s) => simBroken(s.simAfter));
  if (broken) console.error('FAILED: the State simulator counted duplicates or conflicts');
  const ok = best !== undefined && !broken && (measured === undefined || measured.notFinal === 0);
  if (options.json !== undefined) {
    writeJson(options.json, { at: new Date().toISOString(), mode: 'find-max', options: publicOptions, seed, runTag: tag, ok, highestKeptUp: best ?? null, halfRate: measured ?? null, steps });
  }
  process.exit(ok ? 0 : 1);
} catch (error) {
  fail(`load generator stopped: ${error instanceof Error ? error.message : String(error)}`);
}
