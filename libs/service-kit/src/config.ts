/** What every service reads from the environment (API.md, "Running"). */
export interface ServiceConfig {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly namespace: string;
}

const NAMESPACE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * A URL setting as it may be shown in a message or a log: whatever stands between `//` and the last
 * `@` (the user and password of `postgres://relais:secret@db`) replaced by `***`. Cut by text rather
 * than parsed: a password with a raw `@`, `#` or `/` fools a URL parser into showing part of it as the
 * host or the fragment, and such a password is precisely what makes a setting wrong.
 */
export function redactedUrl(value: string): string {
  return value.replace(/\/\/.*@/s, '//***@');
}

/** Collects every bad setting, so that one start-up error names them all. */
export class SettingsReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** A URL whose protocol is one of `protocols`. */
  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.env[name] ?? fallback;
    try {
      const { protocol } = new URL(value);
      if (!protocols.includes(protocol)) this.problems.push(`${name} must use ${protocols.join(' or ')}: ${redactedUrl(value)}`);
    } catch {
      // The start-up error goes to the logs: never with the password the URL may carry.
      this.problems.push(`${name} is not a URL: ${redactedUrl(value)}`);
    }
    return value;
  }

  /** A whole number within `[min, max]`. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}: ${raw}`);
      return fallback;
    }
    return value;
  }

  /** `true` or `false` (also `1`/`0`, `yes`/`no`), or `fallback` when unset. */
  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false: ${raw}`);
    return fallback;
  }

  /** Free text, or `fallback` when unset. */
  text(name: string, fallback: string): string;
  text(name: string): string | undefined;
  text(name: string, fallback?: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  /** Records a problem found by the caller. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one error naming every problem, if any. */
  done(): void {
    if (this.problems.length > 0) throw new Error(`Invalid settings:\n  ${this.problems.join('\n  ')}`);
  }
}

/** Reads `DATABASE_URL`, `NATS_URL` and `RELAIS_NAMESPACE` with API.md's defaults. */
export function readServiceSettings(settings: SettingsReader): ServiceConfig {
  const databaseUrl = settings.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/relais', ['postgres:', 'postgresql:']);
  const natsUrl = settings.url('NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:']);
  const namespace = settings.text('RELAIS_NAMESPACE', 'relais');
  if (!NAMESPACE.test(namespace)) settings.problem(`RELAIS_NAMESPACE must match ${NAMESPACE.source}: ${namespace}`);
  return { databaseUrl, natsUrl, namespace };
}

/** The common settings alone; throws one error naming every bad one. */
export function readServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const settings = new SettingsReader(env);
  const config = readServiceSettings(settings);
  settings.done();
  return config;
}
