import type { Readable } from 'node:stream';

/** What `put` stored, or found already stored. */
export interface PutResult {
  /** The content's sha256, 64 lowercase hex digits: its key in the store. */
  readonly sha256: string;
  /** Its length in bytes. */
  readonly size: number;
  /** false when the same content was stored already (by this call's predecessors or a concurrent one). */
  readonly created: boolean;
}

export interface PutOptions {
  /** Stop reading and fail with `BLOB_STORE.TOO_LARGE` as soon as the content passes this many bytes. */
  readonly maxBytes?: number;
  /** Fail with `BLOB_STORE.HASH_MISMATCH`, storing nothing, unless the content hashes to this. */
  readonly expectedSha256?: string;
}

export interface BlobStat {
  readonly size: number;
}

/**
 * Content-addressed file storage: a file goes in as a stream and is keyed by its sha256, so storing
 * the same bytes twice keeps one copy. Files never sit whole in memory, in either direction; events
 * carry `{sha256, size}`, never the bytes.
 */
export interface BlobStore {
  /**
   * Streams `source` into the store. Nothing is stored when it fails: `BLOB_STORE.TOO_LARGE`,
   * `BLOB_STORE.HASH_MISMATCH`, or the source's own error.
   */
  put(source: AsyncIterable<Uint8Array> | Readable, options?: PutOptions): Promise<PutResult>;
  /** The content, streamed chunk by chunk as the reader asks for it; `BLOB_STORE.NOT_FOUND` if absent. */
  get(sha256: string): Promise<Readable>;
  /** The blob's size, or null when it is not stored. */
  stat(sha256: string): Promise<BlobStat | null>;
}
