import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateNumeroClaims1764380000000 } from './1764380000000-create-numero-claims.js';

/** Creates or upgrades the validator's own tables, with their own history table; idempotent. */
export function migrateValidator(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateNumeroClaims1764380000000], tableName: 'validator_migrations' });
}
