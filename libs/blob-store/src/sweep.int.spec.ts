import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, piecesOf, tableCounts } from '../test/helpers.js';
import { PostgresBlobStore } from './index.js';
import { beginUpload, writeChunk } from './staging.js';

let db: TestDatabase;
let store: PostgresBlobStore;

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresBlobStore(db.pool, { chunkBytes: 1000 });
});

afterAll(async () => {
  await db.drop();
});

describe('sweepAbandonedUploads', () => {
  it('removes the uploads idle for longer than asked, with their chunks, and nothing else', async () => {
    const kept = await store.put(piecesOf(randomBytes(2500)));
    // What a process that died midway leaves behind.
    const abandoned = randomUUID();
    await beginUpload(db.pool, abandoned);
    await writeChunk(db.pool, abandoned, 0, randomBytes(1000));
    await writeChunk(db.pool, abandoned, 1, randomBytes(1000));
    await expect(tableCounts(db.pool)).resolves.toEqual({ blobs: 1, chunks: 5, uploads: 1 });

    await expect(store.sweepAbandonedUploads(60_000)).resolves.toBe(0);
    await sleep(20);
    await expect(store.sweepAbandonedUploads(10)).resolves.toBe(1);

    await expect(tableCounts(db.pool)).resolves.toEqual({ blobs: 1, chunks: 3, uploads: 0 });
    await expect(store.stat(kept.sha256)).resolves.toEqual({ size: 2500 });
  });

  it('fails an upload swept while it paused with BLOB_STORE.UPLOAD_ABANDONED, leaving nothing', async () => {
    const before = await tableCounts(db.pool);
    async function* stalling(): AsyncGenerator<Uint8Array> {
      yield randomBytes(1500);
      await sleep(20);
      await expect(store.sweepAbandonedUploads(10)).resolves.toBe(1);
      yield randomBytes(1500);
    }
    await expect(store.put(stalling())).rejects.toMatchObject({ code: 'BLOB_STORE.UPLOAD_ABANDONED' });
    await expect(tableCounts(db.pool)).resolves.toEqual(before);
  });
});
