import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pesAllerShapes, pesAllerStream } from '../testing/index.js';
import { readPesAller } from './pes-aller.read.js';

/**
 * The heap growth the reader may show on a 50 MB file. It measures about 1 MiB (the summary); keeping
 * one whole 12.5 MB PJ in memory, as a SAX parser with a text handler does, shows 15 to 16 MiB.
 */
const HEAP_GROWTH_BOUND = 8 * 1024 * 1024;
/** Buffers measured 0.5 to 11 MiB (the latter with other builds running): holding the file would show 50 MiB. */
const BUFFER_GROWTH_BOUND = 40 * 1024 * 1024;
const SAMPLE_EVERY_BYTES = 4 * 1024 * 1024;

/** A full garbage collection: Node's `gc` when started with --expose-gc, else one enabled at run time. */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('readPesAller memory', () => {
  it('reads a generated 50 MB PES_Aller with a heap growth under 8 MiB', async () => {
    const gc = garbageCollector();
    // 20 bordereaux × 100 mandats (one line each) and three PJ of 12.5 MB of incompressible content:
    // about 50 MB of base64 and 2.5 MB of bordereaux, generated as it is read, never held whole.
    const spec = pesAllerShapes.large({ bordereaux: 20, piecesPerBordereau: 100, pjSizes: [12_500_000, 12_500_000, 12_500_000] });
    gc();
    const baseline = process.memoryUsage();
    let read = 0;
    let nextSample = SAMPLE_EVERY_BYTES;
    let peakGrowth = 0;
    let peakBuffers = 0;
    const samples: number[] = [];
    const source = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of pesAllerStream(spec)) {
        read += chunk.byteLength;
        if (read >= nextSample) {
          // Live memory, not garbage awaiting collection: what the reader really holds at this point.
          gc();
          const usage = process.memoryUsage();
          const growth = usage.heapUsed - baseline.heapUsed;
          samples.push(growth);
          peakGrowth = Math.max(peakGrowth, growth);
          peakBuffers = Math.max(peakBuffers, usage.arrayBuffers - baseline.arrayBuffers);
          nextSample += SAMPLE_EVERY_BYTES;
        }
        yield chunk;
      }
    };

    const summary = await readPesAller(source());

    expect(summary.bytes).toBeGreaterThan(50_000_000);
    expect(summary.bordereaux).toHaveLength(20);
    expect(summary.bordereaux.reduce((sum, b) => sum + b.pieces.length, 0)).toBe(2000);
    expect(summary.pjs.map((pj) => [pj.contentOk, pj.inflatedBytes])).toEqual([
      [true, 12_500_000],
      [true, 12_500_000],
      [true, 12_500_000],
    ]);
    const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    process.stdout.write(`readPesAller: ${summary.bytes} bytes, heap growth peak ${mib(peakGrowth)} over ${samples.length} samples (${samples.map(mib).join(', ')}); buffers peak ${mib(peakBuffers)}\n`);
    expect(samples.length).toBeGreaterThanOrEqual(12);
    expect(peakGrowth).toBeLessThan(HEAP_GROWTH_BOUND);
    // Buffers (input chunks, decoded base64 on its way to zlib) live outside the heap. V8 frees their
    // memory on a background sweeper, which lags under load: a loose bound, still well under the file.
    expect(peakBuffers).toBeLessThan(BUFFER_GROWTH_BOUND);
  }, 180_000); // seconds alone; minutes on a CI machine busy with every other test file
});
