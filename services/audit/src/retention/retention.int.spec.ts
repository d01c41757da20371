import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { acte, eventsOf } from '@relais/domain/testing';
import { migrate, PostgresEventStore, processNextBatch, verifyHashChain } from '@relais/event-store';
import { isSealed, migratePrivacy, PersonalDataKeys, sealActe } from '@relais/privacy';
import { migrateReadModels, projectTransmissionEvents, TRANSMISSIONS_CHECKPOINT } from '@relais/read-models';
import { TransmissionCommands } from '@relais/service-kit';
import { createTestDatabase, type TestDatabase, waitUntilReadable } from '@relais/testing';
import { Retention } from './retention.js';

let db: TestDatabase;
let store: PostgresEventStore;
Logger.overrideLogger(false);

async function append(id: string, events: readonly TransmissionEvent[]): Promise<void> {
  await store.append(`transmission-${id}`, 'any', events.map((event) => ({ eventId: randomUUID(), ...toStored(event) })));
}

async function project(): Promise<void> {
  await waitUntilReadable(db.pool);
  while ((await processNextBatch(db.pool, store, TRANSMISSIONS_CHECKPOINT, 100, (events, client) => projectTransmissionEvents(client, events))).processed > 0);
}

beforeAll(async () => {
  db = await createTestDatabase('relais_retention');
  await migrate(db.pool);
  await migrateReadModels(db.pool);
  await migratePrivacy(db.pool);
  // Recorded when the facts happened (the samples' day), as a year-old history would be.
  const at = new Date(eventsOf('x').validated().data.at);
  store = new PostgresEventStore(db.pool, { clock: () => at });
  const keys = new PersonalDataKeys(db.pool);
  for (const id of ['ret-done', 'ret-open']) {
    const e = eventsOf(id);
    const sealed = sealActe(id, await keys.keyFor(id), acte);
    const steps = [e.received(sealed), e.validated(), e.routed()];
    await append(id, id === 'ret-done' ? [...steps, e.sent(), e.acknowledged()] : steps);
  }
  await project();
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('the retention of personal data', () => {
  it('shreds a finished transmission after the period, never one in flight, once, and the log still verifies', async () => {
    const at = new Date(eventsOf('x').validated().data.at);
    const days = (n: number) => new Date(at.getTime() + n * 86_400_000);
    const commands = new TransmissionCommands(store);
    expect(await new Retention(db.pool, commands, 30, new Logger(), () => days(29)).round()).toEqual({ finished: 0, shredded: 0 });

    const retention = new Retention(db.pool, commands, 30, new Logger(), () => days(31));
    expect(await retention.round()).toEqual({ finished: 0, shredded: 1 });
    const { rows } = await db.pool.query<{ type: string; data: { reason: string; requestedBy: string } }>(
      `SELECT type, data FROM events WHERE stream_id = 'transmission-ret-done' ORDER BY stream_version DESC LIMIT 1`,
    );
    expect(rows[0]?.type).toMatch(/PersonalDataShredded$/);
    expect(rows[0]?.data.requestedBy).toBe('relais');
    const keys = await db.pool.query<{ subject_id: string; key: Buffer | null }>('SELECT subject_id, key FROM personal_data_keys ORDER BY subject_id');
    expect(keys.rows.map((r) => [r.subject_id, r.key === null])).toEqual([
      ['ret-done', true],
      ['ret-open', false],
    ]);
    // The log still holds only the sealed objet, and every hash holds.
    const received = await db.pool.query<{ text: string }>(`SELECT data::text AS text FROM events WHERE stream_id = 'transmission-ret-done' AND stream_version = 1`);
    const stored = received.rows[0]?.text ?? '';
    expect(stored).not.toContain(acte.objet);
    expect(isSealed(/"(relais:sealed:v1:[^"]+)"/.exec(stored)?.[1] ?? '')).toBe(true);
    expect(await verifyHashChain(db.pool)).toMatchObject({ ok: true });

    // Again, before and after the projector saw the shredding: nothing more.
    expect(await retention.round()).toEqual({ finished: 0, shredded: 0 });
    await project();
    expect(await retention.round()).toEqual({ finished: 0, shredded: 0 });
    const view = await db.pool.query<{ objet: string | null }>(`SELECT view->'acte'->>'objet' AS objet FROM transmissions WHERE id = 'ret-done'`);
    expect(view.rows[0]?.objet).toBeNull();
  });
});
