import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { bytesOf, digestOf, every, LiveMemoryPeak, migratedDatabase, piecesOf, randomStream, sha256Of, tableCounts } from '../test/helpers.js';
import { EMPTY_SHA256, migrateBlobStore, PostgresBlobStore } from './index.js';

const MIB = 1024 * 1024;
let db: TestDatabase;

beforeAll(async () => {
  db = await migratedDatabase();
});

afterAll(async () => {
  await db.drop();
});

describe('PostgresBlobStore round trip', () => {
  it('streams 20 MiB in and out, holding far less than the file in memory', async () => {
    const store = new PostgresBlobStore(db.pool);
    const size = 20 * MIB;
    const memory = new LiveMemoryPeak();
    const sample = (): void => {
      memory.sample();
    };

    const upload = randomStream(size, every(MIB, sample));
    const put = await store.put(upload.source);
    expect(put).toEqual({ sha256: upload.sha256(), size, created: true });
    await expect(tableCounts(db.pool)).resolves.toEqual({ blobs: 1, chunks: 20, uploads: 0 });

    const read = await digestOf(await store.get(put.sha256), every(MIB, sample));
    expect(read).toEqual({ sha256: upload.sha256(), size });
    expect(memory.bytes).toBeLessThan(size / 2);
  }, 180_000); // seconds alone; minutes on a CI machine busy with every other test file

  it('keeps bytes in order across chunk boundaries, whatever the piece sizes', async () => {
    const store = new PostgresBlobStore(db.pool, { chunkBytes: 1000 });
    const content = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 7) % 256));
    const put = await store.put(piecesOf(content, 333));
    expect(put).toEqual({ sha256: sha256Of(content), size: 10_007, created: true });
    await expect(store.stat(put.sha256)).resolves.toEqual({ size: 10_007 });
    expect((await bytesOf(await store.get(put.sha256))).equals(content)).toBe(true);
  });

  it('stores the empty file under the sha256 of nothing, with no chunk', async () => {
    const store = new PostgresBlobStore(db.pool);
    const before = await tableCounts(db.pool);
    const put = await store.put(piecesOf(new Uint8Array(0)));
    expect(put).toEqual({ sha256: EMPTY_SHA256, size: 0, created: true });
    await expect(tableCounts(db.pool)).resolves.toEqual({ ...before, blobs: before.blobs + 1 });
    await expect(store.stat(EMPTY_SHA256)).resolves.toEqual({ size: 0 });
    expect((await bytesOf(await store.get(EMPTY_SHA256))).byteLength).toBe(0);
  });

  it('accepts a sha256 in capitals, and migrating again changes nothing', async () => {
    await migrateBlobStore(db.pool);
    const store = new PostgresBlobStore(db.pool);
    await expect(store.stat(EMPTY_SHA256.toUpperCase())).resolves.toEqual({ size: 0 });
  });
});
