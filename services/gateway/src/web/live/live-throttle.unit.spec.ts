import { describe, expect, it } from '@jest/globals';
import { LiveThrottle, type Timers } from './live-throttle.js';

/** Timers moved by hand. */
class ManualTimers implements Timers {
  private at = 1_000_000;
  private readonly due: { at: number; run: () => void; id: number }[] = [];
  private nextId = 0;
  now(): number {
    return this.at;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.due.push({ at: this.at + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    const i = this.due.findIndex((t) => t.id === handle);
    if (i >= 0) this.due.splice(i, 1);
  }
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      this.due.sort((a, b) => a.at - b.at);
      const next = this.due[0];
      if (next === undefined || next.at > until) break;
      this.due.shift();
      this.at = next.at;
      next.run();
    }
    this.at = until;
  }
  get pending(): number {
    return this.due.length;
  }
}

function setup(): { timers: ManualTimers; sent: [number, string][]; throttle: LiveThrottle<string> } {
  const timers = new ManualTimers();
  const sent: [number, string][] = [];
  const throttle = new LiveThrottle<string>(500, (value) => sent.push([timers.now(), value]), timers);
  return { timers, sent, throttle };
}

describe('live updates to one page', () => {
  it('sends the first change at once', () => {
    const { sent, throttle, timers } = setup();
    throttle.push('10');
    expect(sent).toEqual([[timers.now(), '10']]);
  });

  it('folds the changes of the next half second into one, carrying the latest, sent when the half second is over', () => {
    const { sent, throttle, timers } = setup();
    const start = timers.now();
    throttle.push('10');
    timers.advance(100);
    throttle.push('11');
    timers.advance(100);
    throttle.push('12');
    expect(sent).toHaveLength(1);
    timers.advance(300);
    expect(sent).toEqual([
      [start, '10'],
      [start + 500, '12'],
    ]);
  });

  it('never sends more than two a second under a steady stream of changes', () => {
    const { sent, throttle, timers } = setup();
    for (let i = 0; i < 1000; i++) {
      throttle.push(String(i));
      timers.advance(10);
    }
    timers.advance(1000);
    expect(sent.length).toBeLessThanOrEqual(21);
    expect(sent.length).toBeGreaterThanOrEqual(20);
    for (let i = 1; i < sent.length; i++) expect(sent[i]![0] - sent[i - 1]![0]).toBeGreaterThanOrEqual(500);
    expect(sent.at(-1)?.[1]).toBe('999');
  });

  it('sends a change at once again after a quiet half second', () => {
    const { sent, throttle, timers } = setup();
    throttle.push('1');
    timers.advance(600);
    throttle.push('2');
    expect(sent.map(([, v]) => v)).toEqual(['1', '2']);
    expect(timers.pending).toBe(0);
  });

  it('sends nothing once closed, and leaves no timer behind', () => {
    const { sent, throttle, timers } = setup();
    throttle.push('1');
    throttle.push('2');
    throttle.close();
    timers.advance(1000);
    throttle.push('3');
    expect(sent.map(([, v]) => v)).toEqual(['1']);
    expect(timers.pending).toBe(0);
  });
});
