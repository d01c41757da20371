import { describe, expect, it } from '@jest/globals';
import { DLQ_STREAM_LIMITS, EVENTS_STREAM_LIMITS, streamLimitsFromEnv } from './streams.js';

describe('streamLimitsFromEnv', () => {
  it('keeps the defaults, or takes the size caps from the environment', () => {
    expect(streamLimitsFromEnv({})).toEqual({ events: EVENTS_STREAM_LIMITS, dlq: DLQ_STREAM_LIMITS });
    const small = streamLimitsFromEnv({ RELAIS_EVENTS_STREAM_MAX_BYTES: String(256 * 1024 * 1024), RELAIS_DLQ_STREAM_MAX_BYTES: String(64 * 1024 * 1024) });
    expect(small.events).toEqual({ ...EVENTS_STREAM_LIMITS, maxBytes: 256 * 1024 * 1024 });
    expect(small.dlq.maxBytes).toBe(64 * 1024 * 1024);
  });

  it('refuses a size that is not a whole number of bytes from 1 MiB', () => {
    expect(() => streamLimitsFromEnv({ RELAIS_EVENTS_STREAM_MAX_BYTES: '10' })).toThrow('RELAIS_EVENTS_STREAM_MAX_BYTES must be a whole number of bytes from 1 MiB: 10');
    expect(() => streamLimitsFromEnv({ RELAIS_DLQ_STREAM_MAX_BYTES: '1e9' })).not.toThrow();
    expect(() => streamLimitsFromEnv({ RELAIS_DLQ_STREAM_MAX_BYTES: 'lots' })).toThrow('RELAIS_DLQ_STREAM_MAX_BYTES');
  });
});
