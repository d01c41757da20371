/**
 * The clamd wire protocol, without I/O: commands in their `z` form (NUL-terminated, answered with a
 * NUL-terminated line), INSTREAM framing, and the reading of an answer.
 * See clamd(8), "INSTREAM": chunks each prefixed by their length as a 4-byte big-endian integer,
 * ended by a zero-length chunk; the daemon refuses a stream longer than its `StreamMaxLength`.
 */

/** `zPING\0`: clamd answers `PONG`. */
export const PING_COMMAND = new TextEncoder().encode('zPING\0');

/** `zINSTREAM\0`: the file follows as chunks. */
export const INSTREAM_COMMAND = new TextEncoder().encode('zINSTREAM\0');

/** The zero-length chunk that ends a stream. */
export const END_OF_STREAM = new Uint8Array(4);

/** The largest chunk written at once: small enough to keep memory flat, large enough to be cheap. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * The INSTREAM frames of `bytes`: for each slice of at most `chunkBytes`, its 4-byte big-endian
 * length and the slice itself (a view, not a copy).
 */
export function* instreamFrames(bytes: Uint8Array, chunkBytes: number = DEFAULT_CHUNK_BYTES): Generator<InstreamFrame> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 0xffffffff) throw new RangeError(`chunkBytes must be a positive 32-bit integer, not ${chunkBytes}`);
  for (let start = 0; start < bytes.byteLength; start += chunkBytes) {
    const slice = bytes.subarray(start, Math.min(start + chunkBytes, bytes.byteLength));
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, slice.byteLength, false);
    yield { header, slice };
  }
}

/** One INSTREAM chunk: its length prefix and its bytes. */
export interface InstreamFrame {
  readonly header: Uint8Array;
  readonly slice: Uint8Array;
}

/** What one clamd answer to a scan says. */
export type ScanAnswer =
  | { readonly kind: 'clean' }
  | { readonly kind: 'infected'; readonly signature: string }
  | { readonly kind: 'size-limit'; readonly answer: string }
  | { readonly kind: 'error'; readonly answer: string }
  | { readonly kind: 'unexpected'; readonly answer: string };

const FOUND = /^stream: (.+) FOUND$/;

/**
 * Reads clamd's answer to INSTREAM (its terminating NUL or newline already removed or not):
 * `stream: OK`, `stream: <signature> FOUND`, `INSTREAM size limit exceeded. ERROR`, `<why> ERROR`.
 */
export function parseScanAnswer(raw: string): ScanAnswer {
  const answer = raw.replace(/[\0\n]+$/, '').trim();
  if (answer === 'stream: OK') return { kind: 'clean' };
  const found = FOUND.exec(answer);
  if (found?.[1] !== undefined) return { kind: 'infected', signature: found[1] };
  if (/size limit exceeded/i.test(answer)) return { kind: 'size-limit', answer };
  if (answer.endsWith(' ERROR')) return { kind: 'error', answer };
  return { kind: 'unexpected', answer };
}
