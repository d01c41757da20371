import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateTransmissions1764360000000 } from './1764360000000-create-transmissions.js';
import { CreateStats1764500000000 } from './1764500000000-create-stats.js';

/** Creates or upgrades the read models' tables (history in `read_models_migrations`). */
export function migrateReadModels(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, {
    migrations: [CreateTransmissions1764360000000, CreateStats1764500000000],
    tableName: 'read_models_migrations',
  });
}
