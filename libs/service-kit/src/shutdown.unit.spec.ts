import { describe, expect, it } from '@jest/globals';
import { shutdownBudget, shutdownBudgetFromEnv } from '@relais/messaging';
import { stopOnSignals, type Stoppable } from './shutdown.js';

/** A stop run by a signal this test sends itself, its exit code and log captured. */
function stoppedBy(app: Stoppable, signal: NodeJS.Signals, timeoutMs = 200): { exited: Promise<number>; lines: string[]; send(): void } {
  const lines: string[] = [];
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  stopOnSignals(app, { budget: shutdownBudget(timeoutMs), log: (line) => lines.push(line), exit, signals: [signal] });
  return {
    exited,
    lines,
    send: () => {
      process.emit(signal, signal);
    },
  };
}

describe('shutdown budget', () => {
  it('leaves 3 s of the deadline for acks, drains and pools, or half of a short one', () => {
    expect(shutdownBudget(10_000)).toEqual({ timeoutMs: 10_000, graceMs: 7_000 });
    expect(shutdownBudget(1_000)).toEqual({ timeoutMs: 1_000, graceMs: 500 });
    expect(shutdownBudgetFromEnv({})).toEqual({ timeoutMs: 10_000, graceMs: 7_000 });
    expect(shutdownBudgetFromEnv({ RELAIS_SHUTDOWN_TIMEOUT_MS: '4000' })).toEqual({ timeoutMs: 4_000, graceMs: 2_000 });
  });

  it('refuses a setting that is not a whole number of ms in range, with a stable code', () => {
    for (const bad of ['soon', '-1', '50', '1e9', '2.5']) {
      expect(() => shutdownBudgetFromEnv({ RELAIS_SHUTDOWN_TIMEOUT_MS: bad })).toThrow(expect.objectContaining({ code: 'MESSAGING.INVALID_CONFIG' }));
    }
  });
});

describe('stopOnSignals', () => {
  it('closes the application once, however many signals come, and exits 0', async () => {
    let closes = 0;
    const stop = stoppedBy({ close: () => Promise.resolve(void (closes += 1)) }, 'SIGUSR2');
    stop.send();
    stop.send();
    expect(await stop.exited).toBe(0);
    expect(closes).toBe(1);
    expect(stop.lines.at(-1)).toBe('stopped');
  });

  it('exits 1 when a shutdown step fails', async () => {
    const stop = stoppedBy({ close: () => Promise.reject(new Error('pool would not end')) }, 'SIGPIPE');
    stop.send();
    expect(await stop.exited).toBe(1);
    expect(stop.lines.join('\n')).toContain('pool would not end');
  });

  it('exits 1 at the hard deadline when the stop is still running', async () => {
    const stop = stoppedBy({ close: () => new Promise<void>(() => undefined) }, 'SIGWINCH');
    stop.send();
    expect(await stop.exited).toBe(1);
    expect(stop.lines.join('\n')).toContain('still stopping after 200 ms');
  });
});
