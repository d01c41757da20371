import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { evolve, fromStored, initialState } from '@relais/domain';
import { PostgresEventStore, verifyHashChain, withTransaction } from '@relais/event-store';
import { evolveTransmissionView, getTransmission, projectTransmissionEvents, type TransmissionView } from '@relais/read-models';
import { transmissionStreamId } from '@relais/service-kit';
import { waitUntilReadable } from '@relais/testing';
import { acteForm, acteMetadata, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

/*
 * Issue 8, item 8: a shredded transmission has its personal fields gone for good, its history still
 * replays, and the log still verifies.
 */

let gw: TestGateway;
let token: string;
let admin: string;
let auditor: string;
let id: string;

const OBJET = 'Arrêté portant nomination de Mme Camille Durand-Laforêt au grade d’attachée';
const NAME = 'Durand-Laforêt';

beforeAll(async () => {
  gw = await startGateway();
  const siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
  admin = gw.adminToken;
  ({ token: auditor } = await gw.issueToken('auditor'));
  const response = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm(acteMetadata({ nature: 'AI', numeroInterne: 'ARR2026_042', objet: OBJET })) });
  expect(response.status).toBe(202);
  ({ id } = (await response.json()) as { id: string });
});

afterAll(async () => {
  await gw.close();
});

/** Rows of `events` whose stored JSON holds `text` anywhere. */
async function eventsHolding(text: string): Promise<number> {
  const { rows } = await gw.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1', [`%${text}%`]);
  return rows[0]?.n ?? -1;
}

async function transmission(): Promise<TransmissionView> {
  const response = await gw.call(`/api/v1/transmissions/${id}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as TransmissionView;
}

async function events(): Promise<{ type: string; data: { submission?: { objet: string | null } } }[]> {
  const response = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
  return ((await response.json()) as { items: { type: string; data: { submission?: { objet: string | null } } }[] }).items;
}

function shred(body: unknown, as = admin, transmissionId = id): Promise<Response> {
  return gw.call(`/api/v1/admin/transmissions/${transmissionId}/shred-personal-data`, {
    method: 'POST',
    token: as,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('the personal data of a submitted acte', () => {
  it('never reach the log in clear: the objet is stored sealed', async () => {
    expect(await eventsHolding(NAME)).toBe(0);
    const { rows } = await gw.db.pool.query<{ data: { acte: { objet: string; numeroInterne: string } } }>(
      'SELECT data FROM events WHERE stream_id = $1 AND stream_version = 1',
      [transmissionStreamId(id)],
    );
    expect(rows[0]?.data.acte.objet).toMatch(/^relais:sealed:v1:[A-Za-z0-9_-]+$/);
    expect(rows[0]?.data.acte.numeroInterne).toBe('ARR2026_042');
  });

  it('are shown in clear to whoever may see the transmission: the transmission, its events, the auditors’ time travel', async () => {
    expect((await transmission()).acte?.objet).toBe(OBJET);
    expect((await events())[0]?.data.submission?.objet).toBe(OBJET);
    const travelled = await gw.call(`/api/v1/audit/transmissions/${id}?at=${encodeURIComponent(new Date().toISOString())}`, { token: auditor });
    expect(((await travelled.json()) as TransmissionView).acte?.objet).toBe(OBJET);
  });
});

describe('POST /api/v1/admin/transmissions/{id}/shred-personal-data', () => {
  it('is for administrators only, with a one-line reason, on a transmission that exists', async () => {
    expect(await errorCodes(await shred({ reason: 'x' }, token))).toEqual(['AUTH.FORBIDDEN']);
    expect(await errorCodes(await shred({ reason: 'x' }, auditor))).toEqual(['AUTH.FORBIDDEN']);
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'two\nlines' }, { reason: 'x'.repeat(501) }, { reason: 'ok', extra: 1 }]) {
      const response = await shred(body);
      expect(response.status).toBe(400);
      expect(await errorCodes(response)).toContain('REQUEST.INVALID_BODY');
    }
    const unknown = await shred({ reason: 'demande RGPD n° 2026-17' }, admin, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toEqual(['TRANSMISSION.NOT_FOUND']);
    expect(await eventsHolding('PersonalDataShredded')).toBe(0);
  });

  it('destroys the key and records PersonalDataShredded; asking again changes nothing', async () => {
    const response = await shred({ reason: 'demande RGPD n° 2026-17' });
    expect(response.status).toBe(200);
    const first = (await response.json()) as Record<string, unknown>;
    expect(first).toEqual({
      id,
      personalDataShredded: true,
      shreddedAt: expect.any(String),
      fields: ['submission.objet'],
      reason: 'demande RGPD n° 2026-17',
      requestedBy: expect.stringMatching(/^token:/),
      alreadyShredded: false,
      erasedFromLog: true,
    });
    const again = await shred({ reason: 'another reason' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...first, alreadyShredded: true });

    const { rows: keys } = await gw.db.pool.query<{ key: Buffer | null; shredded_at: Date | null; reason: string }>(
      'SELECT key, shredded_at, reason FROM personal_data_keys WHERE subject_id = $1',
      [id],
    );
    expect(keys).toEqual([{ key: null, shredded_at: expect.any(Date), reason: 'demande RGPD n° 2026-17' }]);
    const { rows: recorded } = await gw.db.pool.query<{ type: string; data: Record<string, unknown> }>(
      "SELECT type, data FROM events WHERE stream_id = $1 AND type LIKE '%PersonalDataShredded' ORDER BY stream_version",
      [transmissionStreamId(id)],
    );
    expect(recorded).toEqual([
      {
        type: 'relais.transmission.v1.PersonalDataShredded',
        data: { transmissionId: id, at: expect.any(String), fields: ['submission.objet'], reason: 'demande RGPD n° 2026-17', requestedBy: first['requestedBy'] },
      },
    ]);
  });

  it('leaves the objet gone for good: null in every answer, in the same status', async () => {
    const shown = await transmission();
    expect(shown).toMatchObject({ status: 'received', personalDataShredded: true, acte: { objet: null, numeroInterne: 'ARR2026_042', nature: 'AI' } });
    const items = await events();
    expect(items.map((item) => item.type)).toEqual(['TransmissionReceived', 'PersonalDataShredded']);
    expect(items[0]?.data.submission?.objet).toBeNull();
    const travelled = await gw.call(`/api/v1/audit/transmissions/${id}?at=${encodeURIComponent(new Date().toISOString())}`, { token: auditor });
    expect(await travelled.json()).toMatchObject({ personalDataShredded: true, acte: { objet: null } });
    expect(await eventsHolding(NAME)).toBe(0);
  });

  it('keeps the log whole: the chain verifies and the history still folds', async () => {
    expect(await verifyHashChain(gw.db.pool)).toMatchObject({ ok: true });
    const stored = await new PostgresEventStore(gw.db.pool).readStream(transmissionStreamId(id));
    const history = stored.map((event) => fromStored(event.type, event.data));
    expect(history.reduce(evolve, initialState())).toMatchObject({ status: 'received', personalDataShredded: { fields: ['submission.objet'] } });
    let view: TransmissionView | undefined;
    history.forEach((event, i) => {
      view = evolveTransmissionView(view, event, { recordedAt: stored[i]!.recordedAt, streamId: stored[i]!.streamId });
    });
    expect(view).toMatchObject({ id, status: 'received', personalDataShredded: true, acte: { objet: null } });
  });

  it('leaves no plaintext in a projection rebuilt from scratch by the projector’s own code', async () => {
    const store = new PostgresEventStore(gw.db.pool);
    // readAll stops below the oldest transaction running anywhere on the server: wait until the shredding's is behind it.
    await waitUntilReadable(gw.db.pool);
    const { events: all } = await store.readAll(null, 10_000);
    await gw.db.pool.query('TRUNCATE transmissions');
    await withTransaction(gw.db.pool, (client) => projectTransmissionEvents(client, all));
    expect(await getTransmission(gw.db.pool, id)).toMatchObject({ personalDataShredded: true, acte: { objet: null } });
    const { rows } = await gw.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM transmissions WHERE view::text LIKE $1', [`%${NAME}%`]);
    expect(rows[0]?.n).toBe(0);
    expect((await transmission()).acte?.objet).toBeNull();
  });
});
