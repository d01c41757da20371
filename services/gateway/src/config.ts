import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routingTablePath } from '@relais/routing';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';
import { readLimits, type GatewayLimits } from './load/limits.js';
import { readOidcSettings, type OidcSettings } from './oidc/oidc-settings.js';

/** The gateway's settings, read and checked once at start-up. */
export interface GatewayConfig extends ServiceConfig {
  /** TCP port of the HTTP server (`PORT`, 0 for any free port). */
  readonly port: number;
  /** The bootstrap administrator's token when the operator chose it (`RELAIS_ADMIN_TOKEN`). */
  readonly adminToken: string | undefined;
  /** Where a generated bootstrap token is kept otherwise (`RELAIS_ADMIN_TOKEN_FILE`), absolute. */
  readonly adminTokenFile: string;
  /** Most bytes of files one submission may carry, all files together (`RELAIS_MAX_UPLOAD_BYTES`). */
  readonly maxUploadBytes: number;
  /** Most bytes of one PES file (`RELAIS_PES_MAX_UPLOAD_BYTES`; S²LOW's `HELIOS_MAX_UPLOAD_SIZE`). */
  readonly pesMaxUploadBytes: number;
  /** Requests per second each token may send in the long run (`RELAIS_RATE_LIMIT_PER_SECOND`). */
  readonly rateLimitPerSecond: number;
  /** Requests a token may send at once after a pause (`RELAIS_RATE_LIMIT_BURST`). */
  readonly rateLimitBurst: number;
  /**
   * Refused tokens (unknown, revoked or expired, on the API or in the sign-in form) one client address
   * may present at once before it is answered 429 (`RELAIS_AUTH_FAILURE_BURST`, default 20)…
   */
  readonly authFailureBurst?: number;
  /** …and in the long run, per minute (`RELAIS_AUTH_FAILURES_PER_MINUTE`, default 30). */
  readonly authFailuresPerMinute?: number;
  /**
   * The platform's default classification, every collectivité's until its préfecture sends a 7-2
   * (`RELAIS_DEFAULT_CLASSIFICATION_FILE`, the validator's setting: JSON or a 7-2 XML).
   */
  readonly classificationFile: string;
  /**
   * The routing table (`RELAIS_ROUTING_FILE`, else `config/routing.json`), read for the endpoints'
   * transmission windows on the dashboard; the gateway runs without it.
   */
  readonly routingFile: string;
  /** Bounds on request sizes and on work taken on at once (`load/limits.ts`, docs/limits.md). */
  readonly limits: GatewayLimits;
  /**
   * Whether a webhook may name a loopback, private or otherwise non-public address
   * (`RELAIS_WEBHOOK_ALLOW_PRIVATE`, false): only for receivers on the same machine or network, in
   * development and tests. The notifier has the same setting for its deliveries.
   */
  readonly allowPrivateWebhooks: boolean;
  /** Single sign-on (`RELAIS_OIDC_*`); undefined: sign-in with a token only. */
  readonly oidc?: OidcSettings;
}

/** The platform's default classification: the codes of the 7-2 sample every new collectivité starts with (API.md). */
export const DEFAULT_CLASSIFICATION_FILE = fileURLToPath(new URL('../../../config/classification-default.json', import.meta.url));

/** 150 MiB: the national ceiling of an acte with its annexes (DOMAIN.md §1.8). */
export const DEFAULT_MAX_UPLOAD_BYTES = 150 * 1024 * 1024;

/** 128 MiB: S²LOW's `HELIOS_MAX_UPLOAD_SIZE`, the largest PES file an operator takes (DOMAIN.md §2.3). */
export const DEFAULT_PES_MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

/** A chosen token shorter than this is refused: it could be guessed. */
const MIN_ADMIN_TOKEN_LENGTH = 20;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): GatewayConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const port = settings.integer('PORT', 3000, 0, 65_535);
  const adminToken = settings.text('RELAIS_ADMIN_TOKEN');
  if (adminToken !== undefined && (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))) {
    settings.problem(`RELAIS_ADMIN_TOKEN must have at least ${MIN_ADMIN_TOKEN_LENGTH} characters and no spaces`);
  }
  const adminTokenFile = resolve(cwd, settings.text('RELAIS_ADMIN_TOKEN_FILE', '.relais/admin-token'));
  const maxUploadBytes = settings.integer('RELAIS_MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1, 2 ** 40);
  const pesMaxUploadBytes = settings.integer('RELAIS_PES_MAX_UPLOAD_BYTES', DEFAULT_PES_MAX_UPLOAD_BYTES, 1, 2 ** 40);
  const rateLimitPerSecond = settings.integer('RELAIS_RATE_LIMIT_PER_SECOND', 20, 1, 1_000_000);
  const rateLimitBurst = settings.integer('RELAIS_RATE_LIMIT_BURST', 100, 1, 1_000_000);
  const authFailureBurst = settings.integer('RELAIS_AUTH_FAILURE_BURST', 20, 1, 1_000_000);
  const authFailuresPerMinute = settings.integer('RELAIS_AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000);
  const classificationFile = resolve(cwd, settings.text('RELAIS_DEFAULT_CLASSIFICATION_FILE', DEFAULT_CLASSIFICATION_FILE));
  if (!existsSync(classificationFile)) settings.problem(`RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: ${classificationFile}`);
  const routingFile = routingTablePath(env, cwd);
  const limits = readLimits(settings);
  const allowPrivateWebhooks = settings.boolean('RELAIS_WEBHOOK_ALLOW_PRIVATE', false);
  const oidc = readOidcSettings(settings);
  settings.done();
  return {
    ...service,
    port,
    adminToken,
    adminTokenFile,
    maxUploadBytes,
    pesMaxUploadBytes,
    rateLimitPerSecond,
    rateLimitBurst,
    authFailureBurst,
    authFailuresPerMinute,
    classificationFile,
    routingFile,
    limits,
    allowPrivateWebhooks,
    ...(oidc && { oidc }),
  };
}
