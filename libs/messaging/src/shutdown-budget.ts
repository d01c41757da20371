import { InvalidConfigError } from './errors.js';

/**
 * How long a service may take to stop. `timeoutMs` is the hard deadline: past it the process exits
 * non-zero whatever is still running, and what it had not acked comes back to another instance after
 * its ack wait. `graceMs` is what work in progress (a handler, an upload, a batch) gets to finish; what
 * has not finished by then is handed back at once (nak), leaving the rest of the deadline to confirm
 * acks, drain the connections and close the pools.
 */
export interface ShutdownBudget {
  readonly timeoutMs: number;
  readonly graceMs: number;
}

/** `RELAIS_SHUTDOWN_TIMEOUT_MS` when unset: below `npm start`'s 12 s before it kills what is left. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** What the grace leaves of the deadline for acks, drains and pools (less for very short deadlines). */
const CLOSING_MS = 3_000;

/** The budget for a hard deadline of `timeoutMs`. */
export function shutdownBudget(timeoutMs: number): ShutdownBudget {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 100) throw new InvalidConfigError(`A shutdown timeout must be a whole number of ms, at least 100: ${timeoutMs}`);
  return { timeoutMs, graceMs: Math.max(timeoutMs - CLOSING_MS, Math.floor(timeoutMs / 2)) };
}

/**
 * The budget from `RELAIS_SHUTDOWN_TIMEOUT_MS` (default {@link DEFAULT_SHUTDOWN_TIMEOUT_MS}). Read when
 * a stop begins, so one setting serves every library and service without threading it through each.
 */
export function shutdownBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): ShutdownBudget {
  const raw = env.RELAIS_SHUTDOWN_TIMEOUT_MS;
  if (raw === undefined || raw === '') return shutdownBudget(DEFAULT_SHUTDOWN_TIMEOUT_MS);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 100 || value > 600_000) {
    throw new InvalidConfigError(`RELAIS_SHUTDOWN_TIMEOUT_MS must be a whole number of ms from 100 to 600000: ${raw}`);
  }
  return shutdownBudget(value);
}
