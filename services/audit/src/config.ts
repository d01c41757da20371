/** The audit service's settings, read and checked once at start-up. */
export interface AuditConfig {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly namespace: string;
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

const NAMESPACE = /^[A-Za-z0-9_-]{1,32}$/;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const problems: string[] = [];
  const url = (name: string, fallback: string | undefined, protocols: readonly string[]): string | undefined => {
    const value = env[name] === '' ? undefined : (env[name] ?? fallback);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}: ${value}`);
    } catch {
      problems.push(`${name} is not a URL: ${value}`);
    }
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}: ${text}`);
      return fallback;
    }
    return value;
  };
  const databaseUrl = url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/relais', ['postgres:', 'postgresql:']) as string;
  const natsUrl = url('NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:']) as string;
  const namespace = env['RELAIS_NAMESPACE'] ?? 'relais';
  if (!NAMESPACE.test(namespace)) problems.push(`RELAIS_NAMESPACE must match ${NAMESPACE.source}: ${namespace}`);
  const sealEveryEvents = integer('SEAL_EVERY_EVENTS', 10_000, 1, 1_000_000);
  const sealEveryMs = integer('SEAL_EVERY_MINUTES', 5, 0, 24 * 60) * 60_000;
  const pollMs = integer('SEAL_POLL_MS', 1_000, 10, 3_600_000);
  const exportNatsText = env['SEAL_EXPORT_NATS'] ?? 'true';
  if (exportNatsText !== 'true' && exportNatsText !== 'false') problems.push(`SEAL_EXPORT_NATS must be true or false: ${exportNatsText}`);
  const exportFile = env['SEAL_EXPORT_FILE'] === '' ? undefined : env['SEAL_EXPORT_FILE'];
  const tsaUrl = url('SEAL_TSA_URL', undefined, ['http:', 'https:']);
  const retentionDays = integer('PERSONAL_DATA_RETENTION_DAYS', 3_650, 0, 36_500);
  const retentionPollMs = integer('PERSONAL_DATA_RETENTION_POLL_MS', 3_600_000, 100, 86_400_000);
  if (problems.length > 0) throw new Error(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return {
    databaseUrl,
    natsUrl,
    namespace,
    sealEveryEvents,
    sealEveryMs,
    pollMs,
    exportNats: exportNatsText === 'true',
    retentionDays,
    retentionPollMs,
    ...(exportFile === undefined ? {} : { exportFile }),
    ...(tsaUrl === undefined ? {} : { tsaUrl }),
  };
}
