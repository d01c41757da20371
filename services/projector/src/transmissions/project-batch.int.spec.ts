import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { loadCheckpoint, PostgresEventStore } from '@relais/event-store';
import type { TestDatabase } from '@relais/testing';
import {
  appendTransmission,
  projectAll,
  projectorDatabase,
  readModelRows,
  waitUntilReadable,
} from '../../test/database.js';
import { acte, acteAck, eventsOf, idActe, invalidObjet, otherSiren, pes, siren } from '@relais/domain/testing';
import { PersonalData, shredPersonalData } from '@relais/privacy';
import { TransmissionCommands } from '@relais/service-kit';
import { projectNextBatch, TRANSMISSIONS_CHECKPOINT } from './project-batch.js';
import { getTransmission } from '@relais/read-models';

async function recordedTimes(db: TestDatabase, id: string): Promise<{ first: string; last: string }> {
  const { rows } = await db.pool.query<{ first: Date; last: Date }>(
    'SELECT min(recorded_at) AS first, max(recorded_at) AS last FROM events WHERE stream_id = $1',
    [`transmission-${id}`],
  );
  return { first: rows[0]!.first.toISOString(), last: rows[0]!.last.toISOString() };
}

describe('projectNextBatch', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const a = eventsOf('tr-a');
  const b = eventsOf('tr-b');
  const c = eventsOf('tr-c');
  const d = eventsOf('tr-d', otherSiren);

  beforeAll(async () => {
    db = await projectorDatabase();
    store = new PostgresEventStore(db.pool);
    await appendTransmission(store, 'tr-a', [a.received(), a.validated(), a.routed()]);
    await appendTransmission(store, 'tr-b', [b.received(), b.rejected()]);
    await store.append('other-1', 'no_stream', [{ eventId: randomUUID(), type: 'relais.other.v1.Noise', data: { n: 1 } }]);
    await appendTransmission(store, 'tr-c', [c.received(pes), c.validated(), c.routed('helios'), c.sent(), c.partiallyAccepted()]);
    await appendTransmission(store, 'tr-a', [a.sent(), a.acknowledged()]);
    await appendTransmission(store, 'tr-d', [d.received(), d.validated(), d.routed(), d.attemptFailed(1), d.failed(1)]);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('projects the log into one row per transmission, in the API shape, skipping other contexts', async () => {
    expect(await projectAll(db.pool, store, 4)).toBeGreaterThanOrEqual(5);
    const times = await recordedTimes(db, 'tr-a');
    expect(await getTransmission(db.pool, 'tr-a')).toEqual({
      id: 'tr-a',
      kind: 'acte',
      siren,
      status: 'acknowledged',
      createdAt: times.first,
      updatedAt: times.last,
      errors: [],
      acte: { numeroInterne: 'DEL2026_001', nature: 'DE', classification: '7.1', objet: 'Budget primitif 2026', idActe },
      acknowledgment: { at: times.last, idActe, dateReception: acteAck.dateReception },
    });
    expect(await getTransmission(db.pool, 'tr-b')).toMatchObject({ status: 'rejected', errors: [invalidObjet] });
    expect(await getTransmission(db.pool, 'tr-c')).toMatchObject({ kind: 'pes', status: 'partially_accepted' });
    expect(await getTransmission(db.pool, 'tr-d')).toMatchObject({ siren: otherSiren, status: 'failed' });
    const { rows } = await db.pool.query<{ id: string; status: string; last_position: string; expected: string }>(
      `SELECT t.id, t.status, t.last_position::text,
              (SELECT max(global_position) FROM events e WHERE e.stream_id = 'transmission-' || t.id)::text AS expected
         FROM transmissions t ORDER BY id`,
    );
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['tr-a', 'acknowledged'],
      ['tr-b', 'rejected'],
      ['tr-c', 'partially_accepted'],
      ['tr-d', 'failed'],
    ]);
    for (const row of rows) expect(row.last_position).toBe(row.expected);
  });

  it('changes nothing when run again after catching up', async () => {
    const before = await readModelRows(db.pool);
    const checkpoint = await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT);
    expect(await projectNextBatch(db.pool, store, 100)).toEqual({ processed: 0, checkpoint });
    expect(await readModelRows(db.pool)).toEqual(before);
  });

  it('carries on from the stored views when a transmission moves later', async () => {
    await appendTransmission(store, 'tr-d', [d.retryRequested(), d.sent(2), d.acknowledged()]);
    await projectAll(db.pool, store, 100);
    const view = await getTransmission(db.pool, 'tr-d');
    expect(view).toMatchObject({ status: 'acknowledged', errors: [], acte: { idActe } });
    expect(view?.createdAt).toBe((await recordedTimes(db, 'tr-d')).first);
  });

  it('gives the same rows in small batches as in one big batch', async () => {
    const reset = async (): Promise<void> => {
      await db.pool.query('DELETE FROM transmissions');
      await db.pool.query('DELETE FROM checkpoints WHERE name = $1', [TRANSMISSIONS_CHECKPOINT]);
    };
    const incremental = await readModelRows(db.pool);
    await reset();
    expect(await projectAll(db.pool, store, 10_000)).toBe(1);
    const oneBatch = await readModelRows(db.pool);
    await reset();
    await projectAll(db.pool, store, 1);
    expect(await readModelRows(db.pool)).toEqual(oneBatch);
    expect(oneBatch).toEqual(incremental);
    expect(oneBatch).toHaveLength(4);
  });
});

describe('projectNextBatch on an undecodable transmission event', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await projectorDatabase();
    store = new PostgresEventStore(db.pool);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('fails the whole batch: neither rows nor checkpoint move', async () => {
    const x = eventsOf('tr-x');
    await appendTransmission(store, 'tr-x', [x.received(), x.validated()]);
    await store.append('transmission-tr-x', 'any', [
      { eventId: randomUUID(), type: 'relais.transmission.v1.TransmissionRouted', data: { transmissionId: 'tr-x', at: 'never' } },
    ]);
    await waitUntilReadable(db.pool);
    await expect(projectNextBatch(db.pool, store, 100)).rejects.toMatchObject({ code: 'TRANSMISSION.UNDECODABLE_EVENT' });
    expect(await readModelRows(db.pool)).toEqual([]);
    expect(await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT)).toBeNull();
  });

});

describe('projectNextBatch when the write fails', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await projectorDatabase();
    store = new PostgresEventStore(db.pool);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('rolls the upsert back with the checkpoint, and projects the same events once the fault is gone', async () => {
    const ok = eventsOf('tr-ok');
    const boom = eventsOf('tr-boom');
    await appendTransmission(store, 'tr-ok', [ok.received()]);
    await projectAll(db.pool, store, 100);
    const before = await readModelRows(db.pool);
    const checkpoint = await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT);
    await db.pool.query(`
      CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = 'tr-boom' THEN RAISE EXCEPTION 'boom'; END IF;
        RETURN NEW;
      END $$`);
    await db.pool.query(
      'CREATE TRIGGER refuse_boom BEFORE INSERT OR UPDATE ON transmissions FOR EACH ROW EXECUTE FUNCTION refuse_boom()',
    );
    await appendTransmission(store, 'tr-ok', [ok.validated()]);
    await appendTransmission(store, 'tr-boom', [boom.received()]);
    await waitUntilReadable(db.pool);

    await expect(projectNextBatch(db.pool, store, 100)).rejects.toThrow('boom');
    expect(await readModelRows(db.pool)).toEqual(before);
    expect(await loadCheckpoint(db.pool, TRANSMISSIONS_CHECKPOINT)).toEqual(checkpoint);

    await db.pool.query('DROP TRIGGER refuse_boom ON transmissions');
    await projectAll(db.pool, store, 100);
    expect(await getTransmission(db.pool, 'tr-ok')).toMatchObject({ status: 'validated' });
    expect(await getTransmission(db.pool, 'tr-boom')).toMatchObject({ status: 'received' });
  });
});

describe('projectNextBatch on personal data', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let commands: TransmissionCommands;
  let privacy: PersonalData;
  const objet = 'Arrêté individuel : nomination de Mme Camille Durand';

  beforeAll(async () => {
    db = await projectorDatabase();
    store = new PostgresEventStore(db.pool);
    commands = new TransmissionCommands(store);
    privacy = new PersonalData(db.pool);
    for (const id of ['tr-p1', 'tr-p2']) {
      const sealed = await privacy.sealActe(id, { ...acte, nature: 'AI', objet });
      await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at: '2026-01-05T09:00:00.000Z', siren, acte: sealed } });
    }
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const plaintextViews = async (): Promise<string[]> => {
    const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM transmissions WHERE view::text LIKE '%Durand%' ORDER BY id");
    return rows.map((row) => row.id);
  };

  it('opens the sealed objet into the view, which the API and the auditors’ search read', async () => {
    await projectAll(db.pool, store, 10);
    expect(await getTransmission(db.pool, 'tr-p1')).toMatchObject({ acte: { objet } });
    expect(await plaintextViews()).toEqual(['tr-p1', 'tr-p2']);
  });

  it('blanks it once the personal data are shredded, and a rebuild from scratch never brings it back', async () => {
    await shredPersonalData({ commands, keys: privacy.keys }, { type: 'ShredPersonalData', data: { transmissionId: 'tr-p1', at: new Date().toISOString(), reason: 'demande RGPD', requestedBy: 'token:admin' } });
    await projectAll(db.pool, store, 10);
    expect(await getTransmission(db.pool, 'tr-p1')).toMatchObject({ status: 'received', personalDataShredded: true, acte: { objet: null } });
    expect(await plaintextViews()).toEqual(['tr-p2']);

    await db.pool.query('TRUNCATE transmissions');
    await db.pool.query('DELETE FROM checkpoints WHERE name = $1', [TRANSMISSIONS_CHECKPOINT]);
    await projectAll(db.pool, store, 1);
    expect(await getTransmission(db.pool, 'tr-p1')).toMatchObject({ personalDataShredded: true, acte: { objet: null } });
    expect(await getTransmission(db.pool, 'tr-p2')).toMatchObject({ acte: { objet } });
    expect(await plaintextViews()).toEqual(['tr-p2']);
  });
});
