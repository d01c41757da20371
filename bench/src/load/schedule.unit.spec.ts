import { describe, expect, it } from '@jest/globals';
import { achievedRate, collectivitesFor, findMaxRates, highestKeptUp, judge, scheduleOffsets } from './schedule.js';

describe('scheduleOffsets', () => {
  it('spaces rate*duration sends evenly from 0', () => {
    const offsets = scheduleOffsets(20, 3);
    expect(offsets).toHaveLength(60);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(50);
    expect(offsets[59]).toBe(2950);
  });

  it('accepts fractional rates and durations, and nothing for zero', () => {
    expect(scheduleOffsets(0.5, 10)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(scheduleOffsets(3, 0.1 * 30)).toHaveLength(9);
    expect(scheduleOffsets(0, 10)).toEqual([]);
    expect(scheduleOffsets(10, 0)).toEqual([]);
  });
});

describe('find-max helpers', () => {
  it('doubles from the start rate up to the maximum', () => {
    expect(findMaxRates(5, 80)).toEqual([5, 10, 20, 40, 80]);
    expect(findMaxRates(5, 79)).toEqual([5, 10, 20, 40]);
  });

  it('keeps the highest rate of the kept-up prefix', () => {
    expect(highestKeptUp([{ rate: 5, keptUp: true }, { rate: 10, keptUp: true }, { rate: 20, keptUp: false }, { rate: 40, keptUp: true }])).toBe(10);
    expect(highestKeptUp([{ rate: 5, keptUp: false }])).toBeUndefined();
    expect(highestKeptUp([])).toBeUndefined();
  });

  it('gives each token at most 15 submissions/s', () => {
    expect(collectivitesFor(100, 20)).toBe(20);
    expect(collectivitesFor(640, 20)).toBe(43);
  });

  it('measures the achieved rate over the sending window', () => {
    expect(achievedRate(100, 0, 9900, 10)).toBeCloseTo(10);
    expect(achievedRate(100, 0, 19_900, 10)).toBeCloseTo(5, 1);
    expect(achievedRate(0, 0, 0, 10)).toBe(0);
  });
});

describe('judge', () => {
  const good = { targetRate: 10, achievedRate: 10, submitted: 100, accepted: 100, httpErrors: 0, acknowledged: 100, notFinal: 0, drained: true, drainSeconds: 1.2, graceS: 5 };

  it('says kept up when all was accepted, acknowledged and drained at the rate asked', () => {
    expect(judge(good)).toEqual({ keptUp: true, reasons: [] });
  });

  it('names every reason otherwise', () => {
    const verdict = judge({ ...good, achievedRate: 8, httpErrors: 2, accepted: 98, acknowledged: 90, notFinal: 8, drained: false, drainSeconds: undefined });
    expect(verdict.keptUp).toBe(false);
    expect(verdict.reasons).toHaveLength(5);
    expect(judge({ ...good, acknowledged: 99 }).reasons).toEqual(['1 accepted transmissions not acknowledged']);
  });

  it('says not kept up when the backlog took longer than the grace to drain', () => {
    expect(judge({ ...good, drainSeconds: 7.5 }).reasons).toEqual(['backlog took 7.5 s to drain (more than 5 s)']);
    expect(judge({ ...good, drainSeconds: 5 }).keptUp).toBe(true);
  });
});
