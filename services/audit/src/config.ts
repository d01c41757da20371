import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The audit service's settings, read and checked once at start-up. */
export interface AuditConfig extends ServiceConfig {
  /** A seal as soon as this many events wait (SEAL_EVERY_EVENTS, 10,000). */
  readonly sealEveryEvents: number;
  /** …or when the oldest waiting event is this old (SEAL_EVERY_MINUTES, 5). */
  readonly sealEveryMs: number;
  /** How often the sealer looks (SEAL_POLL_MS, 1,000). */
  readonly pollMs: number;
  /** NDJSON file every seal is appended to (SEAL_EXPORT_FILE; none when unset). */
  readonly exportFile?: string;
  /** Copy every seal to the JetStream stream `<ns>_AUDIT_SEALS` (SEAL_EXPORT_NATS, on by default). */
  readonly exportNats: boolean;
  /** RFC 3161 timestamping authority every seal is stamped by (SEAL_TSA_URL; none when unset). */
  readonly tsaUrl?: string;
  /**
   * Personal data are shredded this many days after a transmission's last step at a final status
   * (PERSONAL_DATA_RETENTION_DAYS, 3,650; 0: never). docs/personal-data.md.
   */
  readonly retentionDays: number;
  /** How often retention looks (PERSONAL_DATA_RETENTION_POLL_MS, an hour). */
  readonly retentionPollMs: number;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const sealEveryEvents = settings.integer('SEAL_EVERY_EVENTS', 10_000, 1, 1_000_000);
  const sealEveryMs = settings.integer('SEAL_EVERY_MINUTES', 5, 0, 24 * 60) * 60_000;
  const pollMs = settings.integer('SEAL_POLL_MS', 1_000, 10, 3_600_000);
  const exportNats = settings.text('SEAL_EXPORT_NATS', 'true');
  if (exportNats !== 'true' && exportNats !== 'false') settings.problem(`SEAL_EXPORT_NATS must be true or false: ${exportNats}`);
  const exportFile = settings.text('SEAL_EXPORT_FILE');
  const tsaUrl = settings.text('SEAL_TSA_URL');
  if (tsaUrl !== undefined) settings.url('SEAL_TSA_URL', tsaUrl, ['http:', 'https:']);
  const retentionDays = settings.integer('PERSONAL_DATA_RETENTION_DAYS', 3_650, 0, 36_500);
  const retentionPollMs = settings.integer('PERSONAL_DATA_RETENTION_POLL_MS', 3_600_000, 100, 86_400_000);
  settings.done();
  return {
    ...service,
    sealEveryEvents,
    sealEveryMs,
    pollMs,
    exportNats: exportNats === 'true',
    retentionDays,
    retentionPollMs,
    ...(exportFile === undefined ? {} : { exportFile }),
    ...(tsaUrl === undefined ? {} : { tsaUrl }),
  };
}
