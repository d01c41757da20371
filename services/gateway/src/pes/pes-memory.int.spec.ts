import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pesAllerShapes, pesAllerStream } from '@relais/pes/testing';
import { startGateway, type TestGateway } from '../../test/gateway.js';
import { postPesStream } from '../../test/pes.js';

const MIB = 1024 * 1024;
/**
 * The most the heap may grow while a 50 MB PES file is posted, the gateway and its client in this one
 * process. Holding the file whole would grow it by 50 MiB or more (a string of it twice that).
 */
const HEAP_GROWTH_BOUND = 16 * MIB;
/** Buffers (chunks in flight: on the socket, waiting for a reader, on their way to PostgreSQL) live outside the heap. */
const BUFFER_GROWTH_BOUND = 16 * MIB;
/** The process as the system sees it: the heap, the buffers, and what the allocator keeps after freeing. */
const RSS_GROWTH_BOUND = 64 * MIB;
const SAMPLE_EVERY_BYTES = 4 * MIB;

/** A full garbage collection: Node's `gc` when started with --expose-gc, else one enabled at run time. */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await startGateway();
  ({ token } = await gw.issueToken('collectivite', await gw.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
});

describe('POST /api/v1/pes memory', () => {
  it(`ingests a generated 50 MB PES_Aller with the heap growing less than ${HEAP_GROWTH_BOUND / MIB} MiB`, async () => {
    const gc = garbageCollector();
    // 20 bordereaux × 100 mandats and three PJ of 12.5 MB of incompressible content, generated as it is sent.
    const spec = pesAllerShapes.large({ bordereaux: 20, piecesPerBordereau: 100, pjSizes: [12_500_000, 12_500_000, 12_500_000] });
    const hash = createHash('sha256');
    let sent = 0;
    let nextSample = SAMPLE_EVERY_BYTES;
    const heap: number[] = [];
    const buffers: number[] = [];
    const rss: number[] = [];
    const settledGc = async (): Promise<void> => {
      gc();
      await sleep(20);
      gc();
    };
    await settledGc();
    const baseline = process.memoryUsage();
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of pesAllerStream(spec)) {
        hash.update(chunk);
        sent += chunk.byteLength;
        if (sent >= nextSample) {
          // Live memory, not garbage awaiting collection: what client and gateway hold at this point
          // (after a pause, so that V8's background sweeper has freed the buffers already collected).
          await settledGc();
          const usage = process.memoryUsage();
          heap.push(usage.heapUsed - baseline.heapUsed);
          buffers.push(usage.arrayBuffers - baseline.arrayBuffers);
          rss.push(usage.rss - baseline.rss);
          nextSample += SAMPLE_EVERY_BYTES;
        }
        yield chunk;
      }
    };

    const started = Date.now();
    const response = await postPesStream(gw, token, body());
    expect(response.status).toBe(202);
    const { id } = JSON.parse(response.body) as { id: string };

    const sha256 = hash.digest('hex');
    expect(sent).toBeGreaterThan(50_000_000);
    const { rows } = await gw.db.pool.query<{ size: string }>('SELECT size FROM blobs WHERE sha256 = $1', [sha256]);
    expect(Number(rows[0]?.size)).toBe(sent);
    const events = (await (await gw.call(`/api/v1/transmissions/${id}/events`, { token })).json()) as { items: { data: { submission: { file: unknown } } }[] };
    expect(events.items[0]?.data.submission.file).toEqual({ sha256, size: sent, name: 'PES_GRAND_0001.xml', mediaType: 'application/xml' });

    const mib = (n: number): string => (n / MIB).toFixed(1);
    const [peakHeap, peakBuffers, peakRss] = [Math.max(...heap), Math.max(...buffers), Math.max(...rss)];
    process.stdout.write(
      `POST /api/v1/pes: ${sent} bytes in ${Date.now() - started} ms, ${heap.length} samples, growth in MiB (peak: each sample)\n` +
        `  heap ${mib(peakHeap)}: ${heap.map(mib).join(' ')}\n  array buffers ${mib(peakBuffers)}: ${buffers.map(mib).join(' ')}\n  rss ${mib(peakRss)}: ${rss.map(mib).join(' ')}\n`,
    );
    expect(heap.length).toBeGreaterThanOrEqual(12);
    expect(peakHeap).toBeLessThan(HEAP_GROWTH_BOUND);
    expect(peakBuffers).toBeLessThan(BUFFER_GROWTH_BOUND);
    expect(peakRss).toBeLessThan(RSS_GROWTH_BOUND);
    // Each sample is two full collections of the whole test process: seconds, not the upload's own time.
  }, 180_000);
});
