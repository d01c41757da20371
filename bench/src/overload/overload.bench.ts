/**
 * The gateway beyond its capacity (issue 9: "answers 429/503 quickly rather than falling over"): the
 * real gateway (services/gateway/dist) on its own database, small actes uploaded
 * (a) one after another, for the normal latency of a 202;
 * (b) one after another while every upload slot is held by an upload that does not end: the
 *     latency of a 503 SERVICE.OVERLOADED on its own;
 * (c) far more at once than its upload slots (`RELAIS_MAX_CONCURRENT_UPLOADS`, 4 here), for the
 *     latency of the 503 SERVICE.OVERLOADED answers side by side with the 202s of the same burst;
 * (d) the same burst with 4 KiB documents: a refused upload's body is still read before its 503,
 *     so this shows the refusal's own cost apart from the transfer;
 * (e) the same burst against a gateway whose slots are effectively unbounded, where every upload
 *     queues for the database instead: what shedding saves.
 * Then, once the burst is over, uploads one after another again: the gateway recovered by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@relais/testing/ports';
import { withDatabase } from '../database.js';

export interface OverloadBenchOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly quick: boolean;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SLOTS = 4;

export async function benchOverload(opts: OverloadBenchOptions): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const sequential = opts.quick ? 40 : 200;
  const burst = opts.quick ? 200 : 800;
  // A few hundred KiB each, so that an upload holds its slot for a while; a refused upload's body is
  // still read (and thrown away) before the 503, so the same burst with 4 KiB documents shows what
  // the refusal itself costs.
  for (const [label, slots, documentBytes] of [
    ['shed', SLOTS, 256 * 1024],
    ['shedSmallBodies', SLOTS, 4 * 1024],
    ['unbounded', 10_000, 256 * 1024],
  ] as const) {
    await withDatabase(opts.databaseUrl, 'relais_bench_overload', async (url) => {
      const gateway = await startGateway(url, opts.natsUrl, slots);
      try {
        const token = await collectiviteToken(gateway);
        let n = 0;
        const upload = async (): Promise<{ status: number; ms: number }> => {
          n += 1;
          const started = performance.now();
          const response = await fetch(`${gateway.base}/api/v1/actes`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: acte(n, documentBytes) });
          await response.arrayBuffer();
          return { status: response.status, ms: performance.now() - started };
        };
        if (label === 'shed') {
          const normal: number[] = [];
          for (let i = 0; i < sequential; i++) normal.push((await upload()).ms);
          results['normal.202.p50Ms'] = percentile(normal, 0.5);
          results['normal.202.p99Ms'] = percentile(normal, 0.99);
          // Every slot held by an upload that does not end: each refusal timed alone.
          const release = holdSlots(gateway.base, token, SLOTS);
          await sleep(500);
          const refused: { status: number; ms: number }[] = [];
          for (let i = 0; i < sequential; i++) refused.push(await upload());
          release();
          results['held.503.count'] = refused.filter((o) => o.status === 503).length;
          results['held.503.p50Ms'] = percentile(refused.map((o) => o.ms), 0.5);
          results['held.503.p99Ms'] = percentile(refused.map((o) => o.ms), 0.99);
        }
        const outcomes = await Promise.all(Array.from({ length: burst }, () => upload()));
        const of = (status: number): number[] => outcomes.filter((o) => o.status === status).map((o) => o.ms);
        results[`${label}.burst`] = burst;
        for (const status of [202, 503]) {
          const times = of(status);
          results[`${label}.${status}.count`] = times.length;
          if (times.length > 0) {
            results[`${label}.${status}.p50Ms`] = percentile(times, 0.5);
            results[`${label}.${status}.p99Ms`] = percentile(times, 0.99);
          }
        }
        results[`${label}.other.count`] = outcomes.filter((o) => o.status !== 202 && o.status !== 503).length;
        const after: number[] = [];
        for (let i = 0; i < 10; i++) after.push((await upload()).status);
        results[`${label}.after.202of10`] = after.filter((status) => status === 202).length;
      } finally {
        await gateway.stop();
      }
    });
  }
  return results;
}

/** Starts `n` uploads whose bodies stop after their first part until the returned function is called. */
function holdSlots(base: string, token: string, n: number): () => void {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  for (let i = 0; i < n; i++) {
    const boundary = `held${String(i)}x${randomBytes(4).toString('hex')}`;
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{}\r\n`));
          return;
        }
        await gate;
        controller.enqueue(new TextEncoder().encode(`--${boundary}--\r\n`));
        controller.close();
      },
    });
    void fetch(`${base}/api/v1/actes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }
  return open;
}

/** The nearest-rank percentile, in milliseconds with one decimal. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return Math.round(value * 10) / 10;
}

function acte(n: number, documentBytes: number): FormData {
  const form = new FormData();
  const metadata = { numeroInterne: `BENCH_${n}`, dateDecision: '2026-01-05', nature: 'DE', classification: '7.1', objet: 'Charge' };
  form.append('metadata', JSON.stringify(metadata));
  const document = new Uint8Array(documentBytes).fill(0x20);
  document.set(new TextEncoder().encode(`%PDF-1.4\n% ${n}\n`));
  form.append('document', new Blob([document], { type: 'application/pdf' }), 'acte.pdf');
  return form;
}

interface RunningGateway {
  readonly base: string;
  readonly admin: string;
  stop(): Promise<void>;
}

async function startGateway(databaseUrl: string, natsUrl: string, slots: number): Promise<RunningGateway> {
  const main = join(root, 'services', 'gateway', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: npm run build first`);
  const port = await freePort();
  const admin = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    RELAIS_NAMESPACE: `bench_${randomBytes(4).toString('hex')}`,
    PORT: String(port),
    RELAIS_ADMIN_TOKEN: admin,
    RELAIS_RATE_LIMIT_PER_SECOND: '100000',
    RELAIS_RATE_LIMIT_BURST: '100000',
    RELAIS_MAX_CONCURRENT_UPLOADS: String(slots),
  };
  const child: ChildProcess = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${String(port)}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${base}/health`).catch(() => undefined)) === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the gateway did not start');
    await sleep(200);
  }
  return {
    base,
    admin,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

async function collectiviteToken(gateway: RunningGateway): Promise<string> {
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${gateway.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const siren = '212102313';
  const registered = await post('/api/v1/admin/collectivites', { siren, nom: 'Dijon', departement: '021', arrondissement: '1', nature: '31' });
  if (registered.status !== 201) throw new Error(`registering: ${String(registered.status)}`);
  const issued = await post('/api/v1/admin/tokens', { role: 'collectivite', siren });
  return ((await issued.json()) as { token: string }).token;
}

