import type { StoredEvent } from '@relais/event-store';
import type pg from 'pg';
import type { MigrationInterface } from 'typeorm';
import { CreateTransmissions1764360000000 } from '../migrations/1764360000000-create-transmissions.js';
import { CreateStats1764500000000 } from '../migrations/1764500000000-create-stats.js';
import { STATS_CHECKPOINT_NAME } from '../stats/stats.queries.js';
import { projectStatsEvents, statsRebuilder } from './stats.projection.js';
import { projectTransmissionEvents, type Rebuilder, TRANSMISSIONS_CHECKPOINT, transmissionsRebuilder } from './transmissions.projection.js';

/** A read model built from the log: what the projector keeps live and `audit replay` rebuilds. */
export interface Projection {
  readonly name: 'transmissions' | 'stats';
  /** Its row in `checkpoints`. */
  readonly checkpoint: string;
  /** Its tables (a partitioned table's partitions go with it). */
  readonly tables: readonly string[];
  /** The migrations that create its tables, applied in order. */
  readonly migrations: readonly (new () => MigrationInterface)[];
  /** Folds a batch in, through `client`, writing unqualified table names (the search_path decides which). */
  project(client: pg.PoolClient, events: readonly StoredEvent[], options: { rebuilding: boolean }): Promise<void>;
  /** The same fold over a whole log in memory, written once at the end (same rows as `project`, batch after batch). */
  rebuilder(): Rebuilder;
}

export const PROJECTIONS: readonly Projection[] = [
  {
    name: 'transmissions',
    checkpoint: TRANSMISSIONS_CHECKPOINT,
    tables: ['transmissions'],
    migrations: [CreateTransmissions1764360000000],
    project: (client, events) => projectTransmissionEvents(client, events),
    rebuilder: transmissionsRebuilder,
  },
  {
    name: 'stats',
    checkpoint: STATS_CHECKPOINT_NAME,
    tables: [
      'stats_collectivites',
      'stats_transmissions',
      'stats_transitions',
      'stats_counts',
      'stats_dimension_counts',
      'stats_latency',
      'stats_window_use',
    ],
    migrations: [CreateStats1764500000000],
    project: (client, events, { rebuilding }) => projectStatsEvents(client, events, { notify: !rebuilding }),
    rebuilder: statsRebuilder,
  },
];
