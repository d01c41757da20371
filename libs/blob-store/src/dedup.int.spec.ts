import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tolerateDrop, type TestDatabase } from '@relais/testing';
import pg from 'pg';
import { bytesOf, migratedDatabase, piecesOf, sha256Of, tableCounts } from '../test/helpers.js';
import { PostgresBlobStore } from './index.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await migratedDatabase();
});

afterAll(async () => {
  await db.drop();
});

describe('PostgresBlobStore deduplication', () => {
  it('stores the same content once: the second put answers created false', async () => {
    const store = new PostgresBlobStore(db.pool, { chunkBytes: 64 * 1024 });
    const content = randomBytes(200_000);
    const first = await store.put(piecesOf(content));
    const before = await tableCounts(db.pool);
    const second = await store.put(piecesOf(content, 7_000));
    expect(first).toEqual({ sha256: sha256Of(content), size: 200_000, created: true });
    expect(second).toEqual({ ...first, created: false });
    expect(before).toEqual({ blobs: 1, chunks: 4, uploads: 0 });
    await expect(tableCounts(db.pool)).resolves.toEqual(before);
  });

  it('ends concurrent puts of the same content, from several processes, with one blob and no error', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const pools = Array.from({ length: 4 }, () => tolerateDrop(new pg.Pool({ connectionString: db.url, max: 2 })));
    try {
      const results = await Promise.all(
        pools.flatMap((pool) => {
          const store = new PostgresBlobStore(pool, { chunkBytes: 256 * 1024 });
          return [store.put(piecesOf(content)), store.put(piecesOf(content, 100_000))];
        }),
      );
      expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256Of(content)]));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM blob_chunks WHERE sha256 = $1', [
        sha256Of(content),
      ]);
      expect(rows[0]!.count).toBe(13);
      await expect(tableCounts(db.pool)).resolves.toEqual({ blobs: 2, chunks: 4 + 13, uploads: 0 });
      const stored = await bytesOf(await new PostgresBlobStore(db.pool).get(sha256Of(content)));
      expect(stored.equals(content)).toBe(true);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
