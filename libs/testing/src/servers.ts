import { connect as connectTcp } from 'node:net';

/** Where the tests find PostgreSQL and NATS. */
export interface TestServers {
  readonly databaseUrl: string;
  readonly natsUrl: string;
}

let resolved: Promise<TestServers> | undefined;

/**
 * Finds the servers the tests run against: `DATABASE_URL` and `NATS_URL` when set (the machine's own
 * servers, as on developers' machines and CI); otherwise containers started by testcontainers, but only
 * when a Docker engine answers; otherwise it fails at once, saying how to provide the servers.
 */
export function testServers(): Promise<TestServers> {
  resolved ??= findServers();
  return resolved;
}

async function findServers(): Promise<TestServers> {
  const databaseUrl = process.env['DATABASE_URL'];
  const natsUrl = process.env['NATS_URL'];
  if (databaseUrl && natsUrl) return { databaseUrl, natsUrl };
  if (!(await dockerAnswers())) {
    throw new Error(
      'No test servers: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) and NATS_URL ' +
        '(e.g. nats://127.0.0.1:4222, JetStream enabled), or run a Docker engine for testcontainers. ' +
        '`npm test` sets both to the local servers by default.',
    );
  }
  return startContainers(databaseUrl, natsUrl);
}

function dockerAnswers(): Promise<boolean> {
  const socket = process.env['DOCKER_HOST']?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
  return new Promise((resolve) => {
    const conn = connectTcp({ path: socket });
    const done = (ok: boolean) => {
      conn.destroy();
      resolve(ok);
    };
    conn.setTimeout(1000, () => { done(false); });
    conn.once('connect', () => { done(true); });
    conn.once('error', () => { done(false); });
  });
}

/* Imported lazily: testcontainers is loaded only where a Docker engine answers. */
async function startContainers(databaseUrl: string | undefined, natsUrl: string | undefined): Promise<TestServers> {
  let db = databaseUrl;
  let nats = natsUrl;
  if (!db) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const pg = await new PostgreSqlContainer('postgres:16-alpine').start();
    db = pg.getConnectionUri();
  }
  if (!nats) {
    const { NatsContainer } = await import('@testcontainers/nats');
    const container = await new NatsContainer('nats:2.12-alpine').withArg('-js', '').start();
    nats = `nats://${container.getHost()}:${String(container.getMappedPort(4222))}`;
  }
  return { databaseUrl: db, natsUrl: nats };
}
