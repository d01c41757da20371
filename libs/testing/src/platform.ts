/*
 * The whole platform started as an operator starts it, for the end-to-end tests and the end-to-end
 * benchmark (`@relais/testing/platform`: no Jest in it, so that benchmarks can load it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createTestNamespace, type TestNamespace } from './nats.js';
import { freePort } from './ports.js';
import type { TestServers } from './servers.js';

export { freePort };

/** The repository, from `libs/testing/src/` and `libs/testing/dist/` alike. */
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** One service's line in the gateway's `/health`. */
export interface ServiceHealth {
  readonly status: 'ok' | 'down';
  readonly pid?: number;
  readonly detail?: string;
}

/** A whole platform run by `npm start --no-build` on a database and NATS namespace of its own. */
export interface Platform {
  readonly gatewayUrl: string;
  readonly simUrl: string;
  readonly adminToken: string;
  readonly db: TestDatabase;
  readonly ns: TestNamespace;
  /** What the supervisor and the services printed, for a failing test's message. */
  output(): string;
  health(): Promise<{ status: number; body: { status: string; services: Record<string, ServiceHealth> } }>;
  /** Waits until `/health` answers 200, or throws with the services that are not ready. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** The pid of the process answering for `service`, from `/health`. */
  pidOf(service: string): Promise<number>;
  /** Stops every process of the platform, then drops its database and namespace. */
  stop(): Promise<void>;
}

/** Options of {@link startPlatform}. */
export interface PlatformOptions {
  /** More environment for every service (a transmitter timeout, a simulator delay…). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The PostgreSQL and NATS servers to run on instead of the tests' shared ones: private servers that
   * the fault-injection suite kills and restarts under load.
   */
  readonly servers?: TestServers;
}

/**
 * Starts the platform the way an operator does (`npm start`, here with `--no-build`: `npm test` has
 * built everything first), as its own process group, on free ports, a new database and a new NATS
 * namespace, so that runs never collide.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const missing = readdirSync(join(root, 'services')).filter((name) => !existsSync(join(root, 'services', name, 'dist', 'main.js')));
  if (missing.length > 0) throw new Error(`Build the services first (npx nx run-many -t build): missing ${missing.join(', ')}`);
  const db = await createTestDatabase('relais_e2e', options.servers);
  const ns = await createTestNamespace('e', options.servers);
  const [port, simPort] = [await freePort(), await freePort()];
  const adminToken = `rls_e2e_${randomBytes(24).toString('base64url')}`;
  let log = '';
  const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--no-build'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      NATS_URL: ns.natsUrl,
      RELAIS_NAMESPACE: ns.namespace,
      PORT: String(port),
      STATE_SIM_PORT: String(simPort),
      STATE_SIM_URL: `http://127.0.0.1:${simPort.toString()}`,
      RELAIS_ADMIN_TOKEN: adminToken,
      // Small streams: each platform reserves its streams' size on the shared NATS server.
      RELAIS_EVENTS_STREAM_MAX_BYTES: String(256 * 1024 * 1024),
      RELAIS_DLQ_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
      // The tests' webhook receivers listen on 127.0.0.1, which webhooks may not reach by default.
      RELAIS_WEBHOOK_ALLOW_PRIVATE: 'true',
      ...options.env,
    },
  });
  const collect = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    if (log.length > 400_000) log = log.slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const gatewayUrl = `http://127.0.0.1:${port.toString()}`;

  const platform: Platform = {
    gatewayUrl,
    simUrl: `http://127.0.0.1:${simPort.toString()}`,
    adminToken,
    db,
    ns,
    output: () => log,
    async health() {
      const response = await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: (await response.json()) as Awaited<ReturnType<Platform['health']>>['body'] };
    },
    async waitUntilReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'the gateway never answered';
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`npm start exited with ${String(child.exitCode)}:\n${log.slice(-4000)}`);
        try {
          const { status, body } = await platform.health();
          if (status === 200) return;
          last = JSON.stringify(body.services);
        } catch (error) {
          last = String(error);
        }
        await sleep(250);
      }
      throw new Error(`The platform is not ready after ${timeoutMs.toString()} ms: ${last}\n${log.slice(-4000)}`);
    },
    async pidOf(service) {
      const { body } = await platform.health();
      const pid = body.services[service]?.pid;
      if (pid === undefined) throw new Error(`/health gives no pid for ${service}: ${JSON.stringify(body.services[service])}`);
      return pid;
    },
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        process.kill(-child.pid, 'SIGTERM');
        const killed = setTimeout(() => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 8000);
        await exited;
        clearTimeout(killed);
        // The services are in the same group: make sure none outlives the supervisor.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await db.drop();
      await ns.cleanup();
    },
  };
  return platform;
}


/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs` naming `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await sleep(200);
  }
}
