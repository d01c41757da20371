import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { EMPTY_SHA256, normalizeSha256 } from './sha256.js';

describe('normalizeSha256', () => {
  it('keys blobs by 64 lowercase hex digits, whatever the case it was given in', () => {
    expect(normalizeSha256(EMPTY_SHA256.toUpperCase())).toBe(EMPTY_SHA256);
  });

  it.each(['', 'abc', `${EMPTY_SHA256}0`, `upload:${'0'.repeat(36)}`, EMPTY_SHA256.replace('e', 'g')])(
    'refuses %j with BLOB_STORE.INVALID_ARGUMENT',
    (value) => {
      expect(() => normalizeSha256(value)).toThrow(expect.objectContaining({ code: 'BLOB_STORE.INVALID_ARGUMENT' }));
    },
  );

  it('names the empty file by the sha256 of no bytes', () => {
    expect(createHash('sha256').digest('hex')).toBe(EMPTY_SHA256);
  });
});
