/**
 * Every stable code the gateway itself answers with (API.md: each 4xx body is
 * `{errors: [{code, message, field?}]}`). Codes of the libraries (`TRANSMISSION.*`,
 * `COLLECTIVITE.ALREADY_REGISTERED`, `TRANSMISSIONS.INVALID_*`, the `PES.*` of a PES file refused at
 * once) pass through unchanged.
 */
export const GatewayErrorCode = {
  MissingToken: 'AUTH.MISSING_TOKEN',
  InvalidToken: 'AUTH.INVALID_TOKEN',
  Forbidden: 'AUTH.FORBIDDEN',
  RateLimited: 'AUTH.RATE_LIMITED',
  /** Too many refused tokens from this client address (guessing, or a client stuck on a revoked token): retry after Retry-After. */
  TooManyFailures: 'AUTH.TOO_MANY_FAILURES',
  NotMultipart: 'REQUEST.NOT_MULTIPART',
  MalformedMultipart: 'REQUEST.MALFORMED_MULTIPART',
  MissingMetadata: 'REQUEST.MISSING_METADATA',
  MetadataNotJson: 'REQUEST.METADATA_NOT_JSON',
  MetadataTooLarge: 'REQUEST.METADATA_TOO_LARGE',
  DuplicatePart: 'REQUEST.DUPLICATE_PART',
  PartNotAFile: 'REQUEST.PART_NOT_A_FILE',
  ClientAborted: 'REQUEST.ABORTED',
  MissingDocument: 'REQUEST.MISSING_DOCUMENT',
  SignatureUnmatched: 'REQUEST.SIGNATURE_UNMATCHED',
  TooManyParts: 'REQUEST.TOO_MANY_PARTS',
  UploadTooLarge: 'REQUEST.UPLOAD_TOO_LARGE',
  BodyTooLarge: 'REQUEST.BODY_TOO_LARGE',
  HeadersTooLarge: 'REQUEST.HEADERS_TOO_LARGE',
  FileNameTooLong: 'REQUEST.FILE_NAME_TOO_LONG',
  /** Every slot of an expensive kind of work is taken, or too many requests wait for the database: retry after Retry-After. */
  Overloaded: 'SERVICE.OVERLOADED',
  /** The database or the broker cannot be reached (or gave no connection in time): retry after Retry-After. */
  Unavailable: 'SERVICE.UNAVAILABLE',
  /** The gateway is stopping (SIGTERM): a new request is refused at once, with `Connection: close`. */
  ShuttingDown: 'SERVICE.SHUTTING_DOWN',
  DeadLetterNotFound: 'DEAD_LETTER.NOT_FOUND',
  DeadLetterAlreadyRetried: 'DEAD_LETTER.ALREADY_RETRIED',
  InvalidJson: 'REQUEST.INVALID_JSON',
  InvalidBody: 'REQUEST.INVALID_BODY',
  InvalidQuery: 'REQUEST.INVALID_QUERY',
  TooManyPoints: 'STATS.TOO_MANY_POINTS',
  InvalidIdempotencyKey: 'REQUEST.INVALID_IDEMPOTENCY_KEY',
  IdempotencyInProgress: 'IDEMPOTENCY.IN_PROGRESS',
  InvalidMetadata: 'METADATA.INVALID',
  MissingField: 'METADATA.MISSING_FIELD',
  InvalidType: 'METADATA.INVALID_TYPE',
  UnknownNature: 'METADATA.UNKNOWN_NATURE',
  AnnexesTypePJMismatch: 'METADATA.ANNEXES_TYPEPJ_MISMATCH',
  CollectiviteNotFound: 'COLLECTIVITE.NOT_FOUND',
  TokenNotFound: 'TOKEN.NOT_FOUND',
  SirenRequired: 'TOKEN.SIREN_REQUIRED',
  SirenNotAllowed: 'TOKEN.SIREN_NOT_ALLOWED',
  ExpiryInPast: 'TOKEN.EXPIRY_IN_PAST',
  TokenNotActive: 'TOKEN.NOT_ACTIVE',
  UserNotFound: 'USER.NOT_FOUND',
  UserEmailTaken: 'USER.EMAIL_TAKEN',
  UserDisabled: 'USER.DISABLED',
  NotCollectiviteAdmin: 'AUTH.NOT_COLLECTIVITE_ADMIN',
  /** A per-person call (`/api/v1/users/me/…`) with a token issued to no named user (403). */
  NotAUser: 'AUTH.NOT_A_USER',
  /** `statuses[i]` of the notice preferences is no transmission status (422). */
  NoticeUnknownStatus: 'NOTICES.UNKNOWN_STATUS',
  /** `messageTypes[i]` of the notice preferences is no message type of the préfecture (422). */
  NoticeUnknownMessageType: 'NOTICES.UNKNOWN_MESSAGE_TYPE',
  /** No group of collectivités with this id (404 on its path, 422 naming `groupId` in a user's body). */
  GroupNotFound: 'GROUP.NOT_FOUND',
  /** Only a collectivité's user (of their own body's SIREN) administers a group. */
  GroupCollectiviteOnly: 'GROUP.COLLECTIVITE_ONLY',
  TokenAlreadyRotated: 'TOKEN.ALREADY_ROTATED',
  FileNotFound: 'FILE.NOT_FOUND',
  PesRetourNotFound: 'PES_RETOUR.NOT_FOUND',
  RouteNotFound: 'ROUTE.NOT_FOUND',
  MethodNotAllowed: 'ROUTE.METHOD_NOT_ALLOWED',
  UnsupportedMediaType: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  BadRequest: 'REQUEST.BAD_REQUEST',
  Internal: 'INTERNAL.ERROR',
} as const;

/** One of the gateway's codes. */
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];
