import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { activeWebhooks } from '@relais/service-kit';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let siren: string;
let token: string;

beforeAll(async () => {
  gw = await startGateway();
  siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
});

afterAll(async () => {
  await gw.close();
});

const SECRET = 'a-secret-of-32-characters-long!!';

function register(body: unknown, as = token): Promise<Response> {
  return gw.call('/api/v1/webhooks', {
    method: 'POST',
    token: as,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface WebhookView {
  id: string;
  url: string;
  createdAt: string;
}

async function list(as = token): Promise<WebhookView[]> {
  const response = await gw.call('/api/v1/webhooks', { token: as });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: WebhookView[] }).items;
}

describe('a collectivité’s webhooks', () => {
  it('registers one (201, the secret never echoed), lists its own, and removes it (204)', async () => {
    const created = await register({ url: 'https://erp.example.fr/relais/hook', secret: SECRET });
    expect(created.status).toBe(201);
    const body = (await created.json()) as WebhookView;
    expect(body).toEqual({ id: expect.any(String), url: 'https://erp.example.fr/relais/hook', createdAt: expect.stringMatching(/Z$/) });
    expect(JSON.stringify(body)).not.toContain(SECRET);

    // The notifier reads it with its secret.
    expect(await activeWebhooks(gw.db.pool, siren)).toEqual([{ ...body, siren, secret: SECRET }]);

    const listed = await list();
    expect(listed).toEqual([body]);
    expect(JSON.stringify(listed)).not.toContain(SECRET);

    // Another collectivité sees none of it and cannot remove it.
    const other = await gw.registerCollectivite();
    const { token: otherToken } = await gw.issueToken('collectivite', other);
    expect(await list(otherToken)).toEqual([]);
    const foreign = await gw.call(`/api/v1/webhooks/${body.id}`, { method: 'DELETE', token: otherToken });
    expect(foreign.status).toBe(404);
    expect(await errorCodes(foreign)).toEqual(['WEBHOOK.NOT_FOUND']);

    const removed = await gw.call(`/api/v1/webhooks/${body.id}`, { method: 'DELETE', token });
    expect(removed.status).toBe(204);
    expect(await list()).toEqual([]);
    expect(await activeWebhooks(gw.db.pool, siren)).toEqual([]);
    const again = await gw.call(`/api/v1/webhooks/${body.id}`, { method: 'DELETE', token });
    expect(again.status).toBe(404);
  });

  it('accepts an http URL', async () => {
    const created = await register({ url: 'http://erp.example.fr:8080/hook', secret: SECRET });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as WebhookView;
    expect((await gw.call(`/api/v1/webhooks/${id}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('refuses a loopback, private or link-local address, however written, with 422 WEBHOOK.ADDRESS_NOT_ALLOWED', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://2130706433/hook',
      'http://0x7f.1/hook',
      'http://localhost:3000/hook',
      'http://[::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'http://169.254.169.254/latest/meta-data/',
      'https://192.168.1.10/hook',
      'https://100.64.0.1/hook',
    ]) {
      const response = await register({ url, secret: SECRET });
      expect({ url, status: response.status }).toEqual({ url, status: 422 });
      expect(await response.json()).toEqual({ errors: [expect.objectContaining({ code: 'WEBHOOK.ADDRESS_NOT_ALLOWED', field: 'url' })] });
    }
    expect(await list()).toEqual([]);
    expect(await activeWebhooks(gw.db.pool, siren)).toEqual([]);
  });

  it('accepts a loopback address when RELAIS_WEBHOOK_ALLOW_PRIVATE says so', async () => {
    const open = await startGateway({ db: gw.db, ns: gw.ns, settings: { allowPrivateWebhooks: true } });
    try {
      const created = await open.call('/api/v1/webhooks', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://127.0.0.1:8080/hook', secret: SECRET }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as WebhookView;
      expect((await gw.call(`/api/v1/webhooks/${id}`, { method: 'DELETE', token })).status).toBe(204);
    } finally {
      await open.close();
    }
  });

  it('refuses a URL that is not http(s), a short secret and unknown fields with 400 naming the field', async () => {
    for (const url of ['ftp://erp.example.fr/hook', 'not a url', 'file:///etc/passwd', 'https://user:pw@erp.example.fr/hook']) {
      const response = await register({ url, secret: SECRET });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [expect.objectContaining({ code: 'REQUEST.INVALID_BODY', field: 'url' })] });
    }
    const short = await register({ url: 'https://erp.example.fr/hook', secret: 'too-short' });
    expect(short.status).toBe(400);
    expect(await short.json()).toEqual({ errors: [expect.objectContaining({ code: 'REQUEST.INVALID_BODY', field: 'secret' })] });
    const extra = await register({ url: 'https://erp.example.fr/hook', secret: SECRET, events: ['all'] });
    expect(extra.status).toBe(400);
    expect(await list()).toEqual([]);
  });

  it('answers 403 to a supervisor, an auditor and the administrator, 401 without a token', async () => {
    for (const role of ['supervisor', 'auditor'] as const) {
      const { token: other } = await gw.issueToken(role);
      const response = await register({ url: 'https://erp.example.fr/hook', secret: SECRET }, other);
      expect(response.status).toBe(403);
      expect(await errorCodes(response)).toEqual(['AUTH.FORBIDDEN']);
      expect((await gw.call('/api/v1/webhooks', { token: other })).status).toBe(403);
    }
    expect((await register({ url: 'https://erp.example.fr/hook', secret: SECRET }, gw.adminToken)).status).toBe(403);
    expect((await gw.call('/api/v1/webhooks')).status).toBe(401);
  });

  it('keeps at most 10 webhooks per collectivité (409 WEBHOOK.TOO_MANY)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await register({ url: `https://erp.example.fr/hook/${i}`, secret: SECRET });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as WebhookView).id);
    }
    const eleventh = await register({ url: 'https://erp.example.fr/hook/10', secret: SECRET });
    expect(eleventh.status).toBe(409);
    expect(await errorCodes(eleventh)).toEqual(['WEBHOOK.TOO_MANY']);
    expect((await list()).map((w) => w.id)).toEqual(ids);
    for (const id of ids) expect((await gw.call(`/api/v1/webhooks/${id}`, { method: 'DELETE', token })).status).toBe(204);
  });
});
