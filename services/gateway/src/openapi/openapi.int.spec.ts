import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document describing every route the gateway serves', async () => {
    const { token } = await gw.issueToken('auditor');
    const response = await gw.call('/api/v1/openapi.json', { token });
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'GET /metrics',
        'GET /signin',
        'POST /signin',
        'GET /signin/oidc',
        'GET /signin/oidc/callback',
        'POST /signout',
        'GET /dashboard',
        'GET /audit',
        'GET /app',
        'GET /dashboard/assets/{name}',
        'GET /dashboard/live',
        'GET /api/v1/openapi.json',
        'GET /api/v1/audit/events',
        'GET /api/v1/audit/verify',
        'GET /api/v1/audit/transmissions',
        'GET /api/v1/audit/transmissions/{id}',
        'GET /api/v1/audit/transmissions/{id}/events',
        'GET /api/v1/stats/summary',
        'GET /api/v1/stats/series',
        'GET /api/v1/stats/breakdown',
        'GET /api/v1/stats/backlog',
        'GET /api/v1/stats/reasons',
        'GET /api/v1/stats/windows',
        'POST /api/v1/admin/collectivites',
        'POST /api/v1/admin/tokens',
        'GET /api/v1/admin/tokens',
        'POST /api/v1/admin/tokens/{id}/rotate',
        'DELETE /api/v1/admin/tokens/{id}',
        'GET /api/v1/tokens/current',
        'POST /api/v1/admin/users',
        'GET /api/v1/admin/users',
        'DELETE /api/v1/admin/users/{id}',
        'POST /api/v1/admin/users/{id}/tokens',
        'POST /api/v1/admin/groups',
        'GET /api/v1/admin/groups',
        'PUT /api/v1/admin/groups/{id}/members',
        'GET /api/v1/collectivite/users',
        'POST /api/v1/collectivite/users',
        'DELETE /api/v1/collectivite/users/{id}',
        'POST /api/v1/collectivite/users/{id}/tokens',
        'GET /api/v1/collectivite/tokens',
        'DELETE /api/v1/collectivite/tokens/{id}',
        'GET /api/v1/users/me/notices',
        'PUT /api/v1/users/me/notices',
        'POST /api/v1/tokens/current/rotate',
        'GET /api/v1/admin/dead-letters',
        'POST /api/v1/admin/dead-letters/{seq}/retry',
        'POST /api/v1/admin/transmissions/{id}/shred-personal-data',
        'POST /api/v1/actes',
        'POST /api/v1/actes/archive',
        'POST /api/v1/pes',
        'GET /api/v1/pes/retours',
        'GET /api/v1/pes/retours/{id}/file',
        'POST /api/v1/actes/{id}/annulation',
        'POST /api/v1/actes/{id}/exchanges/{number}/replies',
        'GET /api/v1/classification',
        'POST /api/v1/classification/requests',
        'GET /api/v1/transmissions',
        'GET /api/v1/transmissions/{id}',
        'GET /api/v1/transmissions/{id}/events',
        'GET /api/v1/transmissions/{id}/files/{sha256}',
        'POST /api/v1/transmissions/{id}/retry',
        'GET /api/v1/transmissions/{id}/stamped',
        'GET /api/v1/transmissions/{id}/receipt',
        'POST /api/v1/webhooks',
        'GET /api/v1/webhooks',
        'DELETE /api/v1/webhooks/{id}',
      ].sort(),
    );
  });
});
