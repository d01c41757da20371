import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import type pg from 'pg';
import { migrateBlobStore } from '../src/index.js';

/** A fresh migrated database for one test file. */
export async function migratedDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('relais_blob');
  await migrateBlobStore(db.pool);
  return db;
}

/** `content` handed out in pieces of `pieceBytes`, as a socket would. */
export async function* piecesOf(content: Uint8Array, pieceBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < content.byteLength; offset += pieceBytes) {
    await Promise.resolve();
    yield content.subarray(offset, offset + pieceBytes);
  }
}

/** A random stream of `totalBytes` generated on the fly; `sha256()` is its hash once it has been read. */
export function randomStream(
  totalBytes: number,
  onPiece: (bytesSoFar: number) => void = () => undefined,
  pieceBytes = 64 * 1024,
): { source: AsyncGenerator<Uint8Array>; sha256(): string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let sent = 0; sent < totalBytes; ) {
      const piece = randomBytes(Math.min(pieceBytes, totalBytes - sent));
      hash.update(piece);
      sent += piece.byteLength;
      onPiece(sent);
      await Promise.resolve();
      yield piece;
    }
    digest = hash.digest('hex');
  }
  return {
    source: source(),
    sha256: () => {
      if (digest === undefined) throw new Error('The stream has not been read to its end');
      return digest;
    },
  };
}

/** Reads `stream` to its end: its sha256 and byte count, calling `onPiece` with the running total. */
export async function digestOf(stream: Readable, onPiece: (bytesSoFar: number) => void = () => undefined): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of stream) {
    const bytes = piece as Buffer;
    hash.update(bytes);
    size += bytes.byteLength;
    onPiece(size);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Reads `stream` whole (small test contents only). */
export async function bytesOf(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

export function sha256Of(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Row counts of every blob store table. */
export async function tableCounts(pool: pg.Pool): Promise<{ blobs: number; chunks: number; uploads: number }> {
  const { rows } = await pool.query<{ blobs: number; chunks: number; uploads: number }>(
    `SELECT (SELECT count(*)::int FROM blobs) AS blobs, (SELECT count(*)::int FROM blob_chunks) AS chunks,
            (SELECT count(*)::int FROM blob_uploads) AS uploads`,
  );
  return rows[0]!;
}

setFlagsFromString('--expose-gc');
// Otherwise freed Buffers still count in `arrayBuffers` for a while after gc() returns.
setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = runInNewContext('gc') as () => void;

/**
 * Tracks the most memory the process held alive (JavaScript heap plus Buffers, after a full
 * collection, so that garbage waiting to be collected does not count) above where it started.
 */
export class LiveMemoryPeak {
  private readonly baseline = LiveMemoryPeak.live();
  private peak = 0;

  sample(): void {
    this.peak = Math.max(this.peak, LiveMemoryPeak.live() - this.baseline);
  }

  get bytes(): number {
    return this.peak;
  }

  private static live(): number {
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  }
}

/** Calls `sample` about once per `everyBytes` of a running byte count. */
export function every(everyBytes: number, sample: () => void): (bytesSoFar: number) => void {
  let next = everyBytes;
  return (bytesSoFar) => {
    if (bytesSoFar >= next) {
      next += everyBytes;
      sample();
    }
  };
}
