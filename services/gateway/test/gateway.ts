import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { createGateway } from '../src/app.factory.js';
import type { Clock } from '../src/auth/rate-limiter.js';
import type { Role } from '../src/auth/token.js';
import { DEFAULT_CLASSIFICATION_FILE, type GatewayConfig } from '../src/config.js';
import { DEFAULT_LIMITS } from '../src/load/limits.js';
import { expect } from '@jest/globals';

/** A gateway on a free port, over its own database and NATS namespace. */
export interface TestGateway {
  readonly base: string;
  readonly app: INestApplication;
  readonly db: TestDatabase;
  readonly ns: TestNamespace;
  readonly config: GatewayConfig;
  /** The bootstrap administrator's token. */
  readonly adminToken: string;
  /** What the application logged. */
  readonly logs: string[];
  /** `fetch` on the gateway, with `token` as the bearer when given. */
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Registers a collectivité with valid fields; returns its siren. */
  registerCollectivite(siren?: string): Promise<string>;
  /** A new token of `role` issued by the administrator. */
  issueToken(role: Role, siren?: string): Promise<{ id: string; token: string }>;
  /** Stops the application, drops the database and the namespace. */
  close(): Promise<void>;
}

/** Options of {@link startGateway}: settings to change, a clock, and the database/namespace to reuse. */
export interface StartOptions {
  readonly settings?: Partial<GatewayConfig>;
  readonly clock?: Clock;
  readonly db?: TestDatabase;
  readonly ns?: TestNamespace;
}

/**
 * Collects log lines, at every level and with every argument (an error's stack, a context), so tests
 * can check what was said, and what was not.
 */
class CapturingLogger implements LoggerService {
  constructor(private readonly lines: string[]) {}
  private capture(message: unknown, params: unknown[]): void {
    this.lines.push([message, ...params].map((part) => (part instanceof Error ? (part.stack ?? part.message) : String(part))).join(' '));
  }
  log(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.capture(message, params);
  }
}

let sirenCounter = 0;

/** A fresh valid SIREN for this process's tests. */
export function newSiren(): string {
  sirenCounter += 1;
  return `2${(process.pid % 10000).toString().padStart(4, '0')}${sirenCounter.toString().padStart(4, '0')}`;
}

export async function startGateway(options: StartOptions = {}): Promise<TestGateway> {
  const db = options.db ?? (await createTestDatabase('relais_gateway'));
  const ns = options.ns ?? (await createTestNamespace('gw'));
  const dir = await mkdtemp(join(tmpdir(), 'relais-gateway-'));
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const config: GatewayConfig = {
    databaseUrl: db.url,
    natsUrl: ns.natsUrl,
    namespace: ns.namespace,
    port: 0,
    adminToken,
    adminTokenFile: join(dir, 'admin-token'),
    maxUploadBytes: 150 * 1024 * 1024,
    pesMaxUploadBytes: 128 * 1024 * 1024,
    rateLimitPerSecond: 20,
    rateLimitBurst: 100,
    classificationFile: DEFAULT_CLASSIFICATION_FILE,
    routingFile: join(dir, 'no-routing-table.json'),
    limits: DEFAULT_LIMITS,
    allowPrivateWebhooks: false,
    ...options.settings,
  };
  const logs: string[] = [];
  const app = await createGateway(config, { logger: new CapturingLogger(logs), ...(options.clock === undefined ? {} : { clock: options.clock }) });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const bootstrap = config.adminToken ?? adminToken;

  const call = (path: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const { token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${base}${path}`, { ...rest, headers });
  };
  return {
    base,
    app,
    db,
    ns,
    config,
    adminToken: bootstrap,
    logs,
    call,
    async registerCollectivite(siren = newSiren()) {
      const response = await call('/api/v1/admin/collectivites', {
        method: 'POST',
        token: bootstrap,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siren, nom: `Commune ${siren}`, departement: '021', arrondissement: '1', nature: '31' }),
      });
      if (response.status !== 201) throw new Error(`registering ${siren}: ${response.status} ${await response.text()}`);
      return siren;
    },
    async issueToken(role, siren) {
      const response = await call('/api/v1/admin/tokens', {
        method: 'POST',
        token: bootstrap,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(siren === undefined ? { role } : { role, siren }),
      });
      if (response.status !== 201) throw new Error(`issuing a ${role} token: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; token: string };
    },
    async close() {
      await app.close();
      if (options.db === undefined) await db.drop();
      if (options.ns === undefined) await ns.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Bytes that look like a small PDF. */
export function pdfBytes(text = 'acte'): Uint8Array {
  return new TextEncoder().encode(`%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);
}

/** Metadata an acte submission can carry (the validator, not the gateway, judges the values). */
export function acteMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { numeroInterne: 'DEL2026_001', dateDecision: '2026-01-05', nature: 'DE', classification: '7.1', objet: 'Budget primitif', ...overrides };
}

/** A multipart acte body as a browser or a client library would send it. */
export function acteForm(
  metadata: unknown = acteMetadata(),
  /** null: no document part. */
  document: Uint8Array | null = pdfBytes(),
  annexes: readonly Uint8Array[] = [],
): FormData {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  if (document !== null) form.append('document', new Blob([document], { type: 'application/pdf' }), 'deliberation.pdf');
  annexes.forEach((bytes, i) => {
    form.append('annexes', new Blob([bytes], { type: 'application/pdf' }), `annexe-${i + 1}.pdf`);
  });
  return form;
}

/** The `errors[].code` of an error answer. */
export async function errorCodes(response: Response): Promise<string[]> {
  const body = (await response.json()) as { errors: { code: string }[] };
  return body.errors.map((error) => error.code);
}

/** The init of a JSON call with `token`, for {@link TestGateway.call}. */
export function jsonCall(method: string, token: string, body: unknown): RequestInit & { token: string } {
  return { method, token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The body of an answer that must have `status` (else the test fails with the error codes it got). */
export async function expectStatus<T>(response: Response, status: number): Promise<T> {
  expect([response.status, response.status === status ? [] : await errorCodes(response)]).toEqual([status, []]);
  return (await response.json()) as T;
}

/** A refusal as `[status, codes]`, to compare with the one expected. */
export async function refused(response: Response): Promise<[number, string[]]> {
  return [response.status, await errorCodes(response)];
}
