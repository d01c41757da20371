import { createHash } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';

/**
 * A TLS `checkServerIdentity` that, after Node's own name check, demands that the server's leaf
 * certificate have the SHA-256 `pin` (64 lower-case hex digits, see `parseSha256Pin`). It runs once the
 * chain verified and before the session is up: on a mismatch the handshake ends and not one IMAP byte
 * (the login least of all) is sent.
 */
export function pinnedServerCheck(pin: string): (hostname: string, cert: PeerCertificate) => Error | undefined {
  return (hostname, cert) => {
    const nameError = checkServerIdentity(hostname, cert);
    if (nameError !== undefined) return nameError;
    const actual = createHash('sha256').update(cert.raw).digest('hex');
    if (actual === pin) return undefined;
    return new ChannelError(CHANNEL_ERRORS.SERVER_PIN_MISMATCH, `the server certificate ${String(cert.subject.CN)} has SHA-256 ${actual}, not the pinned ${pin}`);
  };
}
