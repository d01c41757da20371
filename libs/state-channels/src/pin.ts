import { CHANNEL_ERRORS, ChannelError } from './errors.js';

/**
 * Reads a SHA-256 pin of a certificate's DER as an operator writes it: plain hex, colon-separated,
 * or the whole line `openssl x509 -fingerprint -sha256` prints (`sha256 Fingerprint=AB:CD:…`).
 * Returns 64 lower-case hex digits.
 */
export function parseSha256Pin(text: string): string {
  const value = text.includes('=') ? text.slice(text.lastIndexOf('=') + 1) : text;
  const hex = value.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new ChannelError(CHANNEL_ERRORS.SERVER_PIN_INVALID, 'the server pin must be the SHA-256 fingerprint of its certificate (64 hex digits)');
  }
  return hex;
}

