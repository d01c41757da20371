import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';

/** One reader of the body: given it as an async iterable of chunks, resolves to what it made of it. */
export type BodyConsumer<T> = (source: AsyncIterable<Uint8Array>) => Promise<T>;

type Results<C extends readonly BodyConsumer<unknown>[]> = { -readonly [K in keyof C]: C[K] extends BodyConsumer<infer R> ? R : never };

/** Bounds of {@link fanOutRequest}. */
export interface FanOutLimits {
  /** The body's most bytes: past them, 413 REQUEST.UPLOAD_TOO_LARGE. */
  readonly maxBytes: number;
  /** Bytes that may wait for any one consumer before the body is paused (default 1 MiB). */
  readonly highWaterMark?: number;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * One consumer's view of the body: the chunks not yet taken, at most about `highWaterMark` bytes of
 * them. A failure is thrown at the reader's next step, chunks still waiting or not.
 */
class Branch implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private ended = false;
  /** The consumer stopped reading (returned, or threw): what comes next is dropped. */
  private left = false;
  private failure: Error | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly highWaterMark: number) {}

  /** Queues a chunk; false once `highWaterMark` bytes wait for this consumer. */
  push(chunk: Uint8Array): boolean {
    if (this.left) return true;
    this.queue.push(chunk);
    this.queued += chunk.byteLength;
    this.wakeReader?.();
    return this.queued < this.highWaterMark;
  }

  end(): void {
    this.ended = true;
    this.wakeReader?.();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.wakeReader?.();
    this.wakeWriter?.();
  }

  /** Resolves once fewer than `highWaterMark` bytes wait, the consumer left, or the branch failed. */
  drained(): Promise<void> {
    if (this.left || this.failure !== undefined || this.queued < this.highWaterMark) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeWriter = () => {
        this.wakeWriter = undefined;
        resolve();
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.failure !== undefined) throw this.failure;
        const chunk = this.queue.shift();
        if (chunk !== undefined) {
          this.queued -= chunk.byteLength;
          if (this.queued < this.highWaterMark) this.wakeWriter?.();
          yield chunk;
        } else if (this.ended) {
          return;
        } else {
          await new Promise<void>((resolve) => {
            this.wakeReader = () => {
              this.wakeReader = undefined;
              resolve();
            };
          });
        }
      }
    } finally {
      this.left = true;
      this.queue.length = 0;
      this.queued = 0;
      this.wakeWriter?.();
    }
  }
}

/**
 * Hands a request body to several consumers at once, chunk by chunk as it arrives (a PES file goes to
 * the blob store and to the PES reader in one pass): the body is read only as fast as the slowest
 * consumer takes it, so memory stays at about `highWaterMark` per consumer whatever its size. Past
 * `maxBytes` it is refused (413). The first failure (a consumer's, the limit, the client going away)
 * stops the reading and fails every other consumer's source with that same error, and is what this
 * rejects with, once every consumer has settled; the rest of the body is left to the error filter's
 * drain. Resolves to each consumer's result, in order.
 */
export function fanOutRequest<C extends readonly BodyConsumer<unknown>[]>(request: IncomingMessage, limits: FanOutLimits, ...consumers: C): Promise<Results<C>> {
  const branches = consumers.map(() => new Branch(limits.highWaterMark ?? DEFAULT_HIGH_WATER_MARK));
  let failure: Error | undefined;
  let total = 0;

  const detach = (): void => {
    request.off('data', onData);
    request.off('end', onEnd);
    request.off('error', onError);
    request.off('close', onClose);
  };
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error instanceof Error ? error : new Error(String(error));
    detach();
    request.pause();
    for (const branch of branches) branch.fail(failure);
  };
  function onData(chunk: Buffer): void {
    total += chunk.byteLength;
    if (total > limits.maxBytes) {
      fail(ApiError.of(413, GatewayErrorCode.UploadTooLarge, `The file exceeds ${limits.maxBytes} bytes`));
      return;
    }
    const full = branches.map((branch) => !branch.push(chunk)).some(Boolean);
    if (!full) return;
    request.pause();
    void Promise.all(branches.map((branch) => branch.drained())).then(() => {
      if (failure === undefined) request.resume();
    });
  }
  function onEnd(): void {
    detach();
    for (const branch of branches) branch.end();
  }
  function onError(error: Error): void {
    fail(ApiError.of(400, GatewayErrorCode.ClientAborted, `The request broke off: ${error.message}`));
  }
  function onClose(): void {
    if (!request.complete) fail(ApiError.of(400, GatewayErrorCode.ClientAborted, 'The client went away before the end of the body'));
  }

  const runs = consumers.map(async (consume, i) => {
    try {
      return await consume(branches[i] as Branch);
    } catch (error) {
      fail(error);
      throw error;
    }
  });
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onError);
  request.on('close', onClose);
  return Promise.allSettled(runs).then((settled) => {
    if (failure !== undefined) throw failure;
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as Results<C>;
  });
}
