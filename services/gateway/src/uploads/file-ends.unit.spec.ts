import { describe, expect, it } from '@jest/globals';
import { FileEnds } from './file-ends.js';

const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

function endsOf(chunkSize: number, window: number): { head: Buffer; tail: Buffer } {
  const ends = new FileEnds(window);
  for (let at = 0; at < bytes.length; at += chunkSize) ends.add(bytes.subarray(at, at + chunkSize));
  return { head: Buffer.from(ends.head()), tail: Buffer.from(ends.tail()) };
}

describe('FileEnds', () => {
  it('keeps the first and last bytes of the window, however the file is cut into chunks', () => {
    for (const chunkSize of [1, 7, 64, 100, 333, 1000]) {
      const { head, tail } = endsOf(chunkSize, 100);
      expect([chunkSize, head.equals(bytes.subarray(0, 100)), tail.equals(bytes.subarray(-100))]).toEqual([chunkSize, true, true]);
    }
  });

  it('keeps the whole of a file smaller than the window at both ends, and nothing with a window of 0', () => {
    const { head, tail } = endsOf(300, 4096);
    expect(head.equals(bytes)).toBe(true);
    expect(tail.equals(bytes)).toBe(true);
    expect(endsOf(300, 0)).toEqual({ head: Buffer.alloc(0), tail: Buffer.alloc(0) });
  });
});
