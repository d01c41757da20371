import { describe, expect, it } from '@jest/globals';
import { deterministicUuid } from './transmission-commands.js';

describe('deterministicUuid', () => {
  it('gives the same RFC 9562 version-8 UUID for the same key, another for another key', () => {
    const a = deterministicUuid('msg-1|RecordSent|3|0');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('msg-1|RecordSent|3|0')).toBe(a);
    expect(deterministicUuid('msg-1|RecordSent|3|1')).not.toBe(a);
  });
});
