import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../errors/api-error.js';
import { fanOutRequest, type BodyConsumer } from './request-fan-out.js';

const KIB = 1024;

/** A request body fed by hand: `complete` once ended, as Node's own. */
function body(): { request: IncomingMessage; stream: PassThrough } {
  const stream = new PassThrough();
  const request = Object.assign(stream, { complete: false });
  stream.on('end', () => {
    request.complete = true;
  });
  return { request: request as unknown as IncomingMessage, stream };
}

const collect: BodyConsumer<Buffer> = async (source) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
};

describe('fanOutRequest', () => {
  it('hands every chunk to every consumer, in order', async () => {
    const { request, stream } = body();
    const done = fanOutRequest(request, { maxBytes: 1024 * KIB }, collect, async (source) => {
      let n = 0;
      for await (const chunk of source) n += chunk.byteLength;
      return n;
    });
    const sent = Buffer.from(Array.from({ length: 300 * KIB }, (_, i) => i % 251));
    for (let at = 0; at < sent.length; at += 7 * KIB) stream.write(sent.subarray(at, at + 7 * KIB));
    stream.end();
    const [bytes, count] = await done;
    expect(bytes.equals(sent)).toBe(true);
    expect(count).toBe(sent.length);
  });

  it('reads no faster than the slowest consumer: about highWaterMark bytes wait for it, not the body', async () => {
    const { request, stream } = body();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fastGot = 0;
    const done = fanOutRequest(
      request,
      { maxBytes: 10 * 1024 * KIB, highWaterMark: 64 * KIB },
      async (source) => {
        for await (const chunk of source) fastGot += chunk.byteLength;
        return fastGot;
      },
      async (source) => {
        await released;
        let n = 0;
        for await (const chunk of source) n += chunk.byteLength;
        return n;
      },
    );
    const chunk = Buffer.alloc(16 * KIB, 1);
    let written = 0;
    // Write as a well-behaved client does, while the stream takes more; the slow consumer holds back the rest.
    for (let taken = true; taken && written < 4 * 1024 * KIB; ) {
      taken = stream.write(chunk);
      written += chunk.length;
    }
    for (let i = 0; i < 20; i++) await nextTurn();
    expect(fastGot).toBeLessThanOrEqual(64 * KIB + 16 * KIB + stream.readableHighWaterMark);
    expect(written).toBeLessThan(4 * 1024 * KIB);
    release();
    const rest = async (): Promise<void> => {
      while (written < 4 * 1024 * KIB) {
        if (!stream.write(chunk)) await new Promise((drained) => stream.once('drain', drained));
        written += chunk.length;
      }
      stream.end();
    };
    const [[fast, slow]] = await Promise.all([done, rest()]);
    expect([fast, slow]).toEqual([written, written]);
  });

  it('fails every other consumer with the first failure, and rejects with it once all settled', async () => {
    const { request, stream } = body();
    const refusal = new Error('DOCTYPE');
    let otherSaw: unknown;
    const done = fanOutRequest(
      request,
      { maxBytes: 1024 * KIB },
      async (source) => {
        try {
          await collect(source);
        } catch (error) {
          otherSaw = error;
          throw error;
        }
      },
      async (source) => {
        for await (const chunk of source) if (Buffer.from(chunk).toString('latin1').includes('DOCTYPE')) throw refusal;
      },
    );
    stream.write('<?xml version="1.0"?>\n');
    stream.write('<!DOCTYPE x>\n');
    await expect(done).rejects.toBe(refusal);
    expect(otherSaw).toBe(refusal);
    // The rest of the body is not read: it is the error filter's to drain.
    expect(stream.isPaused()).toBe(true);
  });

  it('refuses a body past maxBytes with 413, and a client gone before the end with 400', async () => {
    const big = body();
    const tooLarge = fanOutRequest(big.request, { maxBytes: 10 * KIB }, collect);
    big.stream.write(Buffer.alloc(8 * KIB));
    big.stream.write(Buffer.alloc(8 * KIB));
    await expect(tooLarge).rejects.toMatchObject({ status: 413, errors: [{ code: 'REQUEST.UPLOAD_TOO_LARGE' }] });

    const gone = body();
    const aborted = fanOutRequest(gone.request, { maxBytes: 10 * KIB }, collect);
    gone.stream.write('<?xml');
    gone.stream.destroy();
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, errors: [{ code: 'REQUEST.ABORTED' }] });
  });
});
