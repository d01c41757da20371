import { describe, expect, it } from '@jest/globals';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoints.js';
import { InvalidCheckpointError } from './errors.js';

describe('checkpoint cursors', () => {
  it('round-trips, extremes included', () => {
    for (const cp of [
      { transactionId: 0n, globalPosition: 0n },
      { transactionId: 742n, globalPosition: 1_000_001n },
      { transactionId: 18446744073709551615n, globalPosition: 9223372036854775807n },
    ]) {
      expect(decodeCheckpoint(encodeCheckpoint(cp))).toEqual(cp);
    }
    expect(encodeCheckpoint({ transactionId: 742n, globalPosition: 9n })).toBe('742:9');
  });

  it('refuses forged or truncated cursors with a typed error', () => {
    for (const bad of ['', '1', '1:', ':1', '01:1', '1:-1', '1:2:3', 'a:b', '1:9223372036854775808', '18446744073709551616:1']) {
      expect(() => decodeCheckpoint(bad)).toThrow(InvalidCheckpointError);
    }
  });
});
