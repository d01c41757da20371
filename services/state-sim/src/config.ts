import { fileURLToPath } from 'node:url';

import { NUM_ANO_ACK_CODES, type NumAnoAck, isNumAnoAck } from '@relais/pes';
import { isIsoDay } from './sim/day.js';

/** The simulator's settings, read and checked once at start-up. */
export interface StateSimConfig {
  /** TCP port of the HTTP server (`STATE_SIM_PORT`, 0 for any free port). */
  readonly port: number;
  /** Delay before a reply lands in the mailbox (`STATE_SIM_ACK_DELAY_MS`). */
  readonly ackDelayMs: number;
  /** Share of accepted actes answered by a 1-3 AnomalieActe instead of a 1-2 ARActe (`STATE_SIM_ANOMALY_RATE`, 0..1). */
  readonly anomalyRate: number;
  /**
   * Share of accepted PES files whose PES_Acquit refuses some elements, at least one, and accepts at
   * least one (`STATE_SIM_PES_PARTIAL_RATE`, 0..1).
   */
  readonly pesPartialRate: number;
  /** Share of accepted PES files whose PES_Acquit refuses every element (`STATE_SIM_PES_NACK_RATE`, 0..1). */
  readonly pesNackRate: number;
  /** Share of accepted PES files refused as a whole by a PES_NonAcquit (`STATE_SIM_PES_NON_ACQUIT_RATE`, 0..1). */
  readonly pesNonAcquitRate: number;
  /**
   * The `NumAnoAck` the simulated refusals carry (`STATE_SIM_PES_ERROR_CODE`, one of `NUM_ANO_ACK_CODES`);
   * when absent, ERREUR_PJ for a PJ, ERREUR_CODIFICATION for a bordereau, ERREUR_SIRET for a whole file.
   */
  readonly pesErrorCode?: NumAnoAck | undefined;
  /** Seed of the random draws, so that a run can be replayed (`STATE_SIM_SEED`); random when absent. */
  readonly seed: number | undefined;
  /** Largest archive or PES file accepted, in bytes (`STATE_SIM_MAX_ARCHIVE_BYTES`). */
  readonly maxArchiveBytes: number;
  /**
   * `DateClassification` of the préfecture's classification (`STATE_SIM_CLASSIFICATION_DATE`,
   * `YYYY-MM-DD`); the default classification file's `version` when absent.
   */
  readonly classificationDate?: string | undefined;
  /**
   * The ministry's HTTPS face, requiring a client certificate from `clientCaFile`'s CA
   * (`STATE_SIM_TLS_PORT`, `STATE_SIM_TLS_CERT`, `STATE_SIM_TLS_KEY`, `STATE_SIM_TLS_CLIENT_CA`, all four or none).
   */
  readonly tls?: { readonly port: number; readonly certFile: string; readonly keyFile: string; readonly clientCaFile: string } | undefined;
  /**
   * The operator's mailbox the préfecture's messages are mailed to, over IMAP with implicit TLS
   * (`STATE_SIM_IMAP_HOST`, `_PORT`, `_USER`, `_PASSWORD_FILE`, `_CA_FILE`); absent, they wait at `/sim/mailbox`.
   */
  readonly imap?: { readonly host: string; readonly port: number; readonly username: string; readonly passwordFile: string; readonly caFile?: string | undefined } | undefined;
  /**
   * The DGFiP's SFTP server as folders of this machine (`STATE_SIM_SFTP_DEPOSIT_DIR`,
   * `STATE_SIM_SFTP_RETURNS_DIR`): PES files deposited in the first are taken in, answers written in
   * the second; absent, deposits come over HTTP and answers wait at `/sim/pes/returns`.
   */
  readonly sftp?: { readonly depositDir: string; readonly returnsDir: string } | undefined;
  /** Pause between two passes of the mail and SFTP bridges (`STATE_SIM_BRIDGE_INTERVAL_MS`). */
  readonly bridgeIntervalMs: number;
}

/** The platform's default classification, which the simulated préfecture holds (API.md: the codes of the 7-2 sample). */
export const DEFAULT_CLASSIFICATION_FILE = fileURLToPath(new URL('../../../config/classification-default.json', import.meta.url));

/** 150 MiB is the national ceiling (DOMAIN.md §1.8); a little more covers the gzip and tar overhead. */
const DEFAULT_MAX_ARCHIVE_BYTES = 160 * 1024 * 1024;

/** Reads the settings from the environment; throws one error naming every bad setting. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): StateSimConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}: ${raw}`);
      return fallback;
    }
    return value;
  };
  const port = integer('STATE_SIM_PORT', 3100, 0, 65_535);
  const ackDelayMs = integer('STATE_SIM_ACK_DELAY_MS', 200, 0, 3_600_000);
  const maxArchiveBytes = integer('STATE_SIM_MAX_ARCHIVE_BYTES', DEFAULT_MAX_ARCHIVE_BYTES, 1024, 2 ** 31 - 1);
  const seedRaw = env['STATE_SIM_SEED'];
  const seed = seedRaw === undefined || seedRaw === '' ? undefined : integer('STATE_SIM_SEED', 0, 0, 2 ** 32 - 1);
  const rate = (name: string): number => {
    const raw = env[name] ?? '0';
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      problems.push(`${name} must be a number from 0 to 1: ${raw}`);
      return 0;
    }
    return value;
  };
  const anomalyRate = rate('STATE_SIM_ANOMALY_RATE');
  const pesPartialRate = rate('STATE_SIM_PES_PARTIAL_RATE');
  const pesNackRate = rate('STATE_SIM_PES_NACK_RATE');
  const pesNonAcquitRate = rate('STATE_SIM_PES_NON_ACQUIT_RATE');
  const codeRaw = env['STATE_SIM_PES_ERROR_CODE'];
  let pesErrorCode: NumAnoAck | undefined;
  if (codeRaw !== undefined && codeRaw !== '') {
    if (isNumAnoAck(codeRaw)) pesErrorCode = codeRaw;
    else problems.push(`STATE_SIM_PES_ERROR_CODE must be one of ${NUM_ANO_ACK_CODES.join(', ')}: ${codeRaw}`);
  }
  const dateRaw = env['STATE_SIM_CLASSIFICATION_DATE'];
  const classificationDate = dateRaw === undefined || dateRaw === '' ? undefined : dateRaw;
  if (classificationDate !== undefined && !isIsoDay(classificationDate)) {
    problems.push(`STATE_SIM_CLASSIFICATION_DATE must be a YYYY-MM-DD date: ${classificationDate}`);
  }
  const group = (names: readonly string[]): Record<string, string> | undefined => {
    const given = names.filter((name) => (env[name] ?? '') !== '');
    if (given.length === 0) return undefined;
    if (given.length < names.length) {
      problems.push(`${names.join(', ')} go together: ${names.filter((name) => !given.includes(name)).join(', ')} missing`);
      return undefined;
    }
    return Object.fromEntries(names.map((name) => [name, env[name] ?? '']));
  };
  const tlsGroup = group(['STATE_SIM_TLS_PORT', 'STATE_SIM_TLS_CERT', 'STATE_SIM_TLS_KEY', 'STATE_SIM_TLS_CLIENT_CA']);
  const tls =
    tlsGroup === undefined
      ? undefined
      : {
          port: integer('STATE_SIM_TLS_PORT', 0, 0, 65_535),
          certFile: tlsGroup['STATE_SIM_TLS_CERT'] ?? '',
          keyFile: tlsGroup['STATE_SIM_TLS_KEY'] ?? '',
          clientCaFile: tlsGroup['STATE_SIM_TLS_CLIENT_CA'] ?? '',
        };
  const imapGroup = group(['STATE_SIM_IMAP_HOST', 'STATE_SIM_IMAP_PORT', 'STATE_SIM_IMAP_USER', 'STATE_SIM_IMAP_PASSWORD_FILE']);
  const imapCa = env['STATE_SIM_IMAP_CA_FILE'];
  const imap =
    imapGroup === undefined
      ? undefined
      : {
          host: imapGroup['STATE_SIM_IMAP_HOST'] ?? '',
          port: integer('STATE_SIM_IMAP_PORT', 993, 1, 65_535),
          username: imapGroup['STATE_SIM_IMAP_USER'] ?? '',
          passwordFile: imapGroup['STATE_SIM_IMAP_PASSWORD_FILE'] ?? '',
          caFile: imapCa === undefined || imapCa === '' ? undefined : imapCa,
        };
  const sftpGroup = group(['STATE_SIM_SFTP_DEPOSIT_DIR', 'STATE_SIM_SFTP_RETURNS_DIR']);
  const sftp =
    sftpGroup === undefined ? undefined : { depositDir: sftpGroup['STATE_SIM_SFTP_DEPOSIT_DIR'] ?? '', returnsDir: sftpGroup['STATE_SIM_SFTP_RETURNS_DIR'] ?? '' };
  const bridgeIntervalMs = integer('STATE_SIM_BRIDGE_INTERVAL_MS', 200, 10, 600_000);
  if (problems.length > 0) throw new Error(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return {
    port, ackDelayMs, anomalyRate, pesPartialRate, pesNackRate, pesNonAcquitRate, pesErrorCode, seed, maxArchiveBytes, classificationDate, tls, imap, sftp, bridgeIntervalMs,
  };
}
