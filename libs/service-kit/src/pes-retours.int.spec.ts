import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { listPesRetours, recordPesRetour } from './pes-retours.js';

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

const retour = {
  siren: '212102313',
  siret: '21210231300013',
  fileName: 'PES_RETOUR_21210231300013_1.xml',
  nomFic: 'PESRETOUR_1',
  idPost: '021000',
  codCol: '001',
  sha256: 'a'.repeat(64),
  size: 1200,
  messageId: 'PES_RETOUR_21210231300013_1.xml',
};

describe('PES_Retour kept for a collectivité', () => {
  it('records each file once, however many times or from however many readers it is recorded', async () => {
    const results = await Promise.all([recordPesRetour(store, retour), recordPesRetour(store, retour), recordPesRetour(store, retour)]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    await recordPesRetour(store, { ...retour, fileName: 'PES_RETOUR_21210231300013_2.xml', messageId: 'PES_RETOUR_21210231300013_2.xml' });
    const listed = await listPesRetours(store, retour.siren);
    expect(listed.map((r) => r.fileName)).toEqual(['PES_RETOUR_21210231300013_1.xml', 'PES_RETOUR_21210231300013_2.xml']);
    expect(listed[0]).toMatchObject({ siret: '21210231300013', sha256: 'a'.repeat(64), size: 1200 });
    expect(await listPesRetours(store, '213105554')).toEqual([]);
  });
});
