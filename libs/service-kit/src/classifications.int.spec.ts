import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { createTestDatabase, type TestDatabase } from '@relais/testing';
import { ClassificationCommands, CollectiviteNotFoundError } from './classifications.js';
import { collectiviteStreamId, loadCollectivite, registerCollectivite } from './collectivites.js';

let db: TestDatabase;
let store: PostgresEventStore;
let commands: ClassificationCommands;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  store = new PostgresEventStore(db.pool);
  commands = new ClassificationCommands(store);
});
afterAll(async () => {
  await store.close();
  await db.drop();
});

const siren = '212102313';
const at = '2026-01-05T09:00:00.000Z';
const ask = (requestId: string) => ({ type: 'RequestClassification' as const, data: { siren, at, requestId, requestedBy: 'token-dijon' } });

describe("a collectivité's classification in its stream", () => {
  it('refuses a SIREN never registered', async () => {
    await expect(commands.execute(ask('rq-0'))).rejects.toBeInstanceOf(CollectiviteNotFoundError);
  });

  it('appends after the registration, folds back, and leaves the registration readable', async () => {
    await registerCollectivite(store, { siren, nom: 'Dijon', departement: '021', arrondissement: '1', nature: '31', helios: [], registeredBy: 'admin' });
    await commands.execute(ask('rq-1'));
    await commands.execute({
      type: 'RecordClassification',
      data: { siren, at, dateClassification: '2026-01-02', sha256: 'f'.repeat(64), size: 10, messageId: 'EACT--PREF021-212102313-20260105-1.tar.gz' },
    });
    const loaded = await commands.load(siren);
    expect(loaded.registered).toBe(true);
    expect(loaded.state.current?.dateClassification).toBe('2026-01-02');
    expect(loaded.version).toBe(3n); // versions count from 1: registration, request, 7-2
    expect((await loadCollectivite(store, siren))?.nom).toBe('Dijon');
    const types = (await store.readStream(collectiviteStreamId(siren))).map((event) => event.type);
    expect(types).toEqual([
      'relais.collectivite.v1.CollectiviteRegistered',
      'relais.collectivite.v1.ClassificationRequested',
      'relais.collectivite.v1.ClassificationReceived',
    ]);
  });

  it('decides again when two writers race, and records one request', async () => {
    const other = '212500565';
    await registerCollectivite(store, { siren: other, nom: 'Besançon', departement: '025', arrondissement: '1', nature: '31', helios: [], registeredBy: 'admin' });
    await Promise.all([commands.execute({ ...ask('rq-a'), data: { ...ask('rq-a').data, siren: other } }), commands.execute({ ...ask('rq-b'), data: { ...ask('rq-b').data, siren: other } })]);
    expect((await commands.load(other)).state.requests).toHaveLength(1);
  });
});
