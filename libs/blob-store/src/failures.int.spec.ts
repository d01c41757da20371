import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestDatabase } from '@relais/testing';
import { migratedDatabase, piecesOf, sha256Of, tableCounts } from '../test/helpers.js';
import { EMPTY_SHA256, PostgresBlobStore } from './index.js';

let db: TestDatabase;
let store: PostgresBlobStore;
const nothing = { blobs: 0, chunks: 0, uploads: 0 };

beforeAll(async () => {
  db = await migratedDatabase();
  store = new PostgresBlobStore(db.pool, { chunkBytes: 1000 });
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE blobs, blob_chunks, blob_uploads');
});

afterAll(async () => {
  await db.drop();
});

describe('PostgresBlobStore failures', () => {
  it('stops reading past maxBytes with BLOB_STORE.TOO_LARGE, and leaves nothing', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        await Promise.resolve();
        yield randomBytes(700);
      }
    }
    await expect(store.put(endless(), { maxBytes: 5000 })).rejects.toMatchObject({ code: 'BLOB_STORE.TOO_LARGE', maxBytes: 5000 });
    expect(pulled).toBe(8);
    await expect(tableCounts(db.pool)).resolves.toEqual(nothing);
  });

  it('accepts content of exactly maxBytes', async () => {
    const content = randomBytes(5000);
    await expect(store.put(piecesOf(content, 1234), { maxBytes: 5000 })).resolves.toMatchObject({ size: 5000, created: true });
  });

  it('refuses content that does not hash to expectedSha256 with BLOB_STORE.HASH_MISMATCH, and stores nothing', async () => {
    const content = randomBytes(4321);
    await expect(store.put(piecesOf(content), { expectedSha256: EMPTY_SHA256 })).rejects.toMatchObject({
      code: 'BLOB_STORE.HASH_MISMATCH',
      expected: EMPTY_SHA256,
      actual: sha256Of(content),
    });
    await expect(tableCounts(db.pool)).resolves.toEqual(nothing);
    const put = await store.put(piecesOf(content), { expectedSha256: sha256Of(content).toUpperCase() });
    expect(put).toEqual({ sha256: sha256Of(content), size: 4321, created: true });
  });

  it('stores nothing when the source fails midway', async () => {
    const source = new Readable({ read() {} });
    source.push(randomBytes(2500));
    setImmediate(() => source.destroy(new Error('client went away')));
    await expect(store.put(source)).rejects.toThrow('client went away');
    await expect(tableCounts(db.pool)).resolves.toEqual(nothing);
  });

  it('refuses a source of strings with BLOB_STORE.INVALID_ARGUMENT, and stores nothing', async () => {
    await expect(store.put(Readable.from(['text']))).rejects.toMatchObject({ code: 'BLOB_STORE.INVALID_ARGUMENT' });
    await expect(tableCounts(db.pool)).resolves.toEqual(nothing);
  });

  it('answers BLOB_STORE.NOT_FOUND on get and null on stat for an absent blob', async () => {
    const absent = sha256Of(Buffer.from('absent'));
    await expect(store.get(absent)).rejects.toMatchObject({ code: 'BLOB_STORE.NOT_FOUND', sha256: absent });
    await expect(store.stat(absent)).resolves.toBeNull();
  });

  it('refuses a key that is not a sha256 with BLOB_STORE.INVALID_ARGUMENT', async () => {
    await expect(store.get('upload:0')).rejects.toMatchObject({ code: 'BLOB_STORE.INVALID_ARGUMENT' });
    await expect(store.stat('abc')).rejects.toMatchObject({ code: 'BLOB_STORE.INVALID_ARGUMENT' });
    await expect(store.put(piecesOf(Buffer.from('x')), { expectedSha256: 'x' })).rejects.toMatchObject({
      code: 'BLOB_STORE.INVALID_ARGUMENT',
    });
    await expect(tableCounts(db.pool)).resolves.toEqual(nothing);
  });

  it('fails a read with BLOB_STORE.CORRUPT when a chunk has gone missing', async () => {
    const put = await store.put(piecesOf(randomBytes(3000)));
    await db.pool.query('DELETE FROM blob_chunks WHERE sha256 = $1 AND seq = 1', [put.sha256]);
    const stream = await store.get(put.sha256);
    await expect(stream.toArray()).rejects.toMatchObject({ code: 'BLOB_STORE.CORRUPT', seq: 1 });
  });
});
