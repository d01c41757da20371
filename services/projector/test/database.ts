import { randomUUID } from 'node:crypto';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { createTestDatabase, type TestDatabase, waitUntilReadable } from '@relais/testing';
import type pg from 'pg';
import { migratePrivacy } from '@relais/privacy';
import { migrateReadModels } from '@relais/read-models';
import { projectNextBatch } from '../src/transmissions/project-batch.js';

/** A new database with the event store's and the projector's tables, and the key store it reads. */
export async function projectorDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('relais_projector');
  await migrate(db.pool);
  await migrateReadModels(db.pool);
  await migratePrivacy(db.pool);
  return db;
}

/** Records the registration of collectivité `siren` (Dijon, département 021), as the gateway does. */
export async function registerDijon(store: PostgresEventStore, siren: string): Promise<void> {
  await store.append(`collectivite-${siren}`, 'no_stream', [
    {
      eventId: randomUUID(),
      type: 'relais.collectivite.v1.CollectiviteRegistered',
      data: { siren, at: '2026-01-01T00:00:00Z', nom: 'Dijon', departement: '021', arrondissement: '1', nature: '31', registeredBy: 'token:admin' },
    },
  ]);
}

/** Appends a transmission's events to its stream `transmission-<id>`, as the services store them. */
export async function appendTransmission(
  store: PostgresEventStore,
  id: string,
  events: readonly TransmissionEvent[],
): Promise<void> {
  const stored = events.map((event) => {
    const { type, data } = toStored(event);
    return { eventId: randomUUID(), type, data };
  });
  await store.append(`transmission-${id}`, 'any', stored);
}

/** Waits until every appended event is below the read horizon (see @relais/testing). */
export { waitUntilReadable };

/** Projects batch after batch until the log is consumed; returns how many batches did something. */
export async function projectAll(pool: pg.Pool, store: PostgresEventStore, limit: number): Promise<number> {
  await waitUntilReadable(pool);
  let batches = 0;
  while ((await projectNextBatch(pool, store, limit)).processed > 0) batches++;
  return batches;
}

/** Every row of the read model, in id order. */
export async function readModelRows(pool: pg.Pool): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT id, siren, kind, status, created_at, updated_at, view, last_position
       FROM transmissions ORDER BY id`,
  );
  return rows;
}
