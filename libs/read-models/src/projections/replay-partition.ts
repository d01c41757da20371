import { type EventTextRow, type StoredEvent, storedEventFromText, withTransaction } from '@relais/event-store';
import type pg from 'pg';
import { TRANSMISSION_TYPE_PREFIX } from './decode.js';
import type { Projection } from './projections.js';
import type { SharedTable } from './shared-rows.js';
import type { Rebuilder } from './transmissions.projection.js';

/**
 * One share of a replay: the projections' rebuilders folding the events of some streams (all of them
 * when the replay runs in one thread). It runs the same in the main thread and in a worker thread.
 */
export class ReplayPartition {
  private rebuilders: Rebuilder[];

  constructor(projections: readonly Projection[]) {
    this.rebuilders = projections.map((p) => p.rebuilder());
  }

  /** Folds rows read as text (`readAllText`), parsed here: in a worker, the parsing is shared out too. */
  addText(rows: readonly EventTextRow[]): void {
    this.add(rows.map(storedEventFromText));
  }

  add(events: readonly StoredEvent[]): void {
    for (const rebuilder of this.rebuilders) rebuilder.add(events);
  }

  /** Per projection, the rows to merge with the other partitions' before writing (computed once the fold is over). */
  shared(): SharedTable[][] {
    return this.rebuilders.map((r) => r.shared());
  }

  /**
   * Writes each projection's own rows, at once, each in a transaction on its own connection of `pool`
   * (its search_path naming the rebuild's schema), then gives up the folded state.
   */
  async writeOwn(pool: pg.Pool): Promise<void> {
    await Promise.all(this.rebuilders.map((r) => withTransaction(pool, (client) => r.writeOwn(client))));
    this.rebuilders = [];
  }
}

/**
 * The partition that folds a stream's events: every event of a stream goes to the same one, so each
 * folds whole transmissions in their order. FNV-1a of the stream id.
 */
export function partitionOf(streamId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) hash = Math.imul(hash ^ streamId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}

/**
 * Events every partition reads: all but transmissions' (a collectivité's registration, which names the
 * département of its transmissions in whichever partition they fall; they are few).
 */
export function readByEveryPartition(type: string): boolean {
  return !type.startsWith(TRANSMISSION_TYPE_PREFIX);
}

/** Splits a page of rows (column 2: stream id, 5: type) into one page per partition, in their order. */
export function splitRows(rows: readonly EventTextRow[], partitions: number): EventTextRow[][] {
  const pages: EventTextRow[][] = Array.from({ length: partitions }, () => []);
  for (const row of rows) {
    if (readByEveryPartition(row[5])) for (const page of pages) page.push(row);
    else pages[partitionOf(row[2], partitions)]?.push(row);
  }
  return pages;
}
