import { parseTransport, type EndpointTransport } from './endpoint-transport.js';

/** The State system an endpoint belongs to. */
export type RoutingChannel = 'actes' | 'helios';

/**
 * A cap on the volume sent to an endpoint (S²LOW's "fenêtres de transmission"): at most `bytes` per
 * window of `seconds`. Windows are fixed and aligned on the Unix epoch (an hourly window starts on
 * the hour, UTC), so every replica computes the same ones without talking to the others.
 */
export interface TransmissionWindow {
  readonly bytes: number;
  readonly seconds: number;
}

/** A State server transmissions are delivered to. */
export interface Endpoint {
  readonly id: string;
  readonly channel: RoutingChannel;
  /** Its base URL (`http://127.0.0.1:3100` for the simulator). */
  readonly url: string;
  /** Free text for operators (`Préfecture de la Côte-d'Or`). */
  readonly label?: string;
  /** The volume it may take per window; absent: unlimited. */
  readonly window?: TransmissionWindow;
  /** How it is reached: the simulator over plain HTTP unless the table says otherwise. */
  readonly transport: EndpointTransport;
}

/**
 * One line of the table. `departement` and `arrondissement` select actes, `idPost` selects PES files;
 * `*` (or absent) matches anything. The most specific matching rule wins: an exact arrondissement
 * before a whole département before the catch-all.
 */
export interface RoutingRule {
  readonly channel: RoutingChannel;
  readonly departement?: string;
  readonly arrondissement?: string;
  readonly idPost?: string;
  readonly endpoint: string;
}

/** The whole table, as checked by {@link parseRoutingTable}. */
export interface RoutingTable {
  readonly endpoints: readonly Endpoint[];
  readonly rules: readonly RoutingRule[];
}

/** A table that cannot be used, with every problem listed. */
export class RoutingTableError extends Error {
  readonly code = 'ROUTING.INVALID_TABLE';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid routing table:\n  ${problems.join('\n  ')}`);
    this.name = 'RoutingTableError';
  }
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEPARTEMENT = /^(\d{3}|02A|02B)$/;
const ARRONDISSEMENT = /^\d$/;
const ID_POST = /^\d{6}$/;
const CHANNELS: readonly string[] = ['actes', 'helios'];
/** Longest window: a day (a wait is held in memory, and timers past 24.8 days do not work). */
export const MAX_WINDOW_SECONDS = 86_400;

/**
 * Checks a table read from JSON. `${NAME}` and `${NAME:-fallback}` in a URL are replaced from `env`,
 * so one file serves every machine (`${STATE_SIM_URL:-http://127.0.0.1:3100}`).
 */
export function parseRoutingTable(json: unknown, env: Readonly<Record<string, string | undefined>> = {}): RoutingTable {
  const problems: string[] = [];
  const root = isRecord(json) ? json : (problems.push('the table is not a JSON object'), {});
  const endpointsIn = Array.isArray(root['endpoints']) ? (root['endpoints'] as unknown[]) : [];
  const rulesIn = Array.isArray(root['rules']) ? (root['rules'] as unknown[]) : [];
  if (!Array.isArray(root['endpoints'])) problems.push('endpoints must be a list');
  if (!Array.isArray(root['rules'])) problems.push('rules must be a list');

  const endpoints: Endpoint[] = [];
  endpointsIn.forEach((value, i) => {
    const where = `endpoints[${i.toString()}]`;
    if (!isRecord(value)) return void problems.push(`${where} is not an object`);
    const { id, channel, url, label, window, transport, ...rest } = value;
    for (const key of Object.keys(rest)) problems.push(`${where}.${key} is not an endpoint setting`);
    if (typeof id !== 'string' || !ID.test(id)) problems.push(`${where}.id must match ${ID.source}`);
    if (typeof channel !== 'string' || !CHANNELS.includes(channel)) problems.push(`${where}.channel must be actes or helios`);
    let resolved = '';
    if (typeof url !== 'string') problems.push(`${where}.url must be a string`);
    else {
      resolved = substitute(url, env);
      try {
        const { protocol } = new URL(resolved);
        if (!['http:', 'https:', 'sftp:'].includes(protocol)) problems.push(`${where}.url must be http, https or sftp: ${resolved}`);
      } catch {
        problems.push(`${where}.url is not a URL: ${resolved}`);
      }
    }
    if (label !== undefined && typeof label !== 'string') problems.push(`${where}.label must be a string`);
    if (typeof id === 'string' && endpoints.some((e) => e.id === id)) problems.push(`${where}.id ${id} is listed twice`);
    const checkedWindow = window === undefined ? undefined : parseWindow(window, `${where}.window`, problems);
    const checkedTransport = parseTransport(transport, String(channel), resolved, `${where}.transport`, problems, (text) => substitute(text, env));
    endpoints.push({
      id: String(id),
      channel: channel as RoutingChannel,
      url: resolved,
      ...(typeof label === 'string' ? { label } : {}),
      ...(checkedWindow === undefined ? {} : { window: checkedWindow }),
      transport: checkedTransport,
    });
  });

  const rules: RoutingRule[] = [];
  rulesIn.forEach((value, i) => {
    const where = `rules[${i.toString()}]`;
    if (!isRecord(value)) return void problems.push(`${where} is not an object`);
    const { channel, departement, arrondissement, idPost, endpoint } = value;
    if (typeof channel !== 'string' || !CHANNELS.includes(channel)) problems.push(`${where}.channel must be actes or helios`);
    const pattern = (name: string, v: unknown, regex: RegExp): string | undefined => {
      if (v === undefined || v === '*') return undefined;
      if (typeof v !== 'string' || !regex.test(v)) problems.push(`${where}.${name} must be * or match ${regex.source}`);
      return typeof v === 'string' ? v : undefined;
    };
    const d = pattern('departement', departement, DEPARTEMENT);
    const a = pattern('arrondissement', arrondissement, ARRONDISSEMENT);
    const p = pattern('idPost', idPost, ID_POST);
    const target = endpoints.find((e) => e.id === endpoint);
    if (target === undefined) problems.push(`${where}.endpoint ${String(endpoint)} is not a listed endpoint`);
    else if (target.channel !== channel) problems.push(`${where} sends ${String(channel)} to ${target.id}, a ${target.channel} endpoint`);
    rules.push({
      channel: channel as RoutingChannel,
      ...(d === undefined ? {} : { departement: d }),
      ...(a === undefined ? {} : { arrondissement: a }),
      ...(p === undefined ? {} : { idPost: p }),
      endpoint: String(endpoint),
    });
  });
  if (problems.length > 0) throw new RoutingTableError(problems);
  return { endpoints, rules };
}

/** The endpoint of an acte from its collectivité's département and arrondissement; undefined when no rule matches. */
export function routeActe(table: RoutingTable, where: { departement: string; arrondissement: string }): Endpoint | undefined {
  return best(table, 'actes', (rule) => {
    if (rule.departement !== undefined && rule.departement !== where.departement) return -1;
    if (rule.arrondissement !== undefined && rule.arrondissement !== where.arrondissement) return -1;
    return (rule.departement === undefined ? 0 : 2) + (rule.arrondissement === undefined ? 0 : 1);
  });
}

/** The endpoint of a PES file from its accounting post (IdPost) and département; undefined when no rule matches. */
export function routePes(table: RoutingTable, where: { idPost: string; departement?: string }): Endpoint | undefined {
  return best(table, 'helios', (rule) => {
    if (rule.idPost !== undefined && rule.idPost !== where.idPost) return -1;
    if (rule.departement !== undefined && rule.departement !== where.departement) return -1;
    return (rule.idPost === undefined ? 0 : 2) + (rule.departement === undefined ? 0 : 1);
  });
}

/** An endpoint by its id (what TransmissionRouted records). */
export function findEndpoint(table: RoutingTable, id: string): Endpoint | undefined {
  return table.endpoints.find((endpoint) => endpoint.id === id);
}

/* Highest score wins; on a tie the earlier rule, so the file's order is the operator's tie-break. */
function best(table: RoutingTable, channel: RoutingChannel, score: (rule: RoutingRule) => number): Endpoint | undefined {
  let chosen: { rule: RoutingRule; score: number } | undefined;
  for (const rule of table.rules) {
    if (rule.channel !== channel) continue;
    const s = score(rule);
    if (s >= 0 && (chosen === undefined || s > chosen.score)) chosen = { rule, score: s };
  }
  return chosen === undefined ? undefined : findEndpoint(table, chosen.rule.endpoint);
}

function parseWindow(value: unknown, where: string, problems: string[]): TransmissionWindow | undefined {
  if (!isRecord(value)) return void problems.push(`${where} must be an object {bytes, seconds}`);
  const { bytes, seconds, ...rest } = value;
  const before = problems.length;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 1) problems.push(`${where}.bytes must be a whole number from 1`);
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_WINDOW_SECONDS) {
    problems.push(`${where}.seconds must be a whole number from 1 to ${MAX_WINDOW_SECONDS.toString()}`);
  }
  for (const key of Object.keys(rest)) problems.push(`${where}.${key} is not a window setting (bytes, seconds)`);
  return problems.length === before ? { bytes: bytes as number, seconds: seconds as number } : undefined;
}

/** The start of the fixed window, aligned on the epoch, that holds `instant`. */
export function windowStartOf(window: TransmissionWindow, instant: Date): Date {
  const length = window.seconds * 1000;
  return new Date(Math.floor(instant.getTime() / length) * length);
}

/** The start of the window after the one that holds `instant`. */
export function nextWindowStart(window: TransmissionWindow, instant: Date): Date {
  return new Date(windowStartOf(window, instant).getTime() + window.seconds * 1000);
}

function substitute(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const value = env[name];
    return value === undefined || value === '' ? (fallback ?? '') : value;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
