/**
 * The stable codes of the web pages and their sessions (API.md: every refusal carries a code). The
 * guard answers the first two on any route reached with the session cookie; the pages show their code
 * in `data-code` too.
 */
export const WebErrorCode = {
  /** The session cookie names no session, or one that ended (idle, too old, its token revoked or expired). */
  SessionEnded: 'AUTH.SESSION_ENDED',
  /** A cookie-authenticated request that changes something came from another origin (or said none). */
  CrossOrigin: 'AUTH.CROSS_ORIGIN',
  /** The sign-in form was sent without a token. */
  SigninTokenMissing: 'SIGNIN.TOKEN_MISSING',
  /** The sign-in form's token is unknown, revoked or expired. */
  SigninTokenRefused: 'SIGNIN.TOKEN_REFUSED',
  /** No such file among the dashboard's assets. */
  AssetNotFound: 'ASSET.NOT_FOUND',
} as const;

export type WebErrorCode = (typeof WebErrorCode)[keyof typeof WebErrorCode];
