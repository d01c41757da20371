/**
 * End to end (issue 11): the whole platform started as an operator starts it (`npm start --no-build`,
 * every service, on a database and a NATS namespace of its own, the State simulator answering at once),
 * driven over HTTP by the load generator in this process with real files (actes with PDFs, PES_Aller
 * files with PJ, mixed). It finds the highest rate at which nothing falls behind, holds it for a
 * sustained run at a constant offered rate (60 s; 10 s with --quick) in which every transmission must be
 * acknowledged and the backlog drain at once, then measures received → acknowledged latency at half
 * that rate. Each service's peak memory (VmHWM) is read from /proc at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform, type Platform } from '@relais/testing/platform';
import { Api } from '../load/api.js';
import { FALLBACK_CLASSIFICATIONS, readClassificationCodes, seededRandom } from '../load/corpus.js';
import { Fleet, runStep, settle, type RunContext, type StepResult } from '../load/runner.js';
import { collectivitesFor } from '../load/schedule.js';

export interface EndToEndBenchOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly quick: boolean;
  /** A rate to start the search from (transmissions/s). */
  readonly startRate?: number;
  /** A folder for a V8 CPU profile of every process of the platform (`--profile <dir>`; read them with scripts/profile-summary.mjs). */
  readonly profileDir?: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function classificationCodes(): readonly string[] {
  const codes = readClassificationCodes(join(repoRoot, 'config/classification-default.json'));
  return codes.length > 0 ? codes : FALLBACK_CLASSIFICATIONS;
}

/** Peak resident memory of `pid` so far, in MiB (Linux's VmHWM); undefined when it cannot be read. */
function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid.toString()}/status`, 'utf8'));
    return match === null ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined;
  }
}

/** The rates the search tries: from `start`, ×1.5 each step, rounded to whole transmissions/s. */
export function searchRates(start: number, max: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rate <= max; rate = Math.round(rate * 1.5)) rates.push(rate);
  return rates;
}

export async function benchEndToEnd(opts: EndToEndBenchOptions): Promise<Record<string, number>> {
  // Quick: the whole bench in under two minutes; the figures are then indicative, not the sustained ones.
  const searchS = opts.quick ? 5 : 20;
  const sustainedS = opts.quick ? 10 : 60;
  const halfS = opts.quick ? 6 : 30;
  const pesShare = 0.3;
  const results: Record<string, number> = {};
  const platform: Platform = await startPlatform({
    servers: { databaseUrl: opts.databaseUrl, natsUrl: opts.natsUrl },
    env: {
      STATE_SIM_ACK_DELAY_MS: '0',
      ...(opts.profileDir === undefined ? {} : { RELAIS_CPU_PROFILE_DIR: opts.profileDir }),
      // For profiling: options for every service's node (scripts/pg-query-count.mjs counts their SQL).
      ...(process.env['RELAIS_BENCH_NODE_OPTIONS'] === undefined ? {} : { NODE_OPTIONS: process.env['RELAIS_BENCH_NODE_OPTIONS'] }),
    },
  });
  try {
    await platform.waitUntilReady(120_000);
    const api = new Api(platform.gatewayUrl, platform.simUrl);
    const stop = { requested: false };
    const ctx: RunContext = {
      api,
      fleet: new Fleet(api, platform.adminToken, 4_242, log),
      supervisorToken: await api.createToken(platform.adminToken, { role: 'supervisor' }),
      random: seededRandom(2026),
      runTag: 'BNCH',
      classifications: classificationCodes(),
      pesShare,
      concurrency: 64,
      log,
      stop,
      sequence: 0,
    };
    const plan = (rate: number, durationS: number) => ({
      rate,
      durationS,
      collectivites: collectivitesFor(rate, 20),
      drainTimeoutS: Math.max(30, durationS),
      // Kept up: the backlog gone within 5 s of the last submission (a growing one takes far longer).
      graceS: 5,
    });
    const report = (label: string, step: StepResult): void => {
      const errors = Object.entries(step.httpErrors).map(([code, count]) => `${code} ×${count.toString()}`);
      const verdict = step.keptUp ? 'kept up' : `fell behind (${step.reasons.join('; ')}${errors.length > 0 ? `: ${errors.join(', ')}` : ''})`;
      const latency = `p50 ${Math.round(step.ackLatencyMs.p50)} ms, p99 ${Math.round(step.ackLatencyMs.p99)} ms`;
      log(`${label} ${step.rate}/s for ${step.durationS} s: ${verdict}; achieved ${step.achievedRate.toFixed(1)}/s, ${step.acknowledged}/${step.accepted} acknowledged, ${latency}`);
    };

    // Warm up (JIT, pools, the collectivités' registration), not measured.
    report('warm-up', await runStep(ctx, plan(10, opts.quick ? 2 : 5)));

    let best: number | undefined;
    for (const rate of searchRates(opts.startRate ?? 20, 2_000)) {
      const step = await runStep(ctx, plan(rate, searchS));
      report('search', step);
      if (!step.keptUp) break;
      best = rate;
    }
    if ((await settle(ctx, 120)) > 0) log('a backlog remains after the search; measuring anyway');

    // The sustained run: the best rate held; when it falls behind, 80 % of it, down to a kept-up one.
    let sustained: StepResult | undefined;
    for (let rate = best ?? 5; rate >= 1 && sustained === undefined; rate = Math.floor(rate * 0.8)) {
      const step = await runStep(ctx, plan(rate, sustainedS));
      report('sustained', step);
      if (step.keptUp) sustained = step;
      else if ((await settle(ctx, 120)) > 0) log('a backlog remains; trying lower anyway');
    }
    if (sustained === undefined) throw new Error('No rate was sustained end to end');
    const half = await runStep(ctx, plan(sustained.rate / 2, halfS));
    report('half rate', half);

    results['sustainedPerSec'] = sustained.rate;
    results['sustainedAchievedPerSec'] = Number(sustained.achievedRate.toFixed(1));
    results['sustainedSeconds'] = sustained.durationS;
    results['sustainedTransmissions'] = sustained.accepted;
    results['sustainedDrainSeconds'] = Number((sustained.drainSeconds ?? -1).toFixed(2));
    results['sustainedP99Ms'] = Math.round(sustained.ackLatencyMs.p99);
    results['halfRatePerSec'] = half.rate;
    results['halfRateSeconds'] = half.durationS;
    results['halfRateTransmissions'] = half.accepted;
    results['halfRateAcknowledged'] = half.acknowledged;
    results['p50Ms'] = Math.round(half.ackLatencyMs.p50);
    results['p95Ms'] = Math.round(half.ackLatencyMs.p95);
    results['p99Ms'] = Math.round(half.ackLatencyMs.p99);
    results['pesShare'] = pesShare;
    const { body } = await platform.health();
    for (const [service, line] of Object.entries(body.services)) {
      const peak = line.pid === undefined ? undefined : peakRssMiB(line.pid);
      if (peak !== undefined) results[`peakRssMiB.${service}`] = peak;
    }
  } finally {
    await platform.stop();
  }
  return results;
}
