/** The projector's settings, read and checked once at start-up. */
export interface ProjectorConfig {
  readonly databaseUrl: string;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const problems: string[] = [];
  const databaseUrl = env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/relais';
  try {
    const { protocol } = new URL(databaseUrl);
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must use postgres: or postgresql: ${databaseUrl}`);
    }
  } catch {
    problems.push(`DATABASE_URL is not a URL: ${databaseUrl}`);
  }
  if (problems.length > 0) throw new Error(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return { databaseUrl };
}
