import { createGunzip, type Gunzip } from 'node:zlib';

/** Why a PJ's `Contenu/Fichier` cannot be read back into the original file. */
export type PjContentProblem =
  /** No content at all (whitespace only, or a self-closing `Fichier`). */
  | 'empty'
  /** A character outside the base64 alphabet, misplaced padding, or a length that is not a multiple of 4. */
  | 'base64'
  /** The decoded bytes are not a complete gzip stream (bad header, corrupt data, CRC or length mismatch, cut short). */
  | 'gzip'
  /** Markup (an element, a comment, a CDATA section) inside `Fichier`, where only base64 text belongs. */
  | 'markup'
  /** The original file is larger than the reader's `maxInflatedPjBytes`: a decompression bomb is not inflated to the end. */
  | 'too_large';

/** What the verification of one PJ's content found: `problem` is set when the content is not usable. */
export interface PjContentVerdict {
  readonly ok: boolean;
  readonly problem?: PjContentProblem;
  /** Size of the original file, once gunzipped (up to where the verification stopped). */
  readonly inflatedBytes: number;
}

// XML whitespace, which base64Binary allows anywhere between characters.
const WHITESPACE = /[ \t\r\n]+/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * Checks one PJ's base64-of-gzip content as it streams past: the text is given piece by piece
 * ({@link push}), decoded in groups of four characters and fed to a gunzip stream whose output is only
 * counted, never kept. Memory stays at one piece plus zlib's window, whatever the PJ's size.
 */
export class PjContentVerification {
  private readonly gunzip: Gunzip;
  private rest = '';
  private padded = false;
  private decodedBytes = 0;
  private inflated = 0;
  private problem: PjContentProblem | undefined;
  private ended = false;
  private readonly done: Promise<void>;

  constructor(private readonly maxInflatedBytes: number) {
    this.gunzip = createGunzip();
    this.gunzip.on('data', (chunk: Buffer) => {
      this.inflated += chunk.length;
      if (this.inflated > this.maxInflatedBytes) this.stop('too_large');
    });
    this.done = new Promise((resolve) => {
      this.gunzip.once('end', resolve);
      this.gunzip.once('close', resolve);
      this.gunzip.once('error', () => {
        this.problem ??= 'gzip';
        resolve();
      });
    });
  }

  /** Feeds the next piece of `Fichier`'s text. */
  push(text: string): void {
    if (this.problem !== undefined) return;
    const compact = text.replace(WHITESPACE, '');
    if (compact.length === 0) return;
    if (this.padded) {
      this.stop('base64');
      return;
    }
    let body = this.rest + compact;
    const padAt = body.indexOf('=');
    if (padAt !== -1) {
      const padding = body.slice(padAt);
      if (!/^={1,2}$/.test(padding) || body.length % 4 !== 0) {
        this.stop('base64');
        return;
      }
      this.padded = true;
      body = body.slice(0, padAt);
      if (!BASE64_BODY.test(body)) {
        this.stop('base64');
        return;
      }
      this.write(Buffer.from(body + padding, 'base64'));
      this.rest = '';
      return;
    }
    if (!BASE64_BODY.test(body)) {
      this.stop('base64');
      return;
    }
    const usable = body.length - (body.length % 4);
    if (usable > 0) this.write(Buffer.from(body.slice(0, usable), 'base64'));
    this.rest = body.slice(usable);
  }

  /** Marks the content unusable for a reason the text alone does not show (markup inside `Fichier`). */
  reject(problem: PjContentProblem): void {
    this.stop(problem);
  }

  /** The end of `Fichier`: no more text comes. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.problem !== undefined) return;
    if (this.rest.length !== 0) {
      this.stop('base64');
      return;
    }
    if (this.decodedBytes === 0) {
      this.stop('empty');
      return;
    }
    this.gunzip.end();
  }

  /** Resolves once zlib has taken in what it was given, so that the caller can feed more without piling up input. */
  async drained(): Promise<void> {
    if (this.problem !== undefined || this.ended || !this.gunzip.writableNeedDrain) return;
    const gunzip = this.gunzip;
    await new Promise<void>((resolve) => {
      const settle = (): void => {
        gunzip.off('drain', settle).off('close', settle).off('error', settle);
        resolve();
      };
      gunzip.on('drain', settle).on('close', settle).on('error', settle);
    });
  }

  /** The verdict, once {@link end} was called and zlib has finished. */
  async verdict(): Promise<PjContentVerdict> {
    await this.done;
    return this.problem === undefined
      ? { ok: true, inflatedBytes: this.inflated }
      : { ok: false, problem: this.problem, inflatedBytes: this.inflated };
  }

  private write(bytes: Buffer): void {
    this.decodedBytes += bytes.length;
    this.gunzip.write(bytes);
  }

  private stop(problem: PjContentProblem): void {
    this.problem ??= problem;
    this.ended = true;
    this.gunzip.destroy();
  }
}
