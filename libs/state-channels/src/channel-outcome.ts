import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf, type ChannelErrorCode } from './errors.js';

/**
 * What became of one POST to the State's server, sorted as the transmitter sorts its attempts:
 * taken (2xx), refused for good (the same bytes would be refused again), or unavailable (try later).
 */
export type ChannelOutcome =
  /** The server took the archive (2xx); `body` is the start of its answer. */
  | { readonly kind: 'taken'; readonly status: number; readonly reason: string; readonly body: string }
  /** Refused for good: a 4xx other than 408/425/429, or a channel fault only an operator can fix. */
  | { readonly kind: 'refused'; readonly status?: number; readonly code?: ChannelErrorCode; readonly reason: string }
  /** Try again later: no connection, no answer in time, a 5xx, 408, 425 or 429. */
  | { readonly kind: 'unavailable'; readonly status?: number; readonly code?: ChannelErrorCode; readonly reason: string };

/** Statuses of a 4xx answer that speak of the moment, not of the archive. */
const TRANSIENT_CLIENT_STATUSES = new Set([408, 425, 429]);

/** Sorts an HTTP answer into a {@link ChannelOutcome}; `body` is its (bounded) text. */
export function outcomeOfResponse(status: number, body: string): ChannelOutcome {
  const text = body.trim().replace(/\s+/g, ' ').slice(0, 200);
  const reason = `HTTP ${status}${text === '' ? '' : `: ${text}`}`;
  if (status >= 200 && status < 300) return { kind: 'taken', status, reason, body };
  if (status >= 500 || TRANSIENT_CLIENT_STATUSES.has(status)) return { kind: 'unavailable', status, reason };
  return { kind: 'refused', status, reason };
}

/** OpenSSL verdicts on the server's chain or name: the server is not the one we trust. */
const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS alerts by which a server says it will not take our client certificate (or its absence). */
const CLIENT_CERT_ALERTS = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);

/**
 * Sorts a failure of the connection into a {@link ChannelOutcome}. A certificate matter on either
 * side is refused (retrying cannot mend it, an operator must); anything else on the wire is unavailable.
 */
export function outcomeOfError(error: unknown): ChannelOutcome {
  if (error instanceof ChannelError) {
    const transient: ChannelErrorCode[] = [CHANNEL_ERRORS.CONNECT_TIMEOUT, CHANNEL_ERRORS.TIMEOUT, CHANNEL_ERRORS.CONNECTION_FAILED];
    return { kind: transient.includes(error.code) ? 'unavailable' : 'refused', code: error.code, reason: error.message };
  }
  const code = errorCode(error) ?? '';
  const detail = `${code === '' ? '' : `${code} `}${messageOf(error)}`;
  if (UNTRUSTED_SERVER.has(code)) {
    return { kind: 'refused', code: CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED, reason: `${CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED}: ${detail}` };
  }
  if (CLIENT_CERT_ALERTS.has(code)) {
    return { kind: 'refused', code: CHANNEL_ERRORS.CLIENT_CERT_REJECTED, reason: `${CHANNEL_ERRORS.CLIENT_CERT_REJECTED}: ${detail}` };
  }
  return { kind: 'unavailable', code: CHANNEL_ERRORS.CONNECTION_FAILED, reason: `${CHANNEL_ERRORS.CONNECTION_FAILED}: ${detail}` };
}
