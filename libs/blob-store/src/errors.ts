/**
 * Base of every error this library throws on purpose. `code` is stable: callers map it to an HTTP
 * status or a retry decision at their edge, never by matching the message.
 */
export abstract class BlobStoreError extends Error {
  abstract readonly code: string;
}

/** No blob is stored under this sha256. */
export class BlobNotFoundError extends BlobStoreError {
  readonly code = 'BLOB_STORE.NOT_FOUND';
  constructor(readonly sha256: string) {
    super(`No blob ${sha256}`);
    this.name = 'BlobNotFoundError';
  }
}

/** The source grew past `maxBytes`; reading stopped there and nothing was stored. */
export class BlobTooLargeError extends BlobStoreError {
  readonly code = 'BLOB_STORE.TOO_LARGE';
  constructor(readonly maxBytes: number) {
    super(`The content is larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** The content does not hash to the `expectedSha256` the caller announced; nothing was stored. */
export class BlobHashMismatchError extends BlobStoreError {
  readonly code = 'BLOB_STORE.HASH_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Expected sha256 ${expected}, the content hashes to ${actual}`);
    this.name = 'BlobHashMismatchError';
  }
}

/** A malformed argument (a sha256 that is not 64 hex digits, a negative limit, a string chunk…). */
export class InvalidBlobArgumentError extends BlobStoreError {
  readonly code = 'BLOB_STORE.INVALID_ARGUMENT';
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidBlobArgumentError';
  }
}

/**
 * The upload sat idle long enough for `sweepAbandonedUploads` to remove its staged chunks; nothing
 * was stored, and the caller may start again.
 */
export class UploadAbandonedError extends BlobStoreError {
  readonly code = 'BLOB_STORE.UPLOAD_ABANDONED';
  constructor(readonly uploadId: string) {
    super(`Upload ${uploadId} was swept as abandoned`);
    this.name = 'UploadAbandonedError';
  }
}

/** A stored blob lacks one of its chunks: the database was altered behind the store's back. */
export class BlobCorruptError extends BlobStoreError {
  readonly code = 'BLOB_STORE.CORRUPT';
  constructor(
    readonly sha256: string,
    readonly seq: number,
  ) {
    super(`Blob ${sha256} has no chunk ${seq}`);
    this.name = 'BlobCorruptError';
  }
}
