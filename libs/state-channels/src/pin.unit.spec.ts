import { describe, expect, it } from '@jest/globals';
import { CHANNEL_ERRORS } from './errors.js';
import { parseSha256Pin } from './pin.js';

const hex = 'ab'.repeat(32);
const colons = Array.from({ length: 32 }, () => 'AB').join(':');

describe('parseSha256Pin', () => {
  it.each([
    ['plain hex', hex],
    ['upper-case colon-separated', colons],
    ['the line openssl prints', `sha256 Fingerprint=${colons}\n`],
  ])('reads %s', (_label, text) => {
    expect(parseSha256Pin(text)).toBe(hex);
  });

  it.each([['too short', 'abcd'], ['a SHA-1', 'ab'.repeat(20)], ['not hex', 'zz'.repeat(32)]])('refuses %s', (_label, text) => {
    expect(() => parseSha256Pin(text)).toThrow(CHANNEL_ERRORS.SERVER_PIN_INVALID);
  });
});
