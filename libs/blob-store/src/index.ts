/**
 * Content-addressed (sha256) storage for the files Relais carries (actes PDFs, PES XML): streamed in
 * and out in chunks, never held whole in memory, stored once however often it is sent. Events carry
 * the `{sha256, size}` a `put` returns, never the bytes. `BlobStore` is the interface; PostgreSQL
 * (`PostgresBlobStore`, after `migrateBlobStore`) is the default implementation.
 */
export type { BlobStat, BlobStore, PutOptions, PutResult } from './blob-store.js';
export { PostgresBlobStore, type PostgresBlobStoreOptions } from './postgres-blob-store.js';
export { migrateBlobStore } from './migrations/migrate.js';
export { EMPTY_SHA256, normalizeSha256 } from './sha256.js';
export {
  BlobCorruptError,
  BlobHashMismatchError,
  BlobNotFoundError,
  BlobStoreError,
  BlobTooLargeError,
  InvalidBlobArgumentError,
  UploadAbandonedError,
} from './errors.js';
