import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postGuarded, type Resolve } from './guarded-post.js';

/** A receiver on loopback that records every request it gets. */
let server: Server;
let port: number;
const received: { host: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ host: request.headers.host, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => {
      resolve();
    }));
});

/** A resolver that answers `addresses` for every name and counts its calls. */
function resolver(addresses: readonly LookupAddress[]): Resolve & { calls: number } {
  const resolve = ((_hostname, _family, done) => {
    resolve.calls += 1;
    done(null, addresses);
  }) as Resolve & { calls: number };
  resolve.calls = 0;
  return resolve;
}

const post = (url: string, allowPrivate: boolean, resolve?: Resolve): Promise<number> =>
  postGuarded({ url, headers: { 'content-type': 'application/json' }, body: '{"n":1}', timeoutMs: 5_000, allowPrivate, ...(resolve === undefined ? {} : { resolve }) });

describe('a webhook POST', () => {
  it('refuses a loopback literal, however written, before connecting (WEBHOOK.ADDRESS_NOT_ALLOWED)', async () => {
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '127.1', '[::ffff:127.0.0.1]', 'localhost']) {
      await expect(post(`http://${host}:${port}/hook`, false)).rejects.toMatchObject({ code: 'WEBHOOK.ADDRESS_NOT_ALLOWED' });
    }
    expect(received).toEqual([]);
  });

  it('refuses a name that resolves to a private address, or to a private one among public ones', async () => {
    await expect(post(`http://hook.example.test:${port}/hook`, false, resolver([{ address: '127.0.0.1', family: 4 }]))).rejects.toMatchObject({
      code: 'WEBHOOK.ADDRESS_NOT_ALLOWED',
      message: expect.stringMatching(/hook\.example\.test resolves to 127\.0\.0\.1, a loopback address/),
    });
    const mixed = resolver([
      { address: '93.184.215.14', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    await expect(post(`http://hook.example.test:${port}/hook`, false, mixed)).rejects.toMatchObject({ code: 'WEBHOOK.ADDRESS_NOT_ALLOWED' });
    expect(received).toEqual([]);
  });

  it('connects to the address it checked, resolving the name once (no second answer can rebind it)', async () => {
    const once = resolver([{ address: '127.0.0.1', family: 4 }]);
    expect(await post(`http://hook.example.test:${port}/hook`, true, once)).toBe(204);
    expect(once.calls).toBe(1);
    expect(received).toEqual([{ host: `hook.example.test:${port}`, body: '{"n":1}' }]);
  });

  it('reaches a loopback literal when private addresses are allowed', async () => {
    received.length = 0;
    expect(await post(`http://127.0.0.1:${port}/hook`, true)).toBe(204);
    expect(received).toHaveLength(1);
  });
});
