import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { CollectiviteExistsError, collectiviteStreamId, loadCollectivite, registerCollectivite } from './collectivites.js';

let db: TestDatabase;
let store: PostgresEventStore;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  store = new PostgresEventStore(db.pool);
});
afterAll(async () => {
  await store.close();
  await db.drop();
});

const dijon = {
  siren: '212102313',
  nom: 'Dijon',
  departement: '021',
  arrondissement: '1',
  nature: '31',
  helios: [{ idPost: '021000', codCol: '001', codBud: '01', siret: '21210231300013' }],
  registeredBy: 'token-admin',
  registeredAt: '2026-01-05T09:00:00.000Z',
};

describe('collectivités', () => {
  it('records a registration as an event and reads it back', async () => {
    await registerCollectivite(store, dijon);
    expect(await loadCollectivite(store, dijon.siren)).toEqual(dijon);
    const [event] = await store.readStream(collectiviteStreamId(dijon.siren));
    expect(event?.type).toBe('relais.collectivite.v1.CollectiviteRegistered');
    expect(await loadCollectivite(store, '213105554')).toBeUndefined();
  });

  it('lets exactly one of two concurrent registrations of a SIREN win', async () => {
    const besancon = { ...dijon, siren: '212500565', nom: 'Besançon', departement: '025' };
    const outcomes = await Promise.allSettled([registerCollectivite(store, besancon), registerCollectivite(store, besancon)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(CollectiviteExistsError);
    expect((loser?.reason as CollectiviteExistsError).code).toBe('COLLECTIVITE.ALREADY_REGISTERED');
  });
});
