import { shutdownBudgetFromEnv, type ShutdownBudget } from '@relais/messaging';

/** What {@link stopOnSignals} stops: a Nest application (its `close` runs every shutdown hook). */
export interface Stoppable {
  close(): Promise<void>;
}

/** Options of {@link stopOnSignals}; the defaults are the process's own. */
export interface StopOnSignalsOptions {
  /** Default: from `RELAIS_SHUTDOWN_TIMEOUT_MS`, read (and checked) at once: a bad value stops the start. */
  readonly budget?: ShutdownBudget;
  readonly log?: (line: string) => void;
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * A service's stop: on the first SIGTERM (what `npm start` sends), SIGINT or SIGHUP it closes the
 * application — every shutdown hook in order: no new work taken, work in progress finished within the
 * grace or handed back, connections drained, pools closed — then exits 0. A hook that fails exits 1; so
 * does a stop still running at the budget's hard deadline, leaving whatever it had not acked to be
 * delivered again to another instance. Later signals change nothing (a Ctrl-C in `npm start`'s terminal
 * reaches every service, then `npm start` sends SIGTERM as well). Replaces Nest's `enableShutdownHooks`,
 * which has no deadline and re-raises the signal instead of exiting 0.
 */
export function stopOnSignals(app: Stoppable, options: StopOnSignalsOptions = {}): void {
  const log =
    options.log ??
    ((line: string) => {
      console.log(`${process.title}: ${line}`);
    });
  const exit = options.exit ?? exitSoon;
  const budget = options.budget ?? shutdownBudgetFromEnv();
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (work in progress has ${budget.graceMs.toString()} ms to finish, the whole stop ${budget.timeoutMs.toString()} ms)`);
    const deadline = setTimeout(() => {
      log(`still stopping after ${budget.timeoutMs.toString()} ms: exiting, what was not acked goes to another instance`);
      exit(1);
    }, budget.timeoutMs);
    app.close().then(
      () => {
        clearTimeout(deadline);
        log('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        log(`stop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);
}

/**
 * Exits with `code` once the output written so far had a moment to leave (a pipe to `npm start` is
 * asynchronous), or sooner if nothing is left running.
 */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    process.exit(code);
  }, 100).unref();
}
