import { outcomeOfError } from '../channel-outcome.js';
import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf } from '../errors.js';

/** When an IMAP failure happened: opening the session, or on a session that was open. */
export type ImapPhase = 'connect' | 'command';

/** imapflow's codes for a connection that is gone or never came. */
const GONE = new Set(['NoConnection', 'EConnectionClosed', 'StateLogout', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ETIMEOUT']);
const CONNECT_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

/**
 * Sorts what imapflow (or Node's TLS under it) threw into a {@link ChannelError} with a stable code.
 * `what` says what was being done (`move message 12 to Traites`); `lost` that the session had already
 * broken when the error came, whatever the error says.
 */
export function imapFailure(error: unknown, what: string, phase: ImapPhase, lost = false): ChannelError {
  const channelError = findChannelError(error);
  if (channelError !== undefined) return channelError;
  const code = errorCode(error) ?? '';
  const detail = describe(error);
  if (isAuthenticationFailure(error)) return new ChannelError(CHANNEL_ERRORS.IMAP_AUTH_FAILED, `${what}: the server refused the username or password (${detail})`, { cause: error });
  const outcome = outcomeOfError(error);
  if (outcome.kind !== 'taken' && outcome.code === CHANNEL_ERRORS.SERVER_CERT_UNTRUSTED) return new ChannelError(outcome.code, `${what}: the server's certificate is not trusted (${detail})`, { cause: error });
  if (CONNECT_TIMEOUTS.has(code)) return new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, `${what}: no IMAP session within the connect timeout (${detail})`, { cause: error });
  if (phase === 'connect') return new ChannelError(CHANNEL_ERRORS.IMAP_UNAVAILABLE, `${what}: no IMAP session (${detail})`, { cause: error });
  if (lost || GONE.has(code)) return connectionLost(what, detail, error);
  return new ChannelError(CHANNEL_ERRORS.IMAP_COMMAND_FAILED, `${what}: ${detail}`, { cause: error });
}

/** The session broke under a command: nothing after the break was done. */
export function connectionLost(what: string, detail: string, cause?: unknown): ChannelError {
  return new ChannelError(CHANNEL_ERRORS.IMAP_CONNECTION_LOST, `${what}: the IMAP session broke (${detail}); the messages not yet moved stay in the inbox for the next round`, { cause });
}

/** Our own error (a pin mismatch raised in the handshake), wherever imapflow wrapped it. */
function findChannelError(error: unknown): ChannelError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof ChannelError) return current;
    const wrapper: { _err?: unknown; cause?: unknown } = current;
    current = wrapper._err ?? wrapper.cause;
  }
  return undefined;
}

function isAuthenticationFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields: { authenticationFailed?: unknown; serverResponseCode?: unknown } = error;
  return fields.authenticationFailed === true || fields.serverResponseCode === 'AUTHENTICATIONFAILED';
}

/** The error's code and message, and the server's own words when it answered NO or BAD. */
function describe(error: unknown): string {
  const code = errorCode(error);
  const fields: { responseStatus?: unknown; responseText?: unknown } = typeof error === 'object' && error !== null ? error : {};
  const answer = typeof fields.responseStatus === 'string' && typeof fields.responseText === 'string' ? `: server said ${fields.responseStatus} ${fields.responseText}` : '';
  return `${code === undefined ? '' : `${code} `}${messageOf(error)}${answer}`;
}
