/** The relay's settings, read and checked once at start-up. */
export interface RelayConfig {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly namespace: string;
}

const NAMESPACE = /^[A-Za-z0-9_-]{1,32}$/;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const problems: string[] = [];
  const url = (name: string, fallback: string, protocols: readonly string[]): string => {
    const value = env[name] ?? fallback;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}: ${value}`);
    } catch {
      problems.push(`${name} is not a URL: ${value}`);
    }
    return value;
  };
  const databaseUrl = url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/relais', ['postgres:', 'postgresql:']);
  const natsUrl = url('NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:']);
  const namespace = env['RELAIS_NAMESPACE'] ?? 'relais';
  if (!NAMESPACE.test(namespace)) problems.push(`RELAIS_NAMESPACE must match ${NAMESPACE.source}: ${namespace}`);
  if (problems.length > 0) throw new Error(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return { databaseUrl, natsUrl, namespace };
}
