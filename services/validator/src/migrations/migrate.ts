import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateNumeroClaims1764380000000 } from './1764380000000-create-numero-claims.js';
import { CreateNomFicClaims1764700000000 } from './1764700000000-create-nom-fic-claims.js';

/** Creates or upgrades the validator's own tables, with their own history table; idempotent. */
export function migrateValidator(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateNumeroClaims1764380000000, CreateNomFicClaims1764700000000], tableName: 'validator_migrations' });
}
