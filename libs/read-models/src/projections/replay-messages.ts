import type { EventTextRow } from '@relais/event-store';
import type pg from 'pg';
import type { SharedTable } from './shared-rows.js';

/** What a replay worker is started with. */
export interface ReplayWorkerData {
  readonly projections: readonly string[];
  readonly connection: pg.PoolConfig;
  /** The rebuild's schema, first in the worker's search_path. */
  readonly schema: string;
}

/** Main thread → worker: a page of its partition's rows, in reading order; then the order to write. */
export type ToReplayWorker = { readonly kind: 'rows'; readonly rows: readonly EventTextRow[] } | { readonly kind: 'write' };

/** Worker → main thread: a page folded (the main thread sends more), its shared rows, its own rows written, or why it failed. */
export type FromReplayWorker =
  | { readonly kind: 'folded' }
  | { readonly kind: 'shared'; readonly shared: readonly (readonly SharedTable[])[] }
  | { readonly kind: 'written' }
  | { readonly kind: 'failed'; readonly error: string };
