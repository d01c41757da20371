/** The open-loop schedule and the pure judgements of a run and of `--find-max`. */

/** Offsets in ms from the start at which to submit: `rate`/s, evenly spaced, for `durationS`. */
export function scheduleOffsets(rate: number, durationS: number): number[] {
  if (!(rate > 0) || !(durationS > 0)) return [];
  const count = Math.floor(rate * durationS + 1e-9);
  return Array.from({ length: count }, (_, i) => (i * 1000) / rate);
}

/** The rates `--find-max` tries: start, doubling, up to max (inclusive). */
export function findMaxRates(start: number, max: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rate > 0 && rate <= max; rate *= 2) rates.push(rate);
  return rates;
}

/** The submit rate achieved: sends over the time from the first scheduled one to the last start, plus one period. */
export function achievedRate(sent: number, firstStartMs: number, lastStartMs: number, targetRate: number): number {
  if (sent === 0) return 0;
  return sent / ((lastStartMs - firstStartMs) / 1000 + 1 / targetRate);
}

/** The collectivités (one token each) needed to stay under the per-token rate limit of API.md (20/s). */
export function collectivitesFor(rate: number, minimum: number, perTokenRate = 15): number {
  return Math.max(minimum, Math.ceil(rate / perTokenRate));
}

/** What a step's judgement needs from its result. */
export interface StepOutcome {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly submitted: number;
  readonly accepted: number;
  readonly httpErrors: number;
  readonly acknowledged: number;
  /** Accepted but not at a final status when the drain timeout ran out. */
  readonly notFinal: number;
  readonly drained: boolean;
  /** Seconds from the last submission to the last final status (server clock), when drained. */
  readonly drainSeconds: number | undefined;
  /** The longest drain that still counts as keeping up (a growing backlog drains slowly). */
  readonly graceS: number;
}

/**
 * Whether the platform kept up: every submission accepted, every one acknowledged, the backlog drained
 * within `graceS` of the last submission, and the generator itself reached 90 % of the rate asked for.
 */
export function judge(outcome: StepOutcome): { keptUp: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (outcome.httpErrors > 0) reasons.push(`${outcome.httpErrors} submissions refused or failed`);
  if (outcome.notFinal > 0) reasons.push(`${outcome.notFinal} accepted transmissions not final within the drain timeout`);
  if (outcome.acknowledged < outcome.accepted) reasons.push(`${outcome.accepted - outcome.acknowledged} accepted transmissions not acknowledged`);
  if (!outcome.drained) reasons.push('backlog not drained');
  else if (outcome.drainSeconds !== undefined && outcome.drainSeconds > outcome.graceS) {
    reasons.push(`backlog took ${outcome.drainSeconds.toFixed(1)} s to drain (more than ${outcome.graceS} s)`);
  }
  if (outcome.achievedRate < 0.9 * outcome.targetRate) {
    reasons.push(`submit rate ${outcome.achievedRate.toFixed(1)}/s below 90 % of ${outcome.targetRate}/s`);
  }
  if (outcome.submitted === 0) reasons.push('nothing submitted');
  return { keptUp: reasons.length === 0, reasons };
}

/** The highest rate of the run of kept-up steps from the first one (a later lucky step does not count). */
export function highestKeptUp(steps: readonly { readonly rate: number; readonly keptUp: boolean }[]): number | undefined {
  let best: number | undefined;
  for (const step of steps) {
    if (!step.keptUp) break;
    best = step.rate;
  }
  return best;
}
