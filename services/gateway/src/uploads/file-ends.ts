/**
 * Keeps the first and the last `window` bytes of a file as it streams past, in bounded memory: the
 * head from the first chunks, the tail from the last chunks that cover the window (older ones
 * dropped). With a window of 0 it keeps nothing.
 */
export class FileEnds {
  private readonly first: Uint8Array[] = [];
  private firstBytes = 0;
  private readonly last: Uint8Array[] = [];
  private lastBytes = 0;

  constructor(private readonly window: number) {}

  add(chunk: Uint8Array): void {
    if (this.window <= 0 || chunk.byteLength === 0) return;
    if (this.firstBytes < this.window) {
      const piece = chunk.subarray(0, this.window - this.firstBytes);
      this.first.push(piece);
      this.firstBytes += piece.byteLength;
    }
    this.last.push(chunk);
    this.lastBytes += chunk.byteLength;
    while (this.last.length > 1 && this.lastBytes - (this.last[0]?.byteLength ?? 0) >= this.window) {
      this.lastBytes -= this.last.shift()?.byteLength ?? 0;
    }
  }

  head(): Uint8Array {
    return Buffer.concat(this.first, this.firstBytes);
  }

  tail(): Uint8Array {
    const kept = Buffer.concat(this.last, this.lastBytes);
    return kept.subarray(Math.max(0, kept.byteLength - this.window));
  }
}
