/** The command line of `node bench/dist/load/main.js` (see USAGE). Pure: argv and env in, options out. */

export const USAGE = `Usage: node bench/dist/load/main.js --rate N --duration S [options]
       node bench/dist/load/main.js --find-max [--duration S] [options]

Submits actes and PES files to a running Relais at a steady open-loop rate, waits for each to reach a
final status, and reports rates, latencies (received -> acknowledged), in all and per kind, and the
State simulator's counters.

  --rate N               submissions (actes and PES files) per second (fractions allowed)
  --pes-share P          share of the submissions that are PES files, 0 to 1 (default 0.5: half of
                         what a GIP carries is accounting); 0 for actes only, 1 for PES files only
  --duration S           seconds of submission (default 30; per step with --find-max, default 20)
  --gateway URL          default http://127.0.0.1:$PORT (3000)
  --sim URL              State simulator, default http://127.0.0.1:$STATE_SIM_PORT (3100)
  --admin-token T        default $RELAIS_ADMIN_TOKEN, else the file .relais/admin-token
  --collectivites K      collectivités (one token each, one to three Hélios budgets) to spread the
                         load over (default 20; raised to rate/15 so that no token nears the 20
                         requests/s limit)
  --concurrency C        most submissions in flight at once (default 64)
  --drain-timeout S      how long to follow the transmissions after the last submission; one not final
                         by then counts as lost (default 120; with --find-max, max(30, duration))
  --grace S              the longest drain that still counts as keeping up (default: the drain
                         timeout; with --find-max, max(5, duration/4): a backlog that grew during
                         the step takes long to drain)
  --wait-ready S         how long to wait for GET /health to answer 200 (default 60)
  --find-max             steps at doubling rates until one does not keep up, then measures at half the
                         highest rate that did
  --start-rate N         first --find-max rate (default 5)
  --max-rate N           last --find-max rate (default 1280)
  --seed N               seed of the generated actes and PES files (default: random)
  --classification-file  a 7-2 RetourClassification (XML) or the platform's JSON form to draw
                         classifications from (default: config/classification-default.json)
  --json FILE            also write the report as JSON
  --help`;

export interface LoadOptions {
  readonly rate: number;
  /** The probability that a submission is a PES file rather than an acte. */
  readonly pesShare: number;
  readonly durationS: number;
  readonly gateway: string;
  readonly sim: string;
  readonly adminToken: string | undefined;
  readonly collectivites: number;
  readonly concurrency: number;
  /** Undefined: the mode's default. */
  readonly drainTimeoutS: number | undefined;
  /** Undefined: the mode's default. */
  readonly graceS: number | undefined;
  readonly waitReadyS: number;
  readonly findMax: boolean;
  readonly startRate: number;
  readonly maxRate: number;
  readonly seed: number | undefined;
  readonly classificationFile: string | undefined;
  readonly json: string | undefined;
}

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: LoadOptions };

const FLAGS = new Set(['find-max', 'help']);
const VALUED = new Set([
  'rate', 'pes-share', 'duration', 'gateway', 'sim', 'admin-token', 'collectivites', 'concurrency', 'drain-timeout',
  'grace', 'wait-ready', 'start-rate', 'max-rate', 'seed', 'classification-file', 'json',
]);

/** Throws an Error whose message says what is wrong (the caller prints it with USAGE). */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (name === undefined) throw new Error(`unexpected argument: ${arg}`);
    if (FLAGS.has(name)) {
      if (match?.[2] !== undefined) throw new Error(`--${name} takes no value`);
      flags.add(name);
    } else if (VALUED.has(name)) {
      const value = match?.[2] ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      values.set(name, value);
    } else throw new Error(`unknown option --${name}`);
  }
  if (flags.has('help')) return { help: true };

  const number = (name: string, fallback: number | undefined, min: number, integer = false, max = Infinity): number | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const range = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ${range}: ${raw}`);
    }
    return value;
  };
  const url = (name: string, fallback: string): string => {
    const value = values.get(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`--${name} is not a URL: ${value}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--${name} must be http(s): ${value}`);
    return value.replace(/\/+$/, '');
  };

  const findMax = flags.has('find-max');
  const rate = number('rate', undefined, Number.MIN_VALUE);
  if (!findMax && rate === undefined) throw new Error('--rate is required (or --find-max)');
  const startRate = number('start-rate', 5, Number.MIN_VALUE) ?? 5;
  const maxRate = number('max-rate', 1280, startRate) ?? 1280;
  const token = values.get('admin-token') ?? env['RELAIS_ADMIN_TOKEN'];
  return {
    help: false,
    options: {
      rate: rate ?? startRate,
      pesShare: number('pes-share', 0.5, 0, false, 1) ?? 0.5,
      durationS: number('duration', findMax ? 20 : 30, Number.MIN_VALUE) ?? 30,
      gateway: url('gateway', `http://127.0.0.1:${env['PORT'] ?? '3000'}`),
      sim: url('sim', `http://127.0.0.1:${env['STATE_SIM_PORT'] ?? '3100'}`),
      adminToken: token === undefined || token === '' ? undefined : token,
      collectivites: number('collectivites', 20, 1, true) ?? 20,
      concurrency: number('concurrency', 64, 1, true) ?? 64,
      drainTimeoutS: number('drain-timeout', undefined, 0),
      graceS: number('grace', undefined, 0),
      waitReadyS: number('wait-ready', 60, 0) ?? 60,
      findMax,
      startRate,
      maxRate,
      seed: number('seed', undefined, 0, true),
      classificationFile: values.get('classification-file'),
      json: values.get('json'),
    },
  };
}
