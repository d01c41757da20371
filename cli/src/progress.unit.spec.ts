import { describe, expect, it } from '@jest/globals';
import { duration, progressLine } from './progress.js';

describe('progressLine', () => {
  it('shows the share, the rate and what is left at that rate', () => {
    expect(progressLine('verify', 250_000, 1_000_000, 5_000, 10)).toBe('verify [###.......] 25.0% 250,000/1,000,000 50,000/s ETA 15s');
  });

  it('shows the count and rate alone without a total, and no ETA once done', () => {
    expect(progressLine('export', 1200, undefined, 2_000)).toBe('export 1,200 600/s');
    expect(progressLine('export', 10, 10, 1_000, 4)).toBe('export [####] 100.0% 10/10 10/s');
  });

  it('writes durations as a person reads them', () => {
    expect([duration(12.4), duration(185), duration(3_720)]).toEqual(['12s', '3m05s', '1h02m']);
  });
});
