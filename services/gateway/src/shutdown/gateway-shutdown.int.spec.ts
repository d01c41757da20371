import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { acteMetadata, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

const MIB = 1024 * 1024;

/** Chunks staged by uploads still in progress: the server is reading the body. */
async function stagedChunks(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM blob_chunks WHERE sha256 LIKE 'upload:%'`);
  return rows[0]!.n;
}

async function transmissionEvents(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'transmission-%'`);
  return rows[0]!.n;
}

/** A multipart acte of `size` bytes whose body stops after its first MiB until `resume` resolves. */
function pausedUpload(numeroInterne: string, size: number, resume: Promise<void>): { body: ReadableStream<Uint8Array>; boundary: string } {
  const boundary = `relais${randomBytes(8).toString('hex')}`;
  const encoder = new TextEncoder();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(acteMetadata({ numeroInterne }))}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="long.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
      );
    },
    async pull(controller) {
      if (sent >= size) {
        controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      if (sent === 2 * MIB) await resume;
      const chunk = new Uint8Array(64 * 1024).fill(sent % 251);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { body, boundary };
}

/** A stop the way SIGTERM runs it (`stopOnSignals` closes the application), its phases left to run. */
function stop(gw: TestGateway): Promise<void> {
  return gw.app.close();
}

/** The first answer to `path` once the stop has begun; a request must never hang meanwhile. */
async function refusedWhileStopping(gw: TestGateway, token: string): Promise<Response> {
  for (;;) {
    const response = await gw.call('/api/v1/transmissions', { token, signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) return response;
    await response.body?.cancel();
    await sleep(20);
  }
}

describe('the gateway at shutdown', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    delete process.env.RELAIS_SHUTDOWN_TIMEOUT_MS;
  });

  /** A gateway this test stops itself: only its database and namespace are left to remove. */
  async function gateway(): Promise<{ gw: TestGateway; token: string }> {
    const gw = await startGateway();
    cleanups.push(async () => {
      await gw.db.drop();
      await gw.ns.cleanup();
    });
    const { token } = await gw.issueToken('collectivite', await gw.registerCollectivite());
    return { gw, token };
  }

  /** Starts a 4 MiB acte upload whose body pauses until `resume()`, once its first chunk is staged. */
  async function uploadInProgress(gw: TestGateway, token: string, numeroInterne: string): Promise<{ answer: Promise<Response>; resume: () => void }> {
    let resume: () => void = () => undefined;
    const upload = pausedUpload(numeroInterne, 4 * MIB, new Promise((resolve) => (resume = resolve)));
    const answer = gw.call('/api/v1/actes', {
      method: 'POST',
      token,
      headers: { 'content-type': `multipart/form-data; boundary=${upload.boundary}` },
      body: upload.body,
      duplex: 'half',
    });
    while ((await stagedChunks(gw.db.pool)) === 0) await sleep(20);
    return { answer, resume };
  }

  it('lets an upload in progress finish with 202 and its transmission recorded, and refuses new requests 503 SERVICE.SHUTTING_DOWN meanwhile', async () => {
    const { gw, token } = await gateway();
    const { answer, resume } = await uploadInProgress(gw, token, 'STOP_1');

    const stopped = stop(gw);
    const refused = await refusedWhileStopping(gw, token);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await errorCodes(refused)).toEqual(['SERVICE.SHUTTING_DOWN']);

    resume();
    const accepted = await answer;
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await stopped;
    const { rows } = await gw.db.pool.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1', [`transmission-${id}`]);
    expect(rows.map((r) => r.type)).toEqual([expect.stringMatching(/TransmissionReceived$/)]);
    // Once stopped, nothing answers: the connection is refused rather than left hanging.
    await expect(gw.call('/health', { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });

  it('past its grace cuts an upload that is still arriving: no answer, nothing recorded, and the stop ends', async () => {
    // A 1 s stop leaves the upload 0.5 s.
    process.env.RELAIS_SHUTDOWN_TIMEOUT_MS = '1000';
    const { gw, token } = await gateway();
    const { answer, resume } = await uploadInProgress(gw, token, 'STOP_2');

    await stop(gw);
    await expect(answer).rejects.toThrow();
    resume();
    expect(await transmissionEvents(gw.db.pool)).toBe(0);
  });
});
