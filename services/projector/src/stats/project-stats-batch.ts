import { processNextBatch, type AllEventsReader, type ProcessedBatch } from '@relais/event-store';
import { projectStatsEvents, STATS_CHECKPOINT_NAME } from '@relais/read-models';
import type pg from 'pg';

/** Projects the next `limit` events into the statistics, in the same transaction as their checkpoint. */
export function projectStatsBatch(pool: pg.Pool, store: AllEventsReader, limit: number): Promise<ProcessedBatch> {
  return processNextBatch(pool, store, STATS_CHECKPOINT_NAME, limit, (events, client) => projectStatsEvents(client, events));
}
