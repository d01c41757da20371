import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestGateway } from './gateway.js';

// The real samples live beside the repository, never inside it: <repo>/../shared/data/pes.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The path of a PES sample of the shared folder; fails plainly, naming the folder, when it is missing. */
export function sharedPesSample(name: string): string {
  const path = join(repoRoot, '..', 'shared', 'data', 'pes', name);
  if (!existsSync(path)) throw new Error(`The PES sample ${name} is missing from the shared folder next to the repository (${path})`);
  return path;
}

/** POSTs a PES file to `/api/v1/pes` as `token`, `application/xml` unless told. */
export function postPes(
  gw: TestGateway,
  token: string,
  body: NonNullable<RequestInit['body']>,
  options: { contentType?: string; idempotencyKey?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/xml' };
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  const streamed = body instanceof ReadableStream ? { duplex: 'half' as const } : {};
  return gw.call('/api/v1/pes', { method: 'POST', token, headers, body, ...streamed });
}

/**
 * POSTs a PES file to `/api/v1/pes` from an async iterable, through `node:http` with its backpressure:
 * `fetch` with a streamed body keeps what it sent alive until the request ends, which would hide the
 * gateway's own memory behind the client's in a test that measures it.
 */
export function postPesStream(gw: TestGateway, token: string, source: AsyncIterable<Uint8Array>): Promise<{ status: number; body: string }> {
  const url = new URL('/api/v1/pes', gw.base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    void (async () => {
      for await (const chunk of source) {
        if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
      }
      req.end();
    })().catch(reject);
  });
}
