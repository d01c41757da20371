import { describe, expect, it } from '@jest/globals';
import { simBroken, table } from './report.js';

describe('report', () => {
  it('aligns text left and numbers right', () => {
    expect(table([['step', 'rate/s'], ['search', '5'], ['half max', '160']]).split('\n')).toEqual([
      'step      rate/s',
      'search         5',
      'half max     160',
    ]);
  });

  it('fails on any duplicate or conflict at the simulator, not when it is unreachable', () => {
    const zero = { received: 10, retries: 2, duplicates: 0, conflicts: 0 };
    expect(simBroken(zero)).toBe(false);
    expect(simBroken({ ...zero, duplicates: 1 })).toBe(true);
    expect(simBroken({ ...zero, conflicts: 1 })).toBe(true);
    expect(simBroken(undefined)).toBe(false);
  });
});
