import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachAtMost, ReportOnce } from './polling.js';

async function* items(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i += 1) {
    await Promise.resolve();
    yield i;
  }
}

describe('forEachAtMost', () => {
  it('handles every item, never more than the limit at once, and waits for the last', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachAtMost(items(20), 3, new AbortController().signal, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(5 + (item % 3));
      running -= 1;
      done.push(item);
    });
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('takes no new item once stopped', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    await forEachAtMost(items(10), 2, stop.signal, (item) => {
      seen.push(item);
      if (item === 3) stop.abort();
      return Promise.resolve();
    });
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});

describe('ReportOnce', () => {
  it('logs a problem once until it changes or is forgotten', () => {
    const lines: string[] = [];
    const logger = { log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`) } as unknown as Logger;
    const reports = new ReportOnce(logger);
    reports.report('a', 'warn', 'unreadable');
    reports.report('a', 'warn', 'unreadable');
    reports.report('a', 'log', 'waits');
    reports.forget('a');
    reports.report('a', 'log', 'waits');
    expect(lines).toEqual(['warn unreadable', 'log waits', 'log waits']);
  });
});
