import { migrateBlobStore } from '@relais/blob-store';
import { migrate, runMigrations } from '@relais/event-store';
import { migratePrivacy } from '@relais/privacy';
import { migrateReadModels } from '@relais/read-models';
import type pg from 'pg';
import { CreateGatewayTables1764400000000 } from './migrations/1764400000000-create-gateway-tables.js';
import { CreateWebSessions1764600000000 } from './migrations/1764600000000-create-web-sessions.js';
import { TokenLifeCycle1764700000000 } from './migrations/1764700000000-token-life-cycle.js';
import { NamedUsers1764800000000 } from './migrations/1764800000000-named-users.js';
import { OidcLogins1764900000000 } from './migrations/1764900000000-oidc-logins.js';
import { NoticePreferences1765000000000 } from './migrations/1765000000000-notice-preferences.js';
import { CollectiviteGroups1765100000000 } from './migrations/1765100000000-collectivite-groups.js';

/** Creates or upgrades the gateway's own tables (history in `gateway_migrations`). */
export function migrateGateway(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, { migrations: [CreateGatewayTables1764400000000, CreateWebSessions1764600000000, TokenLifeCycle1764700000000, NamedUsers1764800000000, OidcLogins1764900000000, NoticePreferences1765000000000, CollectiviteGroups1765100000000], tableName: 'gateway_migrations' });
}

/** Every schema the gateway reads or writes: the event log, the blob store, the keys of personal data, the read models, its own. */
export async function migrateAll(pool: pg.Pool): Promise<void> {
  await migrate(pool);
  await migrateBlobStore(pool);
  await migratePrivacy(pool);
  await migrateReadModels(pool);
  await migrateGateway(pool);
}
