import { createConnection } from 'node:net';
import { errorCode, FILE_CHECK_ERRORS, FILE_CODES, FileCheckError, messageOf } from '../file-checks.errors.js';
import { DEFAULT_CHUNK_BYTES, END_OF_STREAM, INSTREAM_COMMAND, instreamFrames, parseScanAnswer, PING_COMMAND } from './clamd.protocol.js';

/** Where clamd listens: its `TCPSocket`/`TCPAddr`, or its `LocalSocket`. */
export type ClamdAddress = { readonly host: string; readonly port: number } | { readonly socketPath: string };

/** How to reach clamd and how long to wait for it. */
export interface ClamdScannerOptions {
  readonly address: ClamdAddress;
  /** To open the connection (default 5 s). */
  readonly connectTimeoutMs?: number;
  /**
   * The longest silence allowed once connected: clamd reading nothing while we send, or saying nothing
   * while it scans after the last chunk (default 120 s, clamd's own default `MaxScanTime`).
   */
  readonly timeoutMs?: number;
  /** The largest INSTREAM chunk written at once (default 64 KiB). */
  readonly chunkBytes?: number;
  /**
   * clamd's `StreamMaxLength`, in bytes. When set, a longer file is refused here with
   * `FILE_CHECK.ANTIVIRUS_SIZE_LIMIT` before it reaches the daemon. Without it the daemon's own
   * refusal is relied on, which it sends just before closing the connection: when that close breaks
   * a write first, the answer is lost and the refusal can only be reported as a hang-up (see
   * {@link ClamdScanner.scan}).
   */
  readonly streamMaxLength?: number;
}

/** The antivirus's verdict on a file. Failures to get one are thrown as {@link FileCheckError}, never returned. */
export type ScanResult =
  | { readonly verdict: 'clean' }
  | { readonly verdict: 'infected'; readonly signature: string; readonly code: typeof FILE_CODES.VIRUS_FOUND };

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 120_000;
/** How a write fails when the daemon has closed its end. */
const HANG_UPS = new Set(['EPIPE', 'ECONNRESET']);

/**
 * An antivirus check through a ClamAV daemon (clamd), over TCP or a unix socket. A file is streamed
 * with INSTREAM in chunks of at most {@link ClamdScannerOptions.chunkBytes}, waiting for the socket to
 * drain between them, so memory stays flat whatever the file's size. One connection per call.
 */
export class ClamdScanner {
  private readonly connectTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly chunkBytes: number;

  constructor(private readonly options: ClamdScannerOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /**
   * For health checks: `PING`, expecting `PONG`.
   * @throws FileCheckError `FILE_CHECK.ANTIVIRUS_UNAVAILABLE`
   */
  async ping(): Promise<void> {
    const conversation = this.open();
    try {
      await conversation.write(PING_COMMAND);
      const answer = (await conversation.answer).replace(/\0[\s\S]*$/, '').trim();
      if (answer !== 'PONG') throw new FileCheckError(FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE, `clamd at ${this.where()} answered "${answer}" to PING`);
    } finally {
      conversation.close();
    }
  }

  /**
   * Scans `input` (the bytes, or a stream of them) and returns clamd's verdict.
   * @throws FileCheckError `FILE_CHECK.ANTIVIRUS_UNAVAILABLE` (no daemon, connection lost, timeout),
   *   `FILE_CHECK.ANTIVIRUS_SIZE_LIMIT` (longer than {@link ClamdScannerOptions.streamMaxLength}, or
   *   clamd said it is longer than its own), `FILE_CHECK.ANTIVIRUS_FAILED`. A daemon that hangs up in
   *   the middle of the file without an answer we could read is `ANTIVIRUS_UNAVAILABLE`, its message
   *   saying how many bytes it took.
   * @throws whatever `input` throws while it is read; the connection is then closed
   */
  async scan(input: Uint8Array | AsyncIterable<Uint8Array>): Promise<ScanResult> {
    const limit = this.options.streamMaxLength;
    if (limit !== undefined && input instanceof Uint8Array && input.byteLength > limit) throw this.tooLong(`the file is ${input.byteLength} bytes`, limit);
    const conversation = this.open();
    let sent = 0;
    let ended = false;
    try {
      send: if (await conversation.write(INSTREAM_COMMAND)) {
        for await (const piece of input instanceof Uint8Array ? [input] : input) {
          for (const { header, slice } of instreamFrames(piece, this.chunkBytes)) {
            if (limit !== undefined && sent + slice.byteLength > limit) throw this.tooLong(`the file is longer than ${limit} bytes`, limit);
            // The daemon answered before the end (its size limit): stop sending and read why.
            if (!(await conversation.write(header)) || !(await conversation.write(slice))) break send;
            sent += slice.byteLength;
          }
        }
        ended = await conversation.write(END_OF_STREAM);
      }
      return this.verdictOf(await conversation.answer, sent);
    } catch (error) {
      if (!ended && sent > 0 && error instanceof FileCheckError && error.code === FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE && HANG_UPS.has(errorCode(error.cause) ?? '')) {
        throw new FileCheckError(
          FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE,
          `clamd at ${this.where()} closed the connection after ${sent} bytes of the file, before its end: the file is over its StreamMaxLength ` +
            '(set streamMaxLength to tell for sure), or the daemon stopped',
          { cause: error },
        );
      }
      throw error;
    } finally {
      conversation.close();
    }
  }

  private tooLong(what: string, limit: number): FileCheckError {
    return new FileCheckError(FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT, `${what}, over the ${limit} bytes clamd at ${this.where()} accepts (its StreamMaxLength)`);
  }

  private verdictOf(raw: string, sent: number): ScanResult {
    const answer = parseScanAnswer(raw);
    switch (answer.kind) {
      case 'clean':
        return { verdict: 'clean' };
      case 'infected':
        return { verdict: 'infected', signature: answer.signature, code: FILE_CODES.VIRUS_FOUND };
      case 'size-limit':
        throw new FileCheckError(
          FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT,
          `clamd at ${this.where()} refused the file after ${sent} bytes ("${answer.answer}"): its StreamMaxLength is lower than the file’s size`,
        );
      case 'error':
        throw new FileCheckError(FILE_CHECK_ERRORS.ANTIVIRUS_FAILED, `clamd at ${this.where()} could not scan the file: "${answer.answer}"`);
      case 'unexpected':
        throw new FileCheckError(FILE_CHECK_ERRORS.ANTIVIRUS_FAILED, `clamd at ${this.where()} gave an answer that is not a scan result: "${answer.answer}"`);
      default: {
        const never: never = answer;
        throw new Error(`unknown answer ${JSON.stringify(never)}`);
      }
    }
  }

  private where(): string {
    const { address } = this.options;
    return 'socketPath' in address ? address.socketPath : `${address.host}:${address.port}`;
  }

  /** A connection whose answer is the bytes received up to clamd's NUL (or its closing the connection). */
  private open(): Conversation {
    const { address } = this.options;
    const socket = 'socketPath' in address ? createConnection({ path: address.socketPath }) : createConnection({ host: address.host, port: address.port });
    socket.setTimeout(this.connectTimeoutMs);
    socket.once('connect', () => socket.setTimeout(this.timeoutMs));

    const received: Buffer[] = [];
    let finished = false;
    let drainWaiters: (() => void)[] = [];
    let settle: { resolve: (answer: string) => void; reject: (error: Error) => void } | undefined;
    const answer = new Promise<string>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Marked handled here: a scan whose input throws never awaits the answer.
    answer.catch(() => undefined);

    const unavailable = (why: string, cause?: unknown): FileCheckError =>
      new FileCheckError(FILE_CHECK_ERRORS.ANTIVIRUS_UNAVAILABLE, `clamd at ${this.where()}: ${why}`, { cause });
    const finish = (outcome: { answer: string } | { error: Error }): void => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if ('answer' in outcome) settle?.resolve(outcome.answer);
      else settle?.reject(outcome.error);
      for (const wake of drainWaiters) wake();
      drainWaiters = [];
    };
    const answerSoFar = (): string | undefined => (received.length === 0 ? undefined : Buffer.concat(received).toString('latin1'));

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (chunk.includes(0)) finish({ answer: Buffer.concat(received).toString('latin1') });
    });
    socket.on('end', () => {
      const soFar = answerSoFar();
      finish(soFar === undefined ? { error: unavailable('the daemon closed the connection without answering') } : { answer: soFar });
    });
    socket.on('close', () => {
      const soFar = answerSoFar();
      finish(soFar === undefined ? { error: unavailable('the connection closed without an answer') } : { answer: soFar });
    });
    socket.on('error', (error) => {
      // Writing after clamd answered and hung up (EPIPE, ECONNRESET) is expected: its answer stands.
      const soFar = answerSoFar();
      finish(soFar === undefined ? { error: unavailable(`${errorCode(error) ?? 'connection failed'} (${messageOf(error)})`, error) } : { answer: soFar });
    });
    socket.on('timeout', () => {
      finish({
        error: unavailable(socket.connecting ? `no connection within ${this.connectTimeoutMs} ms` : `no progress within ${this.timeoutMs} ms`),
      });
    });
    socket.on('drain', () => {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const wake of waiters) wake();
    });

    return {
      answer,
      write: async (bytes) => {
        if (finished) return false;
        if (!socket.write(bytes)) await new Promise<void>((wake) => drainWaiters.push(wake));
        // Let the event loop read before the next write: clamd answers a stream over its limit and
        // closes at once, and a write that then fails (EPIPE) destroys the socket, answer unread.
        // Measured against clamd 1.4: half the refusals lost without this pause, a fifth with it.
        else await new Promise((resolve) => setImmediate(resolve));
        return !finished;
      },
      close: () => {
        finish({ error: unavailable('the connection was closed before an answer') });
      },
    };
  }
}

/** One exchange with clamd. */
interface Conversation {
  /** clamd's answer, as text up to and with its NUL; rejects with `FILE_CHECK.ANTIVIRUS_UNAVAILABLE`. */
  readonly answer: Promise<string>;
  /** Sends bytes, waiting for the socket to drain; false once clamd has answered or the connection is gone. */
  write(bytes: Uint8Array): Promise<boolean>;
  /** Closes the connection (its answer, if not yet there, becomes a failure). */
  close(): void;
}
