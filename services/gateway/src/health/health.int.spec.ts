import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/transport-node';
import { MessagingNames } from '@relais/messaging';
import { PLATFORM_SERVICES, serveHealth } from '@relais/service-kit';
import { startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw.close();
});

interface HealthBody {
  status: string;
  services: Record<string, { status: string; detail?: string }>;
}

describe('GET /health', () => {
  it('answers 503 naming each service that does not answer, with the gateway itself ok, without a token', async () => {
    const response = await gw.call('/health');
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthBody;
    expect(body.status).toBe('down');
    expect(Object.keys(body.services).sort()).toEqual([...PLATFORM_SERVICES].sort());
    expect(body.services['gateway']!.status).toBe('ok');
    for (const service of PLATFORM_SERVICES.filter((name) => name !== 'gateway')) {
      expect(body.services[service]).toEqual(expect.objectContaining({ status: 'down', detail: expect.stringContaining('no answer') }));
    }
  });

  it('answers 200 {"status":"ok"} once every service answers ok over NATS, and 503 naming the one that stops', async () => {
    const names = new MessagingNames(gw.ns.namespace);
    const others = PLATFORM_SERVICES.filter((name) => name !== 'gateway');
    const subscriptions = new Map<string, Subscription>(
      others.map((service) => [service, serveHealth(gw.ns.nc, names, service, () => Promise.resolve(undefined))]),
    );
    await gw.ns.nc.flush();
    const ok = await gw.call('/health');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as HealthBody;
    expect(body.status).toBe('ok');
    expect(Object.values(body.services).every((report) => report.status === 'ok')).toBe(true);

    subscriptions.get('transmitter')!.unsubscribe();
    await gw.ns.nc.flush();
    const down = await gw.call('/health');
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as HealthBody;
    expect(Object.entries(downBody.services).filter(([, report]) => report.status !== 'ok').map(([name]) => name)).toEqual(['transmitter']);
    for (const subscription of subscriptions.values()) subscription.unsubscribe();
  });

  it('lists the warnings of ready services at the top, with their service, and stays 200', async () => {
    const names = new MessagingNames(gw.ns.namespace);
    const warning = { code: 'CHANNEL.CLIENT_CERT_EXPIRING', severity: 'warning' as const, message: 'pref-021: 12 days left', data: { endpointId: 'pref-021', daysLeft: 12 } };
    const subscriptions = PLATFORM_SERVICES.filter((name) => name !== 'gateway').map((service) =>
      serveHealth(gw.ns.nc, names, service, () => Promise.resolve(service === 'transmitter' ? { detail: 'ready', warnings: [warning] } : undefined)),
    );
    await gw.ns.nc.flush();
    const response = await gw.call('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthBody & { warnings?: unknown };
    expect(body.warnings).toEqual([{ service: 'transmitter', ...warning }]);
    expect(body.services['transmitter']).toEqual(expect.objectContaining({ status: 'ok', detail: 'ready', warnings: [warning] }));
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('answers health questions for the gateway over NATS', async () => {
    const reply = await gw.ns.nc.request(new MessagingNames(gw.ns.namespace).rpc('gateway', 'health'), undefined, { timeout: 2000 });
    expect(reply.json()).toEqual(expect.objectContaining({ service: 'gateway', status: 'ok' }));
  });
});
