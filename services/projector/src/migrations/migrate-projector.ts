import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateTransmissions1764360000000 } from './1764360000000-create-transmissions.js';

/** Creates or upgrades the projector's read model tables (history in `projector_migrations`). */
export function migrateProjector(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateTransmissions1764360000000], tableName: 'projector_migrations' });
}
