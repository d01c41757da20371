import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateBlobStore1764360000000 } from './1764360000000-create-blob-store.js';

/**
 * Creates or upgrades the blob store's tables (`blobs`, `blob_chunks`, `blob_uploads`) through
 * TypeORM, with its own history table (`blob_store_migrations`); idempotent, and safe when several
 * processes start at once.
 */
export function migrateBlobStore(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateBlobStore1764360000000], tableName: 'blob_store_migrations' });
}
