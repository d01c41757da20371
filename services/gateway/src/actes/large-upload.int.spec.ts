import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { acteMetadata, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

const MIB = 1024 * 1024;

let gw: TestGateway;
let small: TestGateway;
let token: string;
let smallToken: string;

beforeAll(async () => {
  gw = await startGateway();
  ({ token } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
  small = await startGateway({ settings: { maxUploadBytes: MIB } });
  ({ token: smallToken } = await small.issueToken('collectivite', await small.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
  await small.close();
});

/** Chunks staged by uploads still in progress. */
async function stagedChunks(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM blob_chunks WHERE sha256 LIKE 'upload:%'`);
  return rows[0]!.n;
}

interface Generated {
  readonly body: ReadableStream<Uint8Array>;
  readonly boundary: string;
  /** The document's sha256, known once the stream is done. */
  readonly sha256: Promise<string>;
}

/**
 * A multipart body whose document is `size` bytes made on the fly, 64 KiB at a time; after
 * `pauseAfter` bytes of the document it waits for `resumeWhen` before sending the rest.
 */
function generatedUpload(size: number, pauseAfter: number, resumeWhen: () => Promise<void>): Generated {
  const boundary = `relais${randomBytes(8).toString('hex')}`;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(acteMetadata({ numeroInterne: 'BIG_1' }))}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  let resolveHash: (value: string) => void = () => undefined;
  const sha256 = new Promise<string>((resolve) => {
    resolveHash = resolve;
  });
  let sent = 0;
  let paused = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    async pull(controller) {
      if (sent >= size) {
        controller.enqueue(tail);
        controller.close();
        resolveHash(hash.digest('hex'));
        return;
      }
      if (!paused && sent >= pauseAfter) {
        paused = true;
        await resumeWhen();
      }
      const chunk = new Uint8Array(Math.min(64 * 1024, size - sent)).fill(sent / (64 * 1024));
      hash.update(chunk);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { body, boundary, sha256 };
}

describe('large uploads', () => {
  it('streams a 30 MiB document into the blob store as it arrives: chunks are stored before the client has sent the rest', async () => {
    const size = 30 * MIB;
    let stagedWhilePaused = 0;
    const upload = generatedUpload(size, 10 * MIB, async () => {
      // The client holds the last 20 MiB back until the server has written chunks of the first 10:
      // a server that buffered the whole body before storing it would never get there.
      while ((stagedWhilePaused = await stagedChunks(gw.db.pool)) === 0) await sleep(20);
    });
    const response = await gw.call('/api/v1/actes', {
      method: 'POST',
      token,
      headers: { 'content-type': `multipart/form-data; boundary=${upload.boundary}` },
      body: upload.body,
      duplex: 'half',
    });
    expect(response.status).toBe(202);
    expect(stagedWhilePaused).toBeGreaterThan(0);
    const { id } = (await response.json()) as { id: string };
    const sha256 = await upload.sha256;

    const { rows } = await gw.db.pool.query<{ size: string }>('SELECT size FROM blobs WHERE sha256 = $1', [sha256]);
    expect(Number(rows[0]!.size)).toBe(size);
    const events = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
    const { items } = (await events.json()) as { items: { data: { submission: { document: unknown } } }[] };
    expect(items[0]!.data.submission.document).toEqual({ sha256, size, name: 'big.pdf', mediaType: 'application/pdf' });

    const file = await gw.call(`/api/v1/transmissions/${id}/files/${sha256}`, { token });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-length')).toBe(size.toString());
    const served = createHash('sha256');
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) served.update(chunk);
    expect(served.digest('hex')).toBe(sha256);
  });

  it('answers 413 REQUEST.UPLOAD_TOO_LARGE past the limit, and records and keeps nothing', async () => {
    const upload = generatedUpload(2 * MIB, Number.MAX_SAFE_INTEGER, () => Promise.resolve());
    const response = await small.call('/api/v1/actes', {
      method: 'POST',
      token: smallToken,
      headers: { 'content-type': `multipart/form-data; boundary=${upload.boundary}` },
      body: upload.body,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(await errorCodes(response)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);
    const events = await small.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'transmission-%'`);
    expect(events.rows[0]!.n).toBe(0);
    const blobs = await small.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM blobs');
    expect(blobs.rows[0]!.n).toBe(0);
    expect(await stagedChunks(small.db.pool)).toBe(0);
  });

  it('counts every file of a submission against the limit', async () => {
    const form = new FormData();
    form.append('metadata', JSON.stringify(acteMetadata()));
    form.append('document', new Blob([new Uint8Array(Math.floor(0.6 * MIB))]), 'doc.pdf');
    form.append('annexes', new Blob([new Uint8Array(Math.floor(0.6 * MIB)).fill(1)]), 'annexe.pdf');
    const response = await small.call('/api/v1/actes', { method: 'POST', token: smallToken, body: form });
    expect(response.status).toBe(413);
  });
});
