/** Where the delays between attempts start and stop growing. */
export interface BackoffSettings {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/**
 * The delay before the next attempt after `failures` failed attempts (1 after the first): the initial
 * delay doubled after each failure, capped at the maximum, less up to a fifth at random (`random` in
 * [0, 1)) so that the deliveries a receiver's outage piled up do not all come back at the same instant.
 */
export function retryDelayMs(failures: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const full = Math.min(settings.retryMaxMs, settings.retryInitialMs * 2 ** exponent);
  return Math.round(full * (1 - 0.2 * random()));
}
