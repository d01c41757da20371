import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { BlobStat, BlobStore, PutOptions, PutResult } from './blob-store.js';
import { BlobCorruptError, BlobNotFoundError, BlobTooLargeError, BlobHashMismatchError, InvalidBlobArgumentError } from './errors.js';
import { normalizeSha256 } from './sha256.js';
import { StagedUpload, sweepAbandoned } from './staging.js';

export interface PostgresBlobStoreOptions {
  /** Bytes per stored chunk, the most `put` and `get` hold at once; 1 MiB by default. */
  readonly chunkBytes?: number;
}

const MIB = 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * MIB;

/**
 * bytea as a Buffer whatever the application did to pg's global parsers. Read in hex (the text
 * format): pg 8.23 decodes binary-format results as UTF-8 text, which mangles bytes.
 */
const byteaAsBuffer: pg.CustomTypesConfig = {
  getTypeParser: (() => (text: string) => Buffer.from(text.slice(2), 'hex')) as pg.CustomTypesConfig['getTypeParser'],
};

/** PostgreSQL's oid of bytea. */
const BYTEA = 17;

/** bytea as a Buffer (as {@link byteaAsBuffer}), every other column as the text PostgreSQL sent. */
const byteaAsBufferOthersAsText: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number) => (text: string) => (oid === BYTEA ? Buffer.from(text.slice(2), 'hex') : text)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The PostgreSQL `BlobStore` (run `migrateBlobStore` first). `put` hashes and writes chunk by chunk,
 * each chunk in its own short statement under a staging key, then files the chunks under the sha256
 * in one short transaction; `get` reads one chunk per query, when the reader wants more.
 */
export class PostgresBlobStore implements BlobStore {
  private readonly chunkBytes: number;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresBlobStoreOptions = {},
  ) {
    const chunkBytes = options.chunkBytes ?? MIB;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new InvalidBlobArgumentError(`chunkBytes must be an integer from 1 to ${MAX_CHUNK_BYTES}: ${chunkBytes}`);
    }
    this.chunkBytes = chunkBytes;
  }

  async put(source: AsyncIterable<Uint8Array> | Readable, options: PutOptions = {}): Promise<PutResult> {
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new InvalidBlobArgumentError(`maxBytes must be a non-negative integer: ${maxBytes}`);
    }
    const expected = options.expectedSha256 === undefined ? undefined : normalizeSha256(options.expectedSha256);
    const upload = new StagedUpload(this.pool, randomUUID());
    try {
      const hash = createHash('sha256');
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      let filled = 0;
      let size = 0;
      let chunkCount = 0;
      // Iterating starts before anything is awaited, so that the source's errors always have a listener.
      // A Readable yields whatever it was fed; only bytes are accepted.
      for await (const piece of source as AsyncIterable<unknown>) {
        if (!(piece instanceof Uint8Array)) throw new InvalidBlobArgumentError('The source must yield bytes (Uint8Array)');
        size += piece.byteLength;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(piece);
        for (let offset = 0; offset < piece.byteLength; ) {
          const n = Math.min(this.chunkBytes - filled, piece.byteLength - offset);
          chunk.set(piece.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === this.chunkBytes) {
            // Awaited before the buffer is refilled: pg has sent it by then.
            await upload.write(chunkCount++, chunk);
            filled = 0;
          }
        }
      }
      const sha256 = hash.digest('hex');
      if (chunkCount === 0) {
        // Nothing staged: the whole content is in hand (most files are under a chunk), and one
        // statement files it, atomically, with no staging to clean up after a crash.
        if (expected !== undefined && sha256 !== expected) throw new BlobHashMismatchError(expected, sha256);
        return { sha256, size, created: await putWhole(this.pool, sha256, chunk.subarray(0, filled)) };
      }
      if (filled > 0) await upload.write(chunkCount++, chunk.subarray(0, filled));
      if (expected !== undefined && sha256 !== expected) throw new BlobHashMismatchError(expected, sha256);
      const created = await upload.commit({ sha256, size, chunkCount });
      return { sha256, size, created };
    } catch (error) {
      // Best effort: what a broken connection leaves behind, sweepAbandonedUploads removes.
      await upload.discard().catch(() => undefined);
      throw error;
    }
  }

  async get(sha256: string): Promise<Readable> {
    const key = normalizeSha256(sha256);
    // The first chunk comes with the count: a blob of one chunk (most) is one round trip.
    const { rows } = await this.pool.query<{ chunk_count: string; data: Buffer | null }>({
      text: `SELECT b.chunk_count, c.data FROM blobs b
               LEFT JOIN blob_chunks c ON c.sha256 = b.sha256 AND c.seq = 0
              WHERE b.sha256 = $1`,
      values: [key],
      types: byteaAsBufferOthersAsText,
    });
    const row = rows[0];
    if (row === undefined) throw new BlobNotFoundError(key);
    const chunkCount = Number(row.chunk_count);
    // highWaterMark 1: the next chunk is fetched only once the reader has taken the previous one.
    return Readable.from(this.chunks(key, chunkCount, row.data), { objectMode: false, highWaterMark: 1 });
  }

  async stat(sha256: string): Promise<BlobStat | null> {
    const { rows } = await this.pool.query<{ size: string }>('SELECT size FROM blobs WHERE sha256 = $1', [normalizeSha256(sha256)]);
    const row = rows[0];
    return row === undefined ? null : { size: Number(row.size) };
  }

  /**
   * Removes the uploads that wrote nothing for `olderThanMs` milliseconds (their process died, or its
   * connection did before it could clean up), with their staged chunks; returns how many. Choose a
   * delay well above the longest pause between two chunks of a live upload: one swept while alive
   * fails with `BLOB_STORE.UPLOAD_ABANDONED`.
   */
  sweepAbandonedUploads(olderThanMs: number): Promise<number> {
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
      throw new InvalidBlobArgumentError(`olderThanMs must be a non-negative number: ${olderThanMs}`);
    }
    return sweepAbandoned(this.pool, olderThanMs);
  }

  private async *chunks(sha256: string, chunkCount: number, first: Buffer | null): AsyncGenerator<Buffer> {
    if (chunkCount === 0) return;
    if (first === null) throw new BlobCorruptError(sha256, 0);
    yield first;
    for (let seq = 1; seq < chunkCount; seq++) {
      const { rows } = await this.pool.query<{ data: Buffer }>({
        text: 'SELECT data FROM blob_chunks WHERE sha256 = $1 AND seq = $2',
        values: [sha256, seq],
        types: byteaAsBuffer,
      });
      const data = rows[0]?.data;
      if (data === undefined) throw new BlobCorruptError(sha256, seq);
      yield data;
    }
  }
}

/**
 * Files a blob of at most one chunk in one statement (its own transaction): the blob's row and its
 * chunk, or nothing when that content is stored already (a concurrent put of it waits on the unique
 * index, then finds it). Returns whether this call created it.
 */
async function putWhole(pool: pg.Pool, sha256: string, data: Buffer): Promise<boolean> {
  const { rows } = await pool.query<{ created: boolean }>(
    `WITH blob AS (
       INSERT INTO blobs (sha256, size, chunk_count) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING RETURNING sha256
     ), chunk AS (
       INSERT INTO blob_chunks (sha256, seq, data) SELECT sha256, 0, $4::bytea FROM blob WHERE $3 > 0
     )
     SELECT EXISTS (SELECT 1 FROM blob) AS created`,
    [sha256, data.byteLength, data.byteLength > 0 ? 1 : 0, data],
  );
  return rows[0]?.created === true;
}
