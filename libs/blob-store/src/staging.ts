import { withTransaction } from '@relais/event-store';
import type pg from 'pg';
import { UploadAbandonedError } from './errors.js';

// Each statement here is its own short transaction: an upload never keeps a transaction open while
// it waits on its client, since the oldest open transaction of the cluster holds back every reader
// of the event log.

/** The key chunk rows carry while their upload is in progress. */
function stagingKey(uploadId: string): string {
  return `upload:${uploadId}`;
}

/** Registers an upload, so that `sweepAbandoned` finds its chunks if it is never finished. */
export async function beginUpload(pool: pg.Pool, uploadId: string): Promise<void> {
  await pool.query('INSERT INTO blob_uploads (upload_id) VALUES ($1)', [uploadId]);
}

/**
 * Stages one chunk and marks the upload as alive, in one statement: a sweep that removed the upload
 * first leaves nothing to mark, and the chunk is refused.
 */
export async function writeChunk(pool: pg.Pool, uploadId: string, seq: number, data: Uint8Array): Promise<void> {
  const result = await pool.query(
    `WITH alive AS (UPDATE blob_uploads SET touched_at = now() WHERE upload_id = $1 RETURNING upload_id)
     INSERT INTO blob_chunks (sha256, seq, data) SELECT $2, $3::int, $4::bytea FROM alive`,
    [uploadId, stagingKey(uploadId), seq, data],
  );
  if (result.rowCount !== 1) throw new UploadAbandonedError(uploadId);
}

export interface CompletedUpload {
  readonly sha256: string;
  readonly size: number;
  readonly chunkCount: number;
}

/**
 * One `put` in progress. It is registered in `blob_uploads` with its first chunk rather than up front,
 * so that `put` starts reading its source (and listening for its errors) before awaiting anything.
 */
export class StagedUpload {
  private begun = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly uploadId: string,
  ) {}

  async write(seq: number, data: Uint8Array): Promise<void> {
    await this.begin();
    await writeChunk(this.pool, this.uploadId, seq, data);
  }

  /**
   * Files the staged chunks under their sha256, atomically; when that content is stored already (or
   * a concurrent upload of it commits first: the INSERT waits for it), drops them instead. Returns
   * whether this upload created the blob.
   */
  async commit(blob: CompletedUpload): Promise<boolean> {
    // The empty file has no chunk, hence nothing registered yet.
    await this.begin();
    return withTransaction(this.pool, async (client) => {
      const claimed = await client.query('DELETE FROM blob_uploads WHERE upload_id = $1', [this.uploadId]);
      if (claimed.rowCount !== 1) throw new UploadAbandonedError(this.uploadId);
      const inserted = await client.query(
        'INSERT INTO blobs (sha256, size, chunk_count) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING',
        [blob.sha256, blob.size, blob.chunkCount],
      );
      const created = inserted.rowCount === 1;
      const key = stagingKey(this.uploadId);
      if (created) {
        await client.query('UPDATE blob_chunks SET sha256 = $1 WHERE sha256 = $2', [blob.sha256, key]);
      } else {
        await client.query('DELETE FROM blob_chunks WHERE sha256 = $1', [key]);
      }
      return created;
    });
  }

  /** Removes a failed upload with whatever it staged. */
  async discard(): Promise<void> {
    if (!this.begun) return;
    await withTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM blob_uploads WHERE upload_id = $1', [this.uploadId]);
      await client.query('DELETE FROM blob_chunks WHERE sha256 = $1', [stagingKey(this.uploadId)]);
    });
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    await beginUpload(this.pool, this.uploadId);
    this.begun = true;
  }
}

/** Removes the uploads idle for more than `olderThanMs` with their chunks; returns how many. */
export async function sweepAbandoned(pool: pg.Pool, olderThanMs: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ upload_id: string }>(
      `DELETE FROM blob_uploads WHERE touched_at < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING upload_id`,
      [olderThanMs],
    );
    if (rows.length > 0) {
      await client.query('DELETE FROM blob_chunks WHERE sha256 = ANY($1::text[])', [rows.map((r) => stagingKey(r.upload_id))]);
    }
    return rows.length;
  });
}
