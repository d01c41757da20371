import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CHANNEL_ERRORS } from '../errors.js';
import { formatHostKeyPin, hostKeyFingerprint, hostKeyMatches, parseHostKeyPin } from './host-key-pin.js';

// The public key blob of an ed25519 host key, and its fingerprint as `ssh-keygen -lf` printed it.
const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOn4nQ8bP1Dh8B3Z1R5lJ7fKcXrJcN6tJqJxF0f3eP1s', 'base64');
const openssh = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
const hex = createHash('sha256').update(blob).digest('hex');

describe('parseHostKeyPin', () => {
  it.each([
    ['OpenSSH form', openssh],
    ['OpenSSH form with its padding', `${openssh}=`],
    ['the line ssh-keygen -lf prints', `256 ${openssh} root@host (ED25519)\n`],
    ['lower-case prefix', openssh.replace('SHA256', 'sha256')],
    ['plain hex', hex],
    ['upper-case colon-separated hex', hex.toUpperCase().replace(/(..)(?!$)/g, '$1:')],
  ])('reads %s', (_label, text) => {
    expect(parseHostKeyPin(text)).toBe(hex);
  });

  it.each([
    ['an MD5 fingerprint', `MD5:${'ab:'.repeat(15)}ab`],
    ['a truncated OpenSSH form', openssh.slice(0, -2)],
    ['a SHA-1 in hex', 'ab'.repeat(20)],
    ['nothing', ''],
  ])('refuses %s', (_label, text) => {
    expect(() => parseHostKeyPin(text)).toThrow(CHANNEL_ERRORS.SERVER_PIN_INVALID);
  });
});

describe('host key fingerprints', () => {
  it('writes a key’s fingerprint and a pin the way OpenSSH does', () => {
    expect(hostKeyFingerprint(blob)).toBe(openssh);
    expect(formatHostKeyPin(hex)).toBe(openssh);
  });

  it('matches the pinned key only', () => {
    expect(hostKeyMatches(blob, parseHostKeyPin(openssh))).toBe(true);
    expect(hostKeyMatches(Buffer.concat([blob, Buffer.from([0])]), hex)).toBe(false);
  });
});
