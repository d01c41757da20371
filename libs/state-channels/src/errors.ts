/** Stable codes of what can go wrong on a channel to the State, before or during a POST. */
export const CHANNEL_ERRORS = {
  /** Neither a PEM pair nor a PKCS#12 bundle was configured, or both were. */
  CLIENT_CERT_CONFIG_INVALID: 'CHANNEL.CLIENT_CERT_CONFIG_INVALID',
  /** A certificate, key, bundle or passphrase file is missing or does not parse. */
  CLIENT_CERT_UNREADABLE: 'CHANNEL.CLIENT_CERT_UNREADABLE',
  /** The passphrase does not open the key or the PKCS#12 bundle (or one is needed and none was given). */
  CLIENT_CERT_PASSPHRASE_WRONG: 'CHANNEL.CLIENT_CERT_PASSPHRASE_WRONG',
  /** The private key is not the certificate's. */
  CLIENT_CERT_KEY_MISMATCH: 'CHANNEL.CLIENT_CERT_KEY_MISMATCH',
  /** The client certificate's validity has ended: nothing is sent with it. */
  CLIENT_CERT_EXPIRED: 'CHANNEL.CLIENT_CERT_EXPIRED',
  /** The client certificate's validity has not begun: nothing is sent with it. */
  CLIENT_CERT_NOT_YET_VALID: 'CHANNEL.CLIENT_CERT_NOT_YET_VALID',
  /** The server refused our client certificate (or its absence) in the TLS handshake. */
  CLIENT_CERT_REJECTED: 'CHANNEL.CLIENT_CERT_REJECTED',
  /** The configured pin is not a SHA-256 fingerprint. */
  SERVER_PIN_INVALID: 'CHANNEL.SERVER_PIN_INVALID',
  /** The server's certificate is not the pinned one: the handshake is cut before any byte of the request. */
  SERVER_PIN_MISMATCH: 'CHANNEL.SERVER_PIN_MISMATCH',
  /** The server's certificate chain does not verify against the trusted CAs, or names another host. */
  SERVER_CERT_UNTRUSTED: 'CHANNEL.SERVER_CERT_UNTRUSTED',
  /** The URL is not an https URL. */
  URL_INVALID: 'CHANNEL.URL_INVALID',
  /** No TCP connection or TLS session within the connect timeout. */
  CONNECT_TIMEOUT: 'CHANNEL.CONNECT_TIMEOUT',
  /** The connection could not be opened or broke (refused, reset, DNS). */
  CONNECTION_FAILED: 'CHANNEL.CONNECTION_FAILED',
  /** No complete answer within the total timeout. */
  TIMEOUT: 'CHANNEL.TIMEOUT',
} as const;

/** One of {@link CHANNEL_ERRORS}. */
export type ChannelErrorCode = (typeof CHANNEL_ERRORS)[keyof typeof CHANNEL_ERRORS];

/** A channel failure met while loading settings, with its stable code. */
export class ChannelError extends Error {
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'ChannelError';
  }
}

/** The `code` of a Node or OpenSSL error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The message of anything thrown (Node's own errors may come from another realm: no `instanceof`). */
export function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
}
