import { runMigrations } from '@relais/event-store';
import type pg from 'pg';
import { CreateTransmitterArchives1764390000000 } from './1764390000000-create-transmitter-archives.js';
import { CreateTransmitterWindows1764400000000 } from './1764400000000-create-transmitter-windows.js';
import { CreateTransmitterCancellations1764410000000 } from './1764410000000-create-transmitter-cancellations.js';
import { CreateTransmitterMessages1764420000000 } from './1764420000000-create-transmitter-messages.js';
import { CreateTransmitterPesFiles1764430000000 } from './1764430000000-create-transmitter-pes-files.js';

/** Creates or upgrades the transmitter's own tables, with their own history table; idempotent. */
export function migrateTransmitter(pool: pg.Pool): Promise<void> {
  return runMigrations(pool, {
    migrations: [
      CreateTransmitterArchives1764390000000,
      CreateTransmitterWindows1764400000000,
      CreateTransmitterCancellations1764410000000,
      CreateTransmitterMessages1764420000000,
      CreateTransmitterPesFiles1764430000000,
    ],
    tableName: 'transmitter_migrations',
  });
}
