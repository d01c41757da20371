import { resolve } from 'node:path';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

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
  /** Requests per second each token may send in the long run (`RELAIS_RATE_LIMIT_PER_SECOND`). */
  readonly rateLimitPerSecond: number;
  /** Requests a token may send at once after a pause (`RELAIS_RATE_LIMIT_BURST`). */
  readonly rateLimitBurst: number;
}

/** 150 MiB: the national ceiling of an acte with its annexes (DOMAIN.md §1.8). */
export const DEFAULT_MAX_UPLOAD_BYTES = 150 * 1024 * 1024;

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
  const rateLimitPerSecond = settings.integer('RELAIS_RATE_LIMIT_PER_SECOND', 20, 1, 1_000_000);
  const rateLimitBurst = settings.integer('RELAIS_RATE_LIMIT_BURST', 100, 1, 1_000_000);
  settings.done();
  return { ...service, port, adminToken, adminTokenFile, maxUploadBytes, rateLimitPerSecond, rateLimitBurst };
}
