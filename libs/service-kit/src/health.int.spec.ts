import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MessagingNames } from '@relais/messaging';
import { createTestNamespace, type TestNamespace } from '@relais/testing';
import { askHealth, serveHealth } from './health.js';

let ns: TestNamespace;
beforeAll(async () => {
  ns = await createTestNamespace();
});
afterAll(async () => {
  await ns.cleanup();
});

describe('health over NATS', () => {
  it('reports each service ok, down with its reason, or down when nobody answers', async () => {
    const names = new MessagingNames(ns.namespace);
    const okSub = serveHealth(ns.nc, names, 'router', () => Promise.resolve('table loaded'));
    const downSub = serveHealth(ns.nc, names, 'validator', () => Promise.reject(new Error('database unreachable')));
    const reports = await askHealth(ns.nc, names, ['router', 'validator', 'transmitter'], 300);
    expect(reports['router']).toMatchObject({ service: 'router', status: 'ok', detail: 'table loaded', pid: process.pid });
    expect(reports['validator']).toMatchObject({ service: 'validator', status: 'down', detail: 'database unreachable' });
    expect(reports['transmitter']).toMatchObject({ service: 'transmitter', status: 'down' });
    expect(reports['transmitter']?.detail).toMatch(/no answer within 300 ms/);
    okSub.unsubscribe();
    downSub.unsubscribe();
  });

  it('keeps namespaces apart', async () => {
    const names = new MessagingNames(ns.namespace);
    const sub = serveHealth(ns.nc, new MessagingNames(`${ns.namespace}x`), 'router', () => Promise.resolve(undefined));
    const reports = await askHealth(ns.nc, names, ['router'], 200);
    expect(reports['router']?.status).toBe('down');
    sub.unsubscribe();
  });
});
