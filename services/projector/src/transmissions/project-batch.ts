import { processNextBatch, type AllEventsReader, type ProcessedBatch } from '@relais/event-store';
import { projectTransmissionEvents, TRANSMISSIONS_CHECKPOINT } from '@relais/read-models';
import type pg from 'pg';

export { TRANSMISSIONS_CHECKPOINT };

/** Projects the next `limit` events of the log into `transmissions`, in the same transaction as their checkpoint. */
export function projectNextBatch(pool: pg.Pool, store: AllEventsReader, limit: number): Promise<ProcessedBatch> {
  return processNextBatch(pool, store, TRANSMISSIONS_CHECKPOINT, limit, (events, client) => projectTransmissionEvents(client, events));
}
