import { createHash } from 'node:crypto';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';

/** `SHA256:` and the unpadded base64 of 32 bytes, as OpenSSH prints a host key's fingerprint. */
const OPENSSH_FORM = /(?:^|\s)SHA256:([A-Za-z0-9+/]{43})=?(?:\s|$)/i;

/**
 * Reads the pin of an SSH server's host key, as an operator copies it: OpenSSH's `SHA256:<base64>`
 * (alone, or the whole line `ssh-keygen -lf key.pub` prints: `256 SHA256:… comment (ED25519)`), or
 * 64 hex digits, colon-separated or not. Returns the SHA-256 of the key as 64 lower-case hex digits.
 * Throws `CHANNEL.SERVER_PIN_INVALID` for anything else (an MD5 fingerprint among them).
 */
export function parseHostKeyPin(text: string): string {
  const openssh = OPENSSH_FORM.exec(text.trim());
  if (openssh?.[1] !== undefined) return Buffer.from(openssh[1], 'base64').toString('hex');
  const hex = text.trim().replace(/:/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return hex;
  throw new ChannelError(
    CHANNEL_ERRORS.SERVER_PIN_INVALID,
    'the SFTP host key pin must be its SHA-256 fingerprint: `SHA256:<base64>` as `ssh-keygen -lf` prints it, or 64 hex digits',
  );
}

/** The SHA-256 fingerprint of a host key (its public key blob, as sent in the SSH handshake), in OpenSSH's form. */
export function hostKeyFingerprint(keyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** A pin as {@link parseHostKeyPin} returns it, written in OpenSSH's `SHA256:<base64>` form for messages. */
export function formatHostKeyPin(pinHex: string): string {
  return `SHA256:${Buffer.from(pinHex, 'hex').toString('base64').replace(/=+$/, '')}`;
}

/** Whether a host key (its public key blob) is the one pinned by `pinHex`, as {@link parseHostKeyPin} returns it. */
export function hostKeyMatches(keyBlob: Uint8Array, pinHex: string): boolean {
  return createHash('sha256').update(keyBlob).digest('hex') === pinHex;
}
