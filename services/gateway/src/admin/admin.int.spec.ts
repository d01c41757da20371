import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadCollectivite } from '@relais/service-kit';
import { PostgresEventStore } from '@relais/event-store';
import { errorCodes, newSiren, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw.close();
});

function register(body: unknown): Promise<Response> {
  return gw.call('/api/v1/admin/collectivites', {
    method: 'POST',
    token: gw.adminToken,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/v1/admin/collectivites', () => {
  it('registers a collectivité as an event (201), and answers 409 COLLECTIVITE.ALREADY_REGISTERED for its SIREN again', async () => {
    const siren = newSiren();
    const body = {
      siren,
      nom: 'Dijon',
      departement: '02A',
      arrondissement: '1',
      nature: '31',
      helios: [{ idPost: '021000', codCol: '001', codBud: '01', siret: '21210231300013' }],
    };
    const created = await register(body);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ ...body, registeredAt: expect.any(String), registeredBy: expect.stringMatching(/^token:/) });

    const store = new PostgresEventStore(gw.db.pool);
    expect(await loadCollectivite(store, siren)).toEqual(expect.objectContaining({ siren, nom: 'Dijon', departement: '02A' }));

    const again = await register({ ...body, nom: 'Autre' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ errors: [expect.objectContaining({ code: 'COLLECTIVITE.ALREADY_REGISTERED', field: 'siren' })] });
  });

  it('refuses malformed fields with 400 REQUEST.INVALID_BODY naming each one', async () => {
    const response = await register({
      siren: '12345',
      nom: 'X',
      departement: '21',
      arrondissement: '12',
      nature: '031',
      helios: [{ idPost: '021000', codCol: '001', codBud: '01', siret: 'x' }],
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { code: string; field: string }[] };
    expect(errors.every((error) => error.code === 'REQUEST.INVALID_BODY')).toBe(true);
    expect(errors.map((error) => error.field).sort()).toEqual(['arrondissement', 'departement', 'helios[0].siret', 'nature', 'siren']);
  });

  it('answers 400 REQUEST.INVALID_JSON to a body that is not JSON', async () => {
    const response = await register('{"siren": ');
    expect(response.status).toBe(400);
    expect(await errorCodes(response)).toEqual(['REQUEST.INVALID_JSON']);
  });

  it('answers 404 ROUTE.NOT_FOUND in the same error shape for a route that does not exist', async () => {
    const response = await gw.call('/api/v1/nothing', { token: gw.adminToken });
    expect(response.status).toBe(404);
    expect(await errorCodes(response)).toEqual(['ROUTE.NOT_FOUND']);
  });
});
