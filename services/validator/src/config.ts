import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRIPLET_GRID_URL } from '@relais/pes';
import type { ClamdAddress } from '@relais/file-checks';
import { readServiceSettings, SettingsReader, type ServiceConfig } from '@relais/service-kit';

/** The platform's default classification: the 7-2 sample every new collectivité starts with (API.md). */
export const DEFAULT_CLASSIFICATION_FILE = fileURLToPath(new URL('../../../config/classification-default.json', import.meta.url));

/** The grille des triplets shipped with `@relais/pes` (every combination of the codes we know; not the DGFiP's own grid). */
export const DEFAULT_TRIPLETS_FILE = fileURLToPath(DEFAULT_TRIPLET_GRID_URL);

/** The validator's settings, read and checked once at start-up. */
export interface ValidatorConfig extends ServiceConfig {
  /** The 7-2 `RetourClassification` file of the default classification (`RELAIS_DEFAULT_CLASSIFICATION_FILE`). */
  readonly classificationFile: string;
  /** The grille des triplets PES pièces are checked against, a JSON file an operator edits (`RELAIS_PES_TRIPLETS_FILE`). */
  readonly tripletsFile: string;
  /**
   * The ClamAV daemon every file is scanned by before validation passes (`RELAIS_CLAMD`: `host:port`,
   * or the path of its unix socket); absent, no antivirus step (said at start-up).
   */
  readonly clamd?: ClamdAddress;
  /** clamd's `StreamMaxLength` (`RELAIS_CLAMD_STREAM_MAX_BYTES`): a larger file cannot be scanned, and is refused as such. */
  readonly clamdStreamMaxBytes: number;
  /**
   * CAs (a PEM bundle) an acte's detached signature must lead to (`RELAIS_SIGNATURE_TRUST_FILE`, the
   * RGS CAs in production); absent, a signature is checked for integrity and validity dates only.
   */
  readonly signatureTrustFile?: string;
  /** PES files up to this size have their XAdES signatures verified (`RELAIS_PES_SIGNATURE_MAX_BYTES`). */
  readonly pesSignatureMaxBytes: number;
}

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ValidatorConfig {
  const settings = new SettingsReader(env);
  const service = readServiceSettings(settings);
  const classificationFile = settings.text('RELAIS_DEFAULT_CLASSIFICATION_FILE', DEFAULT_CLASSIFICATION_FILE);
  if (!existsSync(classificationFile)) settings.problem(`RELAIS_DEFAULT_CLASSIFICATION_FILE does not exist: ${classificationFile}`);
  const tripletsFile = settings.text('RELAIS_PES_TRIPLETS_FILE', DEFAULT_TRIPLETS_FILE);
  if (!existsSync(tripletsFile)) settings.problem(`RELAIS_PES_TRIPLETS_FILE does not exist: ${tripletsFile}`);
  const clamdRaw = env['RELAIS_CLAMD'];
  let clamd: ClamdAddress | undefined;
  if (clamdRaw !== undefined && clamdRaw !== '') {
    const hostPort = /^([^:/]+):([0-9]{1,5})$/.exec(clamdRaw);
    if (clamdRaw.startsWith('/')) clamd = { socketPath: clamdRaw };
    else if (hostPort !== null && Number(hostPort[2]) <= 65_535) clamd = { host: hostPort[1] ?? '', port: Number(hostPort[2]) };
    else settings.problem(`RELAIS_CLAMD must be host:port or the absolute path of clamd's socket: ${clamdRaw}`);
  }
  const clamdStreamMaxBytes = settings.integer('RELAIS_CLAMD_STREAM_MAX_BYTES', 200 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024 - 1);
  const trust = env['RELAIS_SIGNATURE_TRUST_FILE'];
  if (trust !== undefined && trust !== '' && !existsSync(trust)) settings.problem(`RELAIS_SIGNATURE_TRUST_FILE does not exist: ${trust}`);
  const pesSignatureMaxBytes = settings.integer('RELAIS_PES_SIGNATURE_MAX_BYTES', 16 * 1024 * 1024, 0, 64 * 1024 * 1024);
  settings.done();
  return {
    ...service,
    classificationFile,
    tripletsFile,
    ...(clamd === undefined ? {} : { clamd }),
    clamdStreamMaxBytes,
    ...(trust === undefined || trust === '' ? {} : { signatureTrustFile: trust }),
    pesSignatureMaxBytes,
  };
}
