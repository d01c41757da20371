import { parseArgs } from 'node:util';
import type { ExportFilter, ExportFormat } from './export.js';

/** What the command line asked. */
export type Command =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'verify';
      readonly from?: bigint;
      readonly to?: bigint;
      readonly seals?: string;
      /** Worker threads recomputing the chain (default: the library's, one per core up to 4). */
      readonly workers?: number;
      readonly json: boolean;
      readonly quiet: boolean;
    }
  | {
      readonly kind: 'replay';
      readonly only?: readonly string[];
      readonly dryRun: boolean;
      /** Worker threads folding the log, each a share of its streams (default: the library's, one per core up to 4). */
      readonly workers?: number;
      readonly json: boolean;
      readonly quiet: boolean;
    }
  | { readonly kind: 'export'; readonly format: ExportFormat; readonly out?: string; readonly filter: ExportFilter; readonly json: boolean; readonly quiet: boolean };

/** A command line that cannot be run: exit code 2, with this message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes scripts rely on. */
export const EXIT = { ok: 0, altered: 1, usage: 2, failed: 3 } as const;

export const USAGE = `relais — the operators' and auditors' command line

  npm run relais -- audit verify [--from <position>] [--to <position>] [--seals <file>] [--workers <n>] [--json] [--quiet]
      Recomputes the hash chain of the event log (all of it, or the positions from..to) and names the
      first row altered and why. A whole-log verify also recomputes every seal (docs/audit-seals.md),
      and with --seals checks the log against the seals exported to <file> by relais-audit, which
      catches a chain rewritten with every hash recomputed. The chain is recomputed by <n> worker
      threads, each over a part of the log on its own connection (default: one per core, up to 4;
      0: in one thread); the answer is the same.
  npm run relais -- audit replay [--only transmissions,stats] [--dry-run] [--workers <n>] [--json] [--quiet]
      Rebuilds every projection (or those named) from the first event into new tables, compares them
      with the live ones, then switches readers over in one transaction (--dry-run: compare only).
      Never re-runs a side effect: nothing is sent, published or notified. The log is folded by <n>
      worker threads, each a share of the streams (default: one per core, up to 4; 0: in one thread).
  npm run relais -- audit export [--format ndjson|csv] [--out <file>] [--transmission <id>]
                                 [--siren <siren>] [--from <ISO 8601>] [--to <ISO 8601>] [--json] [--quiet]
      Writes the log, or a part of it, with every hashed field and each row's hash and predecessor's,
      to <file> (default: stdout). docs/audit-export.md verifies it without Relais.

  Progress with rate and ETA goes to stderr (--quiet: none); --json prints the result as JSON on stdout.
  DATABASE_URL (default postgres://postgres@127.0.0.1:5432/relais) names the database.
  Exit codes: 0 done and intact, 1 the log is altered, 2 a wrong command line, 3 it could not be done.`;

/** The projections `audit replay` rebuilds. */
export const PROJECTIONS: readonly string[] = ['transmissions', 'stats'];

const POSITION = /^[0-9]{1,18}$/;
const WORKERS = /^[0-9]{1,2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads argv (after `node main.js`). Pure; throws UsageError. */
export function parseCommand(argv: readonly string[]): Command {
  const [area, verb, ...rest] = argv;
  if (area === undefined || area === 'help' || area === '--help' || area === '-h') return { kind: 'help' };
  if (area !== 'audit' || (verb !== 'verify' && verb !== 'export' && verb !== 'replay')) throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        ...(verb === 'verify' && { seals: { type: 'string' }, workers: { type: 'string' } }),
        ...(verb === 'replay' && { only: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, workers: { type: 'string' } }),
        ...(verb === 'export' && {
          format: { type: 'string', default: 'ndjson' },
          out: { type: 'string' },
          transmission: { type: 'string' },
          siren: { type: 'string' },
        }),
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const json = values['json'] === true;
  const quiet = values['quiet'] === true;
  const from = values['from'];
  const to = values['to'];
  const workers = values['workers'];
  if (typeof workers === 'string' && !WORKERS.test(workers)) throw new UsageError('--workers must be a number of threads from 0 to 99');
  if (verb === 'replay') {
    if (from !== undefined || to !== undefined) throw new UsageError('audit replay always starts from the first event: no --from or --to');
    const only = values['only'];
    const names = typeof only === 'string' ? only.split(',').map((n) => n.trim()) : undefined;
    if (names?.some((n) => !PROJECTIONS.includes(n))) throw new UsageError(`--only takes projections among ${PROJECTIONS.join(', ')}`);
    return { kind: 'replay', ...(names && { only: names }), dryRun: values['dry-run'] === true, ...(typeof workers === 'string' && { workers: Number(workers) }), json, quiet };
  }
  if (verb === 'verify') {
    const seals = values['seals'];
    if (typeof seals === 'string' && (from !== undefined || to !== undefined)) throw new UsageError('--seals checks the whole log: no --from or --to');
    for (const [name, value] of [['from', from], ['to', to]] as const) {
      if (typeof value === 'string' && !POSITION.test(value)) throw new UsageError(`--${name} must be a global position (a whole number)`);
    }
    return {
      kind: 'verify',
      ...(typeof from === 'string' && { from: BigInt(from) }),
      ...(typeof to === 'string' && { to: BigInt(to) }),
      ...(typeof seals === 'string' && { seals }),
      ...(typeof workers === 'string' && { workers: Number(workers) }),
      json,
      quiet,
    };
  }
  const format = values['format'];
  if (format !== 'ndjson' && format !== 'csv') throw new UsageError('--format must be ndjson or csv');
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (typeof value === 'string' && (!INSTANT.test(value) || Number.isNaN(Date.parse(value)))) {
      throw new UsageError(`--${name} must be an ISO 8601 instant with its zone, such as 2026-03-01T00:00:00Z`);
    }
  }
  const siren = values['siren'];
  if (typeof siren === 'string' && !/^[0-9]{9}$/.test(siren)) throw new UsageError('--siren must be 9 digits');
  const transmission = values['transmission'];
  const out = values['out'];
  return {
    kind: 'export',
    format,
    ...(typeof out === 'string' && { out }),
    filter: {
      ...(typeof transmission === 'string' && { transmission }),
      ...(typeof siren === 'string' && { siren }),
      ...(typeof from === 'string' && { from: new Date(from) }),
      ...(typeof to === 'string' && { to: new Date(to) }),
    },
    json,
    quiet,
  };
}
