/** The printed reports. Pure: results in, text out. */
import type { SimStats } from './api.js';
import type { KindFigures } from './figures.js';
import { SUBMISSION_KINDS, type SubmissionKind } from './kind.js';
import type { Summary } from './stats.js';

/** What the text reports read from a step (runner's StepResult extends it). */
export interface StepFigures {
  readonly rate: number;
  readonly durationS: number;
  readonly collectivites: number;
  readonly submitted: number;
  readonly accepted: number;
  readonly httpErrors: Readonly<Record<string, number>>;
  readonly httpErrorCount: number;
  readonly achievedRate: number;
  readonly lateStarts: number;
  readonly maxLatenessMs: number;
  readonly submitLatencyMs: Summary;
  readonly finalStatuses: Readonly<Record<string, number>>;
  readonly notFinal: number;
  readonly notFinalByStatus: Readonly<Record<string, number>>;
  readonly notFinalSample: readonly string[];
  readonly rejectedReasons: Readonly<Record<string, number>>;
  readonly acknowledged: number;
  readonly ackLatencyMs: Summary;
  readonly ackThroughput: number;
  /** The same figures for the actes alone and the PES files alone. */
  readonly byKind: Readonly<Record<SubmissionKind, KindFigures>>;
  readonly drainTimeoutS: number;
  readonly graceS: number;
  readonly drained: boolean;
  readonly drainSeconds: number | undefined;
  readonly simBefore: SimStats | undefined;
  readonly simAfter: SimStats | undefined;
  readonly keptUp: boolean;
  readonly reasons: readonly string[];
}

/** Columns padded to their widest cell; numbers (and the header above them) right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const numeric = widths.map((_, i) => rows.slice(1).every((row) => /^[-+]?[\d.,]+( ?\S{0,3})?$|^-$|^$/.test(row[i] ?? '')));
  return rows
    .map((row) => row.map((cell, i) => (numeric[i] === true ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

const ms = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

function counts(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

function sim(stats: SimStats | undefined, before: SimStats | undefined): string {
  if (stats === undefined) return 'not reachable (duplicates and conflicts not checked)';
  const delta = (name: 'received' | 'retries' | 'duplicates' | 'conflicts'): string =>
    before === undefined ? `${stats[name]}` : `${stats[name]} (+${stats[name] - before[name]})`;
  return `received ${delta('received')}, retries ${delta('retries')}, duplicates ${delta('duplicates')}, conflicts ${delta('conflicts')}`;
}

const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

/** The kinds a step submitted, when it submitted more than one (otherwise the totals say it all). */
function mixedKinds(s: StepFigures): SubmissionKind[] {
  const kinds = SUBMISSION_KINDS.filter((kind) => s.byKind[kind].submitted > 0);
  return kinds.length > 1 ? kinds : [];
}

/** One row per kind: what was sent, what became of it, how fast. */
export function kindTable(s: StepFigures): string {
  const rows: string[][] = [['kind', 'sent', 'sent/s', 'size p50', 'size max', 'errors', 'acked', 'other end', 'lost', 'ack/s', 'p50', 'p95', 'p99', 'max']];
  for (const kind of mixedKinds(s)) {
    const k = s.byKind[kind];
    const otherEnd = Object.entries(k.finalStatuses).reduce((sum, [status, n]) => (status === 'acknowledged' || status === 'cancelled' ? sum : sum + n), 0);
    rows.push([
      kind,
      String(k.submitted),
      k.achievedRate.toFixed(1),
      kb(k.sizeBytes.p50),
      kb(k.sizeBytes.max),
      String(k.httpErrorCount),
      String(k.acknowledged),
      String(otherEnd),
      String(k.notFinal),
      k.ackThroughput.toFixed(1),
      ms(k.ackLatencyMs.p50),
      ms(k.ackLatencyMs.p95),
      ms(k.ackLatencyMs.p99),
      ms(k.ackLatencyMs.max),
    ]);
  }
  return table(rows);
}

/** Whether the simulator saw an acte twice or two archives under one name (API.md: must stay 0). */
export function simBroken(stats: SimStats | undefined): boolean {
  return stats !== undefined && (stats.duplicates > 0 || stats.conflicts > 0);
}

export function formatStep(s: StepFigures): string {
  const l = s.ackLatencyMs;
  const lines = [
    `rate asked            ${s.rate}/s for ${s.durationS} s over ${s.collectivites} collectivités`,
    `submitted             ${s.submitted} (achieved ${s.achievedRate.toFixed(1)}/s; ${s.lateStarts} started >100 ms late, worst ${ms(s.maxLatenessMs)})`,
    `accepted (202)        ${s.accepted}`,
    `HTTP errors           ${s.httpErrorCount}${s.httpErrorCount > 0 ? ` (${counts(s.httpErrors)})` : ''}`,
    `submit answer time    p50 ${ms(s.submitLatencyMs.p50)}, p95 ${ms(s.submitLatencyMs.p95)}, p99 ${ms(s.submitLatencyMs.p99)}, max ${ms(s.submitLatencyMs.max)}`,
    `final statuses        ${counts(s.finalStatuses)}`,
    `not final (lost)      ${s.notFinal}${s.notFinal > 0 ? ` (${counts(s.notFinalByStatus)}; e.g. ${s.notFinalSample.slice(0, 5).join(', ')})` : ''}`,
  ];
  if (Object.keys(s.rejectedReasons).length > 0) lines.push(`refusal reasons       ${counts(s.rejectedReasons)}`);
  lines.push(
    `acknowledged          ${s.acknowledged} (${s.ackThroughput.toFixed(1)}/s from first receipt to last acknowledgment)`,
    `received -> ack       p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, max ${ms(l.max)} (n = ${l.count})`,
    `drained               ${s.drained ? `yes, ${(s.drainSeconds ?? 0).toFixed(1)} s after the last submission` : `no, within ${s.drainTimeoutS} s`}`,
    `State simulator       ${sim(s.simAfter, s.simBefore)}`,
    `kept up               ${s.keptUp ? 'yes' : `no: ${s.reasons.join('; ')}`}`,
  );
  if (mixedKinds(s).length > 0) lines.push('', 'by kind (received -> ack latencies)', kindTable(s));
  return lines.join('\n');
}

/** The --find-max table: one row per step, then one per kind when the step mixed them. */
export function findMaxTable(steps: readonly (StepFigures & { readonly label?: string })[]): string {
  const rows: string[][] = [['step', 'rate/s', 'sent/s', 'sent', 'errors', 'acked', 'lost', 'ack/s', 'p50', 'p95', 'p99', 'max', 'drain', 'kept up']];
  for (const s of steps) {
    rows.push([
      s.label ?? 'step',
      String(s.rate),
      s.achievedRate.toFixed(1),
      String(s.submitted),
      String(s.httpErrorCount),
      String(s.acknowledged),
      String(s.notFinal),
      s.ackThroughput.toFixed(1),
      ms(s.ackLatencyMs.p50),
      ms(s.ackLatencyMs.p95),
      ms(s.ackLatencyMs.p99),
      ms(s.ackLatencyMs.max),
      s.drainSeconds === undefined ? '-' : `${s.drainSeconds.toFixed(1)} s`,
      s.keptUp ? 'yes' : 'no',
    ]);
    for (const kind of mixedKinds(s)) {
      const k = s.byKind[kind];
      rows.push([
        `  ${kind}`,
        '',
        k.achievedRate.toFixed(1),
        String(k.submitted),
        String(k.httpErrorCount),
        String(k.acknowledged),
        String(k.notFinal),
        k.ackThroughput.toFixed(1),
        ms(k.ackLatencyMs.p50),
        ms(k.ackLatencyMs.p95),
        ms(k.ackLatencyMs.p99),
        ms(k.ackLatencyMs.max),
        '',
        '',
      ]);
    }
  }
  return table(rows);
}
