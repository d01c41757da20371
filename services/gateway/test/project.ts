import { fromStored } from '@relais/domain';
import { evolveTransmissionView, type TransmissionView } from '@relais/read-models';
import type pg from 'pg';
import { shownView } from '../src/personal-data/shown.js';

/**
 * Fills the transmissions read model from the log the way the projector does (its own fold,
 * `evolveTransmissionView`, its personal fields opened), for tests of the list, which reads only the
 * read model.
 */
export async function projectTransmissions(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ stream_id: string; type: string; data: Record<string, never>; recorded_at: Date; global_position: string }>(
    `SELECT stream_id, type, data, recorded_at, global_position FROM events WHERE stream_id LIKE 'transmission-%' ORDER BY global_position`,
  );
  const views = new Map<string, { view: TransmissionView | undefined; position: string }>();
  for (const row of rows) {
    const current = views.get(row.stream_id)?.view;
    const view = evolveTransmissionView(current, fromStored(row.type, row.data), { recordedAt: row.recorded_at, streamId: row.stream_id });
    views.set(row.stream_id, { view, position: row.global_position });
  }
  for (const { view: folded, position } of views.values()) {
    if (folded === undefined) continue;
    const view = await shownView(pool, folded);
    await pool.query(
      `INSERT INTO transmissions (id, siren, kind, status, created_at, updated_at, view, last_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET status = $4, updated_at = $6, view = $7, last_position = $8`,
      [view.id, view.siren, view.kind, view.status, view.createdAt, view.updatedAt, JSON.stringify(view), position],
    );
  }
}
