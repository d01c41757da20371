import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '@relais/event-store';
import type { TestDatabase } from '@relais/testing';
import { appendTransmission, projectAll, projectorDatabase } from '../../test/database.js';
import { eventsOf, otherSiren, pes, siren } from '@relais/domain/testing';
import { getTransmission, listTransmissions, TransmissionQueryError, type ListTransmissionsQuery } from '@relais/read-models';
import type { TransmissionView } from '@relais/read-models';

let db: TestDatabase;
let store: PostgresEventStore;

/* Nine transmissions: actes and PES files of two collectivités at several statuses. Several are in one
   append, so they share a creation time and paging must break ties by id. */
beforeAll(async () => {
  db = await projectorDatabase();
  store = new PostgresEventStore(db.pool);
  for (let i = 1; i <= 9; i++) {
    const id = `tr-${i}`;
    const e = eventsOf(id, i % 3 === 0 ? otherSiren : siren);
    const events = i % 2 === 0 ? [e.received(pes), e.validated()] : [e.received(), e.validated(), e.routed(), e.sent()];
    await appendTransmission(store, id, i === 5 ? [e.received(), e.rejected()] : events);
  }
  await projectAll(db.pool, store, 100);
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

/** Every page of a query, following `next`. */
async function allPages(query: Omit<ListTransmissionsQuery, 'after'>): Promise<TransmissionView[][]> {
  const pages: TransmissionView[][] = [];
  let after: string | undefined;
  do {
    const page = await listTransmissions(db.pool, { ...query, ...(after === undefined ? {} : { after }) });
    pages.push([...page.items]);
    after = page.next;
  } while (after !== undefined);
  return pages;
}

const newestFirst = (a: TransmissionView, b: TransmissionView): number =>
  b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

describe('getTransmission', () => {
  it('answers the view, to anyone without a siren and to its own collectivité', async () => {
    expect(await getTransmission(db.pool, 'tr-1')).toMatchObject({ id: 'tr-1', siren, kind: 'acte', status: 'sent' });
    expect(await getTransmission(db.pool, 'tr-1', { siren })).toMatchObject({ id: 'tr-1' });
  });

  it('answers null for another collectivité and for an unknown id', async () => {
    expect(await getTransmission(db.pool, 'tr-1', { siren: otherSiren })).toBeNull();
    expect(await getTransmission(db.pool, 'tr-404')).toBeNull();
  });
});

describe('listTransmissions', () => {
  it('pages through everything newest first, without skipping or repeating, next absent at the end', async () => {
    const pages = await allPages({ limit: 2 });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2, 1]);
    const items = pages.flat();
    expect(new Set(items.map((v) => v.id)).size).toBe(9);
    expect(items).toEqual([...items].sort(newestFirst));
    const whole = await listTransmissions(db.pool, { limit: 9 });
    expect(whole.next).toBeUndefined();
    expect(whole.items).toEqual(items);
  });

  it('filters by siren, status and kind, together with paging', async () => {
    const ids = async (query: Omit<ListTransmissionsQuery, 'after'>): Promise<string[]> =>
      (await allPages(query)).flat().map((v) => v.id).sort();
    expect(await ids({ limit: 2, siren: otherSiren })).toEqual(['tr-3', 'tr-6', 'tr-9']);
    expect(await ids({ limit: 2, kind: 'pes' })).toEqual(['tr-2', 'tr-4', 'tr-6', 'tr-8']);
    expect(await ids({ limit: 1, status: 'sent' })).toEqual(['tr-1', 'tr-3', 'tr-7', 'tr-9']);
    expect(await ids({ limit: 5, status: 'rejected' })).toEqual(['tr-5']);
    expect(await ids({ limit: 5, siren, kind: 'acte', status: 'sent' })).toEqual(['tr-1', 'tr-7']);
    expect(await ids({ limit: 5, status: 'cancelled' })).toEqual([]);
  });

  it('refuses a cursor it did not make and a limit out of range, with stable codes', async () => {
    for (const after of ['nope', Buffer.from('["yesterday","tr-1"]').toString('base64url')]) {
      await expect(listTransmissions(db.pool, { limit: 2, after })).rejects.toMatchObject({
        code: 'TRANSMISSIONS.INVALID_CURSOR',
      });
    }
    for (const limit of [0, 1.5, 1001]) {
      await expect(listTransmissions(db.pool, { limit })).rejects.toBeInstanceOf(TransmissionQueryError);
    }
  });
});
