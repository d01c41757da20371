import type { StoredEvent } from '@relais/event-store';
import type pg from 'pg';
import { TRANSMISSION_TYPE_PREFIX, transmissionEventOf } from './decode.js';
import { aggregateStats, foldStats } from '../stats/stats-fold.js';
import { STATS_CHANNEL } from '../stats/stats.queries.js';
import type { StatsCollectivite, StatsDeltas, StatsInput, StatsTransmission, Transition } from '../stats/stats-fold.js';
import { copyInto, copyLine, copyLines } from './copy.js';
import { StatsBuckets } from './stats-buckets.js';
import { sharedTable } from './shared-rows.js';
import type { Rebuilder } from './transmissions.projection.js';


const COLLECTIVITE_REGISTERED = 'relais.collectivite.v1.CollectiviteRegistered';

/**
 * Projects a batch of events into the statistics, through `client` (in the caller's transaction, beside
 * the checkpoint): decode → load the rows the batch touches (two queries) → fold and aggregate in memory
 * (pure) → one statement per table, each key written once. Events already folded into a row (a
 * redelivery, a replay from an older checkpoint) change nothing. `notify` (default true) wakes the live
 * dashboards at commit; a rebuild into other tables does not.
 */
export async function projectStatsEvents(client: pg.PoolClient, events: readonly StoredEvent[], options: { notify?: boolean } = {}): Promise<void> {
  const inputs = decodeStatsInputs(events);
  if (inputs.length === 0) return;
  const ids = new Set<string>();
  const sirens = new Set<string>();
  for (const input of inputs) {
    if (input.kind === 'transmission') {
      ids.add(input.event.data.transmissionId);
      if (input.event.type === 'TransmissionReceived') sirens.add(input.event.data.siren);
    }
  }
  const [known, places] = await Promise.all([loadRows(client, [...ids]), loadCollectivites(client, [...sirens])]);
  const changes = foldStats(known, places, inputs);
  if (changes.transmissions.size === 0 && changes.collectivites.size === 0) return;
  await writeCollectivites(client, changes.collectivites);
  await writeRows(client, [...changes.transmissions.values()]);
  await writeTransitions(client, changes.transitions);
  await writeDeltas(client, aggregateStats(changes.transitions, changes.windowUses));
  const last = events.at(-1)?.globalPosition ?? 0n;
  if (options.notify !== false) await client.query('SELECT pg_notify($1, $2)', [STATS_CHANNEL, last.toString()]);
}

/**
 * The statistics folded in memory (each page with only the rows it touches, as the live path loads
 * them), then every row, transition and bucket written once, added up over the whole log.
 */
export function statsRebuilder(): Rebuilder {
  const rows = new Map<string, StatsTransmission>();
  const places = new Map<string, StatsCollectivite>();
  // A transition never changes once made: kept as its COPY line, and counted into the buckets at once.
  const transitionLines: string[] = [];
  const buckets = new StatsBuckets();
  return {
    add(events) {
      const inputs = decodeStatsInputs(events);
      if (inputs.length === 0) return;
      const known = new Map<string, StatsTransmission>();
      for (const input of inputs) {
        if (input.kind !== 'transmission') continue;
        const row = rows.get(input.event.data.transmissionId);
        if (row !== undefined) known.set(row.id, row);
      }
      const changes = foldStats(known, places, inputs);
      for (const [id, row] of changes.transmissions) rows.set(id, row);
      for (const [siren, place] of changes.collectivites) places.set(siren, place);
      for (const t of changes.transitions) {
        transitionLines.push(copyLine([t.transmissionId, t.outcome, t.at, t.kind, t.siren, t.departement, t.nature, t.latencyMs, t.reasons]));
        buckets.addTransition(t);
      }
      for (const use of changes.windowUses) buckets.addWindowUse(use);
    },
    async writeOwn(client) {
      const all = [...rows.values()];
      await copyInto(
        client,
        'stats_transmissions',
        ['id', 'kind', 'siren', 'departement', 'nature', 'label', 'status', 'received_at', 'status_at', 'endpoint_id', 'size', 'reached', 'last_position'],
        all.map((r) => [r.id, r.kind, r.siren, r.departement, r.nature, r.label, r.status, r.receivedAt, r.statusAt, r.endpointId, r.size, r.reached, r.lastPosition]),
      );
      await copyLines(client, 'stats_transitions', ['transmission_id', 'outcome', 'at', 'kind', 'siren', 'departement', 'nature', 'latency_ms', 'reasons'], transitionLines);
      return all.length + transitionLines.length;
    },
    shared() {
      return [
        // Every partition reads every registration: the same rows in each.
        sharedTable('stats_collectivites', { key: ['siren', 'departement', 'nom'], values: [] }, 'same', places, ([siren, c]) => [siren, c.departement, c.nom], () => []),
        ...buckets.tables(),
      ];
    },
  };
}

/** The events of a batch the statistics read: transmissions' and collectivités' registrations. */
export function decodeStatsInputs(events: readonly StoredEvent[]): StatsInput[] {
  const inputs: StatsInput[] = [];
  for (const stored of events) {
    if (stored.type.startsWith(TRANSMISSION_TYPE_PREFIX)) {
      inputs.push({ kind: 'transmission', event: transmissionEventOf(stored), position: stored.globalPosition, recordedAt: stored.recordedAt });
    } else if (stored.type === COLLECTIVITE_REGISTERED) {
      const { siren, departement, nom } = stored.data as { siren?: unknown; departement?: unknown; nom?: unknown };
      if (typeof siren !== 'string') continue;
      inputs.push({
        kind: 'collectivite',
        siren,
        departement: typeof departement === 'string' ? departement : '',
        nom: typeof nom === 'string' ? nom : '',
        position: stored.globalPosition,
        recordedAt: stored.recordedAt,
      });
    }
  }
  return inputs;
}

interface RowRecord {
  id: string;
  kind: 'acte' | 'pes';
  siren: string;
  departement: string;
  nature: string;
  label: string;
  status: StatsTransmission['status'];
  received_at: Date;
  status_at: Date;
  endpoint_id: string | null;
  size: string | null;
  reached: StatsTransmission['reached'];
  last_position: string;
}

async function loadRows(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, StatsTransmission>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<RowRecord>(
    `SELECT id, kind, siren, departement, nature, label, status, received_at, status_at, endpoint_id,
            size::text, reached, last_position::text
       FROM stats_transmissions WHERE id = ANY($1::text[])`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        siren: r.siren,
        departement: r.departement,
        nature: r.nature,
        label: r.label,
        status: r.status,
        receivedAt: r.received_at.toISOString(),
        statusAt: r.status_at.toISOString(),
        endpointId: r.endpoint_id,
        size: r.size === null ? null : Number(r.size),
        reached: r.reached,
        lastPosition: r.last_position,
      },
    ]),
  );
}

async function loadCollectivites(client: pg.PoolClient, sirens: readonly string[]): Promise<Map<string, StatsCollectivite>> {
  if (sirens.length === 0) return new Map();
  const { rows } = await client.query<{ siren: string; departement: string; nom: string }>(
    'SELECT siren, departement, nom FROM stats_collectivites WHERE siren = ANY($1::text[])',
    [sirens],
  );
  return new Map(rows.map((r) => [r.siren, { departement: r.departement, nom: r.nom }]));
}

async function writeCollectivites(client: pg.PoolClient, changed: ReadonlyMap<string, StatsCollectivite>): Promise<void> {
  if (changed.size === 0) return;
  const records = [...changed].map(([siren, c]) => ({ siren, departement: c.departement, nom: c.nom }));
  await client.query(
    `INSERT INTO stats_collectivites (siren, departement, nom)
     SELECT r.siren, r.departement, r.nom FROM jsonb_to_recordset($1::jsonb) AS r(siren text, departement text, nom text)
     ON CONFLICT (siren) DO UPDATE SET departement = EXCLUDED.departement, nom = EXCLUDED.nom`,
    [JSON.stringify(records)],
  );
}

async function writeRows(client: pg.PoolClient, rows: readonly StatsTransmission[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO stats_transmissions
       (id, kind, siren, departement, nature, label, status, received_at, status_at, endpoint_id, size, reached, last_position)
     SELECT r.id, r.kind, r.siren, r.departement, r.nature, r.label, r.status, r."receivedAt", r."statusAt",
            r."endpointId", r.size, ARRAY(SELECT jsonb_array_elements_text(r.reached)), r."lastPosition"
       FROM jsonb_to_recordset($1::jsonb) AS r(
         id text, kind text, siren text, departement text, nature text, label text, status text,
         "receivedAt" timestamptz, "statusAt" timestamptz, "endpointId" text, size bigint, reached jsonb, "lastPosition" bigint)
     ON CONFLICT (id) DO UPDATE SET
       status = EXCLUDED.status, status_at = EXCLUDED.status_at, endpoint_id = EXCLUDED.endpoint_id,
       size = EXCLUDED.size, reached = EXCLUDED.reached, last_position = EXCLUDED.last_position`,
    [JSON.stringify(rows)],
  );
}

async function writeTransitions(client: pg.PoolClient, transitions: readonly Transition[]): Promise<void> {
  if (transitions.length === 0) return;
  // The primary key (transmission, outcome) backs the fold's own guard: a transition is stored once.
  await client.query(
    `INSERT INTO stats_transitions (transmission_id, outcome, at, kind, siren, departement, nature, latency_ms, reasons)
     SELECT r."transmissionId", r.outcome, r.at, r.kind, r.siren, r.departement, r.nature, r."latencyMs",
            ARRAY(SELECT jsonb_array_elements_text(r.reasons))
       FROM jsonb_to_recordset($1::jsonb) AS r(
         "transmissionId" text, outcome text, at timestamptz, kind text, siren text, departement text,
         nature text, "latencyMs" bigint, reasons jsonb)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(transitions)],
  );
}

async function writeDeltas(client: pg.PoolClient, deltas: StatsDeltas): Promise<void> {
  if (deltas.counts.length > 0) {
    await client.query(
      `INSERT INTO stats_counts (granularity, bucket, kind, outcome, n)
       SELECT r.granularity, r.bucket, r.kind, r.outcome, r.n
         FROM jsonb_to_recordset($1::jsonb) AS r(granularity text, bucket timestamptz, kind text, outcome text, n bigint)
       ON CONFLICT (granularity, bucket, kind, outcome) DO UPDATE SET n = stats_counts.n + EXCLUDED.n`,
      [JSON.stringify(deltas.counts)],
    );
  }
  if (deltas.dimensionCounts.length > 0) {
    await client.query(
      `INSERT INTO stats_dimension_counts (granularity, dimension, bucket, value, kind, outcome, n)
       SELECT r.granularity, r.dimension, r.bucket, r.value, r.kind, r.outcome, r.n
         FROM jsonb_to_recordset($1::jsonb) AS r(
           granularity text, dimension text, bucket timestamptz, value text, kind text, outcome text, n bigint)
       ON CONFLICT (dimension, granularity, bucket, value, kind, outcome)
         DO UPDATE SET n = stats_dimension_counts.n + EXCLUDED.n`,
      [JSON.stringify(deltas.dimensionCounts)],
    );
  }
  if (deltas.latency.length > 0) {
    await client.query(
      `INSERT INTO stats_latency (granularity, bucket, kind, metric, bin, n)
       SELECT r.granularity, r.bucket, r.kind, r.metric, r.bin, r.n
         FROM jsonb_to_recordset($1::jsonb) AS r(granularity text, bucket timestamptz, kind text, metric text, bin smallint, n bigint)
       ON CONFLICT (granularity, bucket, kind, metric, bin) DO UPDATE SET n = stats_latency.n + EXCLUDED.n`,
      [JSON.stringify(deltas.latency)],
    );
  }
  if (deltas.windows.length > 0) {
    await client.query(
      `INSERT INTO stats_window_use (endpoint_id, minute, bytes, sent, deferred)
       SELECT r."endpointId", r.minute, r.bytes, r.sent, r.deferred
         FROM jsonb_to_recordset($1::jsonb) AS r("endpointId" text, minute timestamptz, bytes bigint, sent bigint, deferred bigint)
       ON CONFLICT (endpoint_id, minute) DO UPDATE SET
         bytes = stats_window_use.bytes + EXCLUDED.bytes, sent = stats_window_use.sent + EXCLUDED.sent,
         deferred = stats_window_use.deferred + EXCLUDED.deferred`,
      [JSON.stringify(deltas.windows)],
    );
  }
}
