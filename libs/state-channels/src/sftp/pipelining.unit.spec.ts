import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { chunksOf, eachAtMost } from './pipelining.js';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

async function* pieces(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    await tick();
    yield new Uint8Array(bytes.subarray(at, at + size));
    at += size;
  }
}

describe('chunksOf', () => {
  it('cuts a buffer into pieces of the size asked, the last one shorter', async () => {
    const bytes = randomBytes(2500);
    const chunks = await collect(chunksOf(bytes, 1000));
    expect(chunks.map((chunk) => chunk.length)).toEqual([1000, 1000, 500]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('gathers small and cuts large pieces of a stream, keeping every byte in order', async () => {
    const bytes = randomBytes(10_000);
    const chunks = await collect(chunksOf(pieces(bytes, [1, 700, 3, 2500, 999, 0, 64]), 1000));
    expect(chunks.slice(0, -1).every((chunk) => chunk.length === 1000)).toBe(true);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('copies what it gathers, so a source reusing its buffer changes nothing already yielded', async () => {
    const reused = Buffer.alloc(10);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const value of [1, 2, 3]) {
        await tick();
        reused.fill(value);
        yield reused;
      }
    }
    const chunks = await collect(chunksOf(source(), 25));
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 2), Buffer.alloc(10, 3)]));
  });

  it('yields nothing for an empty body', async () => {
    expect(await collect(chunksOf(new Uint8Array(0), 10))).toEqual([]);
  });
});

describe('eachAtMost', () => {
  it('runs every task with at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachAtMost([...Array(20).keys()], 4, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(item % 3);
      running -= 1;
      done.push(item);
    });
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('reads a source no further ahead than the window', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<number> {
      for (let item = 0; item < 100; item += 1) {
        await tick();
        pulled += 1;
        yield item;
      }
    }
    let seenAhead = 0;
    let finished = 0;
    await eachAtMost(source(), 3, async () => {
      seenAhead = Math.max(seenAhead, pulled - finished);
      await sleep(1);
      finished += 1;
    });
    expect(seenAhead).toBeLessThanOrEqual(3);
  });

  it('stops taking items at the first failure and rejects with it once the running tasks are done', async () => {
    const started: number[] = [];
    let settled = 0;
    const failing = eachAtMost([...Array(50).keys()], 3, async (item) => {
      started.push(item);
      await sleep(5);
      settled += 1;
      if (item === 4) throw new Error('write 4 failed');
    });
    await expect(failing).rejects.toThrow('write 4 failed');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(10);
  });

  it('rejects with the source’s failure after the running tasks are done', async () => {
    let settled = 0;
    async function* source(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      await tick();
      throw new Error('source broke');
    }
    await expect(eachAtMost(source(), 5, async () => {
      await sleep(5);
      settled += 1;
    })).rejects.toThrow('source broke');
    expect(settled).toBe(2);
  });
});
