import type { TransmissionEvent } from '@relais/domain';
import type { StoredEvent } from '@relais/event-store';
import { PersonalDataKeys } from '@relais/privacy';
import type pg from 'pg';
import { copyInto } from './copy.js';
import type { SharedTable } from './shared-rows.js';
import { TRANSMISSION_TYPE_PREFIX, transmissionEventOf } from './decode.js';
import { evolveTransmissionView, hasSealedFields, revealView, type TransmissionView } from '../transmissions/transmission-view.js';

/** The checkpoint of the transmissions read model in the event store's `checkpoints`. */
export const TRANSMISSIONS_CHECKPOINT = 'projector:transmissions';


/**
 * Projects a batch of events into `transmissions`, through `client` (in the caller's transaction, beside
 * the checkpoint): decode → load the touched views in one query → fold → open the personal fields
 * (their keys in one query of `personal_data_keys`) → one upsert for the batch. Events of other
 * contexts are skipped. An undecodable transmission event fails the batch (nothing moves): a view
 * silently missing a step would be worse than a projector that stops and says why. The view holds
 * personal fields in clear (for the API and the auditors' search); a field whose key is shredded is
 * stored as null, and PersonalDataShredded blanks what was stored before (docs/personal-data.md).
 */
export async function projectTransmissionEvents(client: pg.PoolClient, events: readonly StoredEvent[]): Promise<void> {
  const decoded = decodeTransmissionEvents(events);
  if (decoded.length === 0) return;
  const ids = [...new Set(decoded.map(({ event }) => event.data.transmissionId))];
  const views = await loadViews(client, ids);
  const changed = new Map<string, { view: TransmissionView; position: bigint }>();
  for (const { event, stored } of decoded) {
    const id = event.data.transmissionId;
    const next = evolveTransmissionView(views.get(id), event, stored);
    if (next === undefined) continue;
    views.set(id, next);
    changed.set(id, { view: next, position: stored.globalPosition });
  }
  await upsertViews(client, await revealed(client, [...changed.values()]));
}

/** The changed views with their sealed fields opened, the keys of those that hold any read at once. */
async function revealed(
  client: pg.PoolClient,
  changed: readonly { view: TransmissionView; position: bigint }[],
): Promise<{ view: TransmissionView; position: bigint }[]> {
  const sealed = changed.filter(({ view }) => hasSealedFields(view)).map(({ view }) => view.id);
  if (sealed.length === 0) return [...changed];
  const ring = await new PersonalDataKeys(client).ring(sealed);
  return changed.map(({ view, position }) => ({ view: revealView(view, ring), position }));
}

/**
 * Folds a whole log, or the share of its streams a partition of a parallel replay reads, in memory;
 * then writes each row once (the rebuild's bulk path, see replay.ts).
 */
export interface Rebuilder {
  add(events: readonly StoredEvent[]): void;
  /**
   * Writes, through `client`, the rows that belong to the streams folded here alone (no other partition
   * holds them); returns how many.
   */
  writeOwn(client: pg.PoolClient): Promise<number>;
  /** The rows every partition contributes to, merged across partitions before they are written. */
  shared(): SharedTable[];
}

/** Views opened (their personal fields) and written per round when a rebuild writes. */
const WRITE_CHUNK = 5_000;

/** The transmissions read model folded in memory, every view written once at the end. */
export function transmissionsRebuilder(): Rebuilder {
  const views = new Map<string, { view: TransmissionView; position: bigint }>();
  return {
    add(events) {
      for (const { event, stored } of decodeTransmissionEvents(events)) {
        const id = event.data.transmissionId;
        const next = evolveTransmissionView(views.get(id)?.view, event, stored);
        if (next !== undefined) views.set(id, { view: next, position: stored.globalPosition });
      }
    },
    async writeOwn(client) {
      const all = [...views.values()];
      for (let i = 0; i < all.length; i += WRITE_CHUNK) {
        const chunk = await revealed(client, all.slice(i, i + WRITE_CHUNK));
        await copyInto(
          client,
          'transmissions',
          ['id', 'siren', 'kind', 'status', 'created_at', 'updated_at', 'view', 'last_position'],
          chunk.map(({ view, position }) => [view.id, view.siren, view.kind, view.status, view.createdAt, view.updatedAt, { json: view }, position]),
        );
      }
      return all.length;
    },
    shared: () => [],
  };
}

interface Decoded {
  readonly event: TransmissionEvent;
  readonly stored: StoredEvent;
}

function decodeTransmissionEvents(events: readonly StoredEvent[]): Decoded[] {
  return events
    .filter((stored) => stored.type.startsWith(TRANSMISSION_TYPE_PREFIX))
    .map((stored) => ({ event: transmissionEventOf(stored), stored }));
}

async function loadViews(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, TransmissionView>> {
  const { rows } = await client.query<{ id: string; view: TransmissionView }>(
    'SELECT id, view FROM transmissions WHERE id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.view]));
}

async function upsertViews(
  client: pg.PoolClient,
  changed: readonly { view: TransmissionView; position: bigint }[],
): Promise<void> {
  if (changed.length === 0) return;
  const records = changed.map(({ view, position }) => ({
    id: view.id,
    siren: view.siren,
    kind: view.kind,
    status: view.status,
    created_at: view.createdAt,
    updated_at: view.updatedAt,
    view,
    last_position: position.toString(),
  }));
  await client.query(
    `INSERT INTO transmissions (id, siren, kind, status, created_at, updated_at, view, last_position)
     SELECT r.id, r.siren, r.kind, r.status, r.created_at, r.updated_at, r.view, r.last_position
       FROM jsonb_to_recordset($1::jsonb) AS r(
         id text, siren text, kind text, status text, created_at timestamptz, updated_at timestamptz,
         view jsonb, last_position bigint)
     ON CONFLICT (id) DO UPDATE SET
       siren = EXCLUDED.siren, kind = EXCLUDED.kind, status = EXCLUDED.status,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
       view = EXCLUDED.view, last_position = EXCLUDED.last_position`,
    [JSON.stringify(records)],
  );
}
