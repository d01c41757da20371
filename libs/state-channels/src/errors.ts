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
  /** A secret file (a password, say) is missing, unreadable or empty. */
  SECRET_UNREADABLE: 'CHANNEL.SECRET_UNREADABLE',
  /** The IMAP server refused the username or password. */
  IMAP_AUTH_FAILED: 'CHANNEL.IMAP_AUTH_FAILED',
  /** No IMAP session could be opened (refused, reset, DNS, no greeting, the server said BYE). */
  IMAP_UNAVAILABLE: 'CHANNEL.IMAP_UNAVAILABLE',
  /** The IMAP session broke during a round: what was not yet moved is still in the inbox, for the next round. */
  IMAP_CONNECTION_LOST: 'CHANNEL.IMAP_CONNECTION_LOST',
  /** The IMAP server answered NO or BAD to a command (a mailbox it will not create or select, an APPEND it refuses). */
  IMAP_COMMAND_FAILED: 'CHANNEL.IMAP_COMMAND_FAILED',
  /** The inbox's UIDVALIDITY is not the one the UID was read under: the UID may name another message now. */
  IMAP_UIDVALIDITY_CHANGED: 'CHANNEL.IMAP_UIDVALIDITY_CHANGED',
  /** The SFTP private key file is missing, does not parse, or its passphrase does not open it. */
  SFTP_KEY_UNREADABLE: 'CHANNEL.SFTP_KEY_UNREADABLE',
  /** The SFTP server's host key is not the pinned one: refused before authenticating, nothing sent. */
  SFTP_HOST_KEY_MISMATCH: 'CHANNEL.SFTP_HOST_KEY_MISMATCH',
  /** The SFTP server did not accept our user name and key. */
  SFTP_AUTH_FAILED: 'CHANNEL.SFTP_AUTH_FAILED',
  /** A remote file name is not a plain name (empty, a `/` or a NUL, or a leading dot). */
  SFTP_NAME_INVALID: 'CHANNEL.SFTP_NAME_INVALID',
  /** Another file (of another size) already has the deposited file's name on the server. */
  SFTP_NAME_TAKEN: 'CHANNEL.SFTP_NAME_TAKEN',
  /** The body to deposit did not hold the announced number of bytes: nothing was published. */
  SFTP_SIZE_MISMATCH: 'CHANNEL.SFTP_SIZE_MISMATCH',
  /** The bytes to deposit could not be read from the caller's source: nothing was published. */
  SFTP_BODY_FAILED: 'CHANNEL.SFTP_BODY_FAILED',
  /** The SFTP server refused an operation (permission denied, no such file or directory, unsupported). */
  SFTP_REMOTE_REFUSED: 'CHANNEL.SFTP_REMOTE_REFUSED',
  /** The SFTP server failed an operation without saying why (disk full, I/O error): try later. */
  SFTP_REMOTE_FAILURE: 'CHANNEL.SFTP_REMOTE_FAILURE',
  /** A return file is larger than the reader accepts. */
  SFTP_RETURN_TOO_LARGE: 'CHANNEL.SFTP_RETURN_TOO_LARGE',
  /** A return file changed while it was read (still being written): read it again on the next round. */
  SFTP_RETURN_CHANGED: 'CHANNEL.SFTP_RETURN_CHANGED',
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
