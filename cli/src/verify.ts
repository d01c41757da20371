import { readFile } from 'node:fs/promises';
import {
  defaultVerifyWorkers,
  importSeal,
  type Seal,
  verifyHashChain,
  verifySeals,
  type SealVerifyResult,
  type VerifyResult,
} from '@relais/event-store';
import type pg from 'pg';
import { progress } from './progress.js';

/** What `audit verify` found: the chain, and (whole-log runs) the seals; and the worker threads it took. */
export interface VerifyReport {
  readonly chain: VerifyResult;
  readonly seals?: SealVerifyResult;
  /** Worker threads that recomputed the chain (0 or 1: the main thread alone). */
  readonly workers: number;
}

/**
 * Reads the seals of an export file written by relais-audit (one JSON object per line; timestamp lines
 * and a line cut short by a crash are skipped). Throws on a seal line that does not parse.
 */
export async function readSealFile(path: string): Promise<Seal[]> {
  const seals: Seal[] = [];
  for (const [i, line] of (await readFile(path, 'utf8')).split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const kind = (value as { kind?: unknown }).kind;
    if (kind !== undefined && kind !== 'seal') continue;
    try {
      seals.push(importSeal(value));
    } catch (error) {
      throw new Error(`${path}:${String(i + 1)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return seals;
}

/** Recomputes the chain (with a progress bar), then the seals when the whole log is asked for. */
export async function verifyLog(
  pool: pg.Pool,
  options: { from?: bigint; to?: bigint; sealFile?: string; workers?: number; quiet: boolean },
): Promise<VerifyReport> {
  const exported = options.sealFile === undefined ? undefined : await readSealFile(options.sealFile);
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM events WHERE global_position >= $1 AND global_position <= $2',
    [(options.from ?? 0n).toString(), (options.to ?? 9223372036854775807n).toString()],
  );
  const total = Number(rows[0]?.n ?? 0);
  const bar = progress('verify', total, { quiet: options.quiet });
  let checkedSoFar = 0;
  const workers = options.workers ?? defaultVerifyWorkers();
  const chain = await verifyHashChain(pool, {
    ...(options.from !== undefined && { fromPosition: options.from }),
    ...(options.to !== undefined && { toPosition: options.to }),
    workers,
    onProgress: (checked) => {
      checkedSoFar = checked;
      bar.update(checked);
    },
  });
  bar.finish(Math.max(checkedSoFar, chain.checked));
  if (options.from !== undefined || options.to !== undefined) return { chain, workers };
  const sealBar = progress('seals ', total, { quiet: options.quiet });
  let sealedSoFar = 0;
  const seals = await verifySeals(pool, {
    ...(exported && { exported }),
    onProgress: (n) => {
      sealedSoFar = n;
      sealBar.update(n);
    },
  });
  sealBar.finish(sealedSoFar);
  return { chain, seals, workers };
}

/** The report as JSON (bigints as strings). */
export function verifyJson(report: VerifyReport, seconds: number): string {
  const { chain, seals, workers } = report;
  const text = JSON.stringify(
    {
      ok: chain.ok && (seals?.ok ?? true),
      checked: chain.checked,
      ...(chain.firstBroken && { firstBroken: chain.firstBroken }),
      ...(seals && { seals }),
      workers,
      seconds,
    },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
  return `${text}\n`;
}

const SEAL_REASONS: Record<NonNullable<SealVerifyResult['firstBroken']>['reason'], string> = {
  seal_mismatch: 'the events it covers no longer give its digest: a row was edited, deleted, inserted or moved',
  seal_altered: "the database's copy differs from the exported one: the log and its seals were rewritten after the export",
  seal_missing: 'an exported seal is no longer in the database',
  seal_chain_broken: "the database's seals do not follow one another",
};

/** The report for a person. */
export function verifyText(report: VerifyReport, seconds: number): string {
  const { chain, seals } = report;
  const lines: string[] = [];
  if (chain.ok) lines.push(`the hash chain is intact: ${chain.checked.toLocaleString('en-US')} events checked in ${seconds.toFixed(1)} s`);
  else {
    const b = chain.firstBroken;
    lines.push(`the log was ALTERED: first broken row at position ${String(b?.position)} (${String(b?.reason)}) in stream ${String(b?.streamId)}`);
  }
  if (seals?.ok) {
    const last = seals.lastSeal;
    lines.push(
      last
        ? `the seals hold: ${seals.sealsChecked.toString()} seals over ${seals.eventsSealed.toLocaleString('en-US')} events, the last at position ${last.position.toString()} sealed ${last.sealedAt.toISOString()}`
        : 'no seal yet: relais-audit writes the first one after SEAL_EVERY_EVENTS events or SEAL_EVERY_MINUTES',
    );
  } else if (seals?.firstBroken) {
    const b = seals.firstBroken;
    const range = b.fromPosition === undefined ? '' : ` (positions ${b.fromPosition.toString()}..${String(b.toPosition)})`;
    lines.push(`the seals do NOT hold: seal ${b.seal.toString()}${range}: ${b.reason} (${SEAL_REASONS[b.reason]})`);
  }
  return `${lines.join('\n')}\n`;
}
