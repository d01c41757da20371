import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf, type ChannelErrorCode } from '../errors.js';

/**
 * What became of one deposit on the DGFiP's SFTP server, sorted as the transmitter sorts its attempts
 * (the `refused` and `unavailable` cases have the shape of a `ChannelOutcome`).
 */
export type SftpDepositOutcome =
  /** The complete file is in the deposit directory under its name; `alreadyThere` for a resend of a file already deposited. */
  | { readonly kind: 'taken'; readonly remotePath: string; readonly alreadyThere: boolean; readonly reason: string }
  /** Refused for good: the same file would be refused again, or a fault only an operator can mend (key, host key pin, permissions). */
  | { readonly kind: 'refused'; readonly code?: ChannelErrorCode; readonly reason: string }
  /** Try again later: no connection, no answer in time, the connection lost, a server failure. Only a `.part` may be left. */
  | { readonly kind: 'unavailable'; readonly code?: ChannelErrorCode; readonly reason: string };

/** SFTP status codes (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). */
export const SFTP_STATUS = { NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, OP_UNSUPPORTED: 8 } as const;

/** Statuses by which a server refuses what is asked of it: asking again will not change its mind. */
const REFUSING_STATUSES = new Set<number>([SFTP_STATUS.NO_SUCH_FILE, SFTP_STATUS.PERMISSION_DENIED, SFTP_STATUS.OP_UNSUPPORTED]);

/** Codes of failures that may pass: the transmitter tries again later. */
const TRANSIENT_CODES = new Set<ChannelErrorCode>([
  CHANNEL_ERRORS.CONNECT_TIMEOUT,
  CHANNEL_ERRORS.CONNECTION_FAILED,
  CHANNEL_ERRORS.TIMEOUT,
  CHANNEL_ERRORS.SFTP_REMOTE_FAILURE,
  CHANNEL_ERRORS.SFTP_BODY_FAILED,
  CHANNEL_ERRORS.SFTP_RETURN_CHANGED,
]);

/** The SFTP status code of a failed request, if the server answered with one (ssh2 puts it in `code`). */
export function sftpStatusOf(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The {@link ChannelError} of a failed SFTP request `what` (`WRITE /depot/x.part`, say) to `where`: a
 * status the server answered (refused or failed), or no answer at all because the connection was lost
 * (ssh2 then fails every pending request with "No response from server").
 */
export function requestFailure(what: string, where: string, error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const status = sftpStatusOf(error);
  if (status === undefined) {
    return new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `the connection to ${where} was lost during ${what} (${messageOf(error)})`, { cause: error });
  }
  const code = REFUSING_STATUSES.has(status) ? CHANNEL_ERRORS.SFTP_REMOTE_REFUSED : CHANNEL_ERRORS.SFTP_REMOTE_FAILURE;
  return new ChannelError(code, `${where} answered ${what} with status ${status} (${messageOf(error)})`, { cause: error });
}

/**
 * The {@link ChannelError} of a failed connection to `where`. `presentedHostKey` is the fingerprint of
 * the host key the server showed when it was not the pinned one: ssh2 then only says "Host denied".
 */
export function connectFailure(error: unknown, where: string, presentedHostKey: string | undefined, pinnedHostKey: string): ChannelError {
  if (error instanceof ChannelError) return error;
  if (presentedHostKey !== undefined) {
    return new ChannelError(
      CHANNEL_ERRORS.SFTP_HOST_KEY_MISMATCH,
      `${where} presented the host key ${presentedHostKey}, not the pinned ${pinnedHostKey}: nothing was sent to it`,
      { cause: error },
    );
  }
  const level = typeof error === 'object' && error !== null && 'level' in error ? error.level : undefined;
  if (level === 'client-authentication') {
    return new ChannelError(CHANNEL_ERRORS.SFTP_AUTH_FAILED, `${where} did not accept the user and key (${messageOf(error)})`, { cause: error });
  }
  if (level === 'client-timeout') {
    return new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, `no SSH session with ${where} in time (${messageOf(error)})`, { cause: error });
  }
  const code = errorCode(error);
  return new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `cannot connect to ${where} (${code === undefined ? '' : `${code} `}${messageOf(error)})`, { cause: error });
}

/** Whether `error` says the connection was lost or could not be made (rather than a refusal or a timeout). */
export function isConnectionLoss(error: unknown): boolean {
  return error instanceof ChannelError && error.code === CHANNEL_ERRORS.CONNECTION_FAILED;
}

/** Sorts the failure of a deposit into an {@link SftpDepositOutcome}: refused or unavailable. */
export function depositOutcomeOf(error: unknown): SftpDepositOutcome {
  if (error instanceof ChannelError) {
    return { kind: TRANSIENT_CODES.has(error.code) ? 'unavailable' : 'refused', code: error.code, reason: error.message };
  }
  // A fault of ours rather than of the channel: tried again later, and seen in the reason.
  return { kind: 'unavailable', reason: `unexpected failure: ${messageOf(error)}` };
}
