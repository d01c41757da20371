import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { tolerateDrop } from '@relais/testing';
import { sleep, type Platform } from '../platform.js';
import { FINAL_STATUSES, historyProblems, notifiedEvents, statusOf, stuckReason, type HistoryEvent } from './history.js';
import type { LostSubmission, Submission } from './load.js';
import type { Tenant } from './tenants.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/*
 * The ledger: what must hold after every fault, checked against what the clients were told (each 202),
 * what the log holds, what the State received and what the webhook receiver heard. Each problem names
 * the transmission and what is wrong.
 */

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const CLI = join(root, 'cli', 'dist', 'main.js');

/** `/sim/stats`, with the split by kind. */
interface SimStats {
  readonly received: number;
  readonly retries: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly byKind: Readonly<Record<'acte' | 'pes', { readonly received: number; readonly retries: number; readonly duplicates: number; readonly conflicts: number }>>;
}

/** What the ledger needs to reach. */
export interface LedgerContext {
  readonly platform: Platform;
  /** Reads every transmission and the audit calls. */
  readonly supervisorToken: string;
  readonly auditorToken: string;
  readonly tenants: readonly Tenant[];
  readonly receiver: WebhookReceiver;
  /** A transmission whose last event is older than this without being final is stuck. */
  readonly staleAfterMs: number;
}

/** The ledger of one scenario: figures and problems. */
export interface LedgerReport {
  /** Transmissions checked (every one accepted since the suite began). */
  readonly transmissions: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Not final, visibly in flight with a reason. */
  readonly inFlight: readonly string[];
  readonly sim: { readonly received: number; readonly retries: number; readonly duplicates: number; readonly conflicts: number };
  readonly webhooks: { readonly expected: number; readonly heard: number; readonly repeats: number };
  readonly verify: { readonly ok: boolean; readonly checked: number };
  readonly replay: readonly { readonly projection: string; readonly identical: boolean }[];
  /** How long the platform took to settle after the load stopped, then to check. */
  readonly drainMs: number;
  readonly checkMs: number;
  /** Every problem found, each naming the transmission (or the check) and what is wrong; empty when the ledger holds. */
  readonly problems: readonly string[];
}

interface TransmissionBody {
  readonly id: string;
  readonly status: string;
  readonly errors: readonly { readonly code: string }[];
}

/** `items` run over at most `concurrency` at once. */
async function eachLimited<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const queue = items.map((item, i) => [item, i] as const);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) results[next[1]] = await work(next[0]);
    }),
  );
  return results;
}

/** A JSON answer: its status and body (the caller names the body's shape). */
interface JsonAnswer<T> {
  readonly status: number;
  readonly body: T;
}

async function getJson<T>(url: string, token?: string): Promise<JsonAnswer<T>> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/**
 * Waits until every accepted transmission has ended its delivery and the notifier's outbox holds no
 * pending delivery, or `timeoutMs` passed (what is still open is then judged by the ledger).
 */
export async function drain(ctx: LedgerContext, submissions: readonly Submission[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  const open = new Set(submissions.map((s) => s.id));
  const pool = tolerateDrop(new pg.Pool({ connectionString: ctx.platform.db.url, max: 2 }));
  try {
    while (Date.now() - started < timeoutMs) {
      const ids = [...open];
      await eachLimited(ids, 8, async (id) => {
        const t = await getJson<TransmissionBody>(`${ctx.platform.gatewayUrl}/api/v1/transmissions/${id}`, ctx.supervisorToken).catch(() => undefined);
        if (t?.status === 200 && FINAL_STATUSES.has(t.body.status)) open.delete(id);
      });
      if (open.size === 0) {
        const pending = await pool
          .query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'pending'`)
          .then((r) => r.rows[0]?.n ?? 1)
          .catch(() => 1);
        if (pending === 0) break;
      }
      await sleep(500);
    }
  } finally {
    await pool.end();
  }
  return Date.now() - started;
}

/** Every check of the ledger over every transmission accepted so far. */
export async function checkLedger(ctx: LedgerContext, submissions: readonly Submission[], lost: readonly LostSubmission[], drainMs: number): Promise<LedgerReport> {
  const started = Date.now();
  const problems: string[] = [];
  for (const l of lost) problems.push(`no 202 for ${l.kind} ${l.reference} of ${l.siren} (key ${l.idempotencyKey}, during ${l.scenario}): last ${l.last}`);
  const pool = tolerateDrop(new pg.Pool({ connectionString: ctx.platform.db.url, max: 4 }));
  try {
    const histories = await readHistories(pool, submissions.map((s) => s.id));
    const views = await eachLimited(submissions, 8, (s) => getJson<TransmissionBody>(`${ctx.platform.gatewayUrl}/api/v1/transmissions/${s.id}`, ctx.supervisorToken));

    // Each 202 is one transmission, at a final status or visibly in flight, its history complete and in order.
    const byStatus: Record<string, number> = {};
    const inFlight: string[] = [];
    const now = Date.now();
    submissions.forEach((s, i) => {
      const name = `${s.kind} ${s.id} (${s.reference} of ${s.siren}, accepted during ${s.scenario})`;
      const view = views[i];
      if (view === undefined) return;
      if (view.status !== 200) {
        problems.push(`${name}: GET /api/v1/transmissions answers ${view.status.toString()} after its 202`);
        return;
      }
      const { status, errors } = view.body;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      const history = histories.get(s.id) ?? [];
      for (const problem of historyProblems(history, status)) problems.push(`${name}: ${problem}`);
      if (!FINAL_STATUSES.has(status)) {
        const stuck = stuckReason(history, now, ctx.staleAfterMs);
        if (stuck === undefined) inFlight.push(`${name}: ${history[history.length - 1]?.type ?? ''}`);
        else problems.push(`${name}: stuck, ${stuck}`);
      } else if (status !== 'acknowledged' && status !== 'partially_accepted' && (errors.length === 0 || errors.some((e) => e.code === ''))) {
        problems.push(`${name}: ${status} without an error code saying why`);
      }
      if (status === 'rejected') problems.push(`${name}: rejected although every submission of the load is valid (${errors.map((e) => e.code).join(', ')})`);
    });
    // The other checks read apart from each other: at once.
    const [phantoms, sim, webhooks, verify, replay] = await Promise.all([
      phantomTransmissions(ctx, submissions),
      simProblems(ctx, submissions, histories),
      webhookProblems(ctx, pool, submissions, histories),
      getJson<{ ok: boolean; checked: number; firstBroken?: unknown }>(`${ctx.platform.gatewayUrl}/api/v1/audit/verify`, ctx.auditorToken),
      replayProblems(ctx),
    ]);
    problems.push(...phantoms, ...sim.problems, ...webhooks.problems);
    if (verify.status !== 200 || !verify.body.ok) problems.push(`the hash chain does not verify: ${verify.status.toString()} ${JSON.stringify(verify.body)}`);
    problems.push(...replay.problems);

    return {
      transmissions: submissions.length,
      byStatus,
      inFlight,
      sim: sim.stats,
      webhooks: webhooks.figures,
      verify: { ok: verify.body.ok, checked: verify.body.checked },
      replay: replay.projections,
      drainMs,
      checkMs: Date.now() - started,
      problems,
    };
  } finally {
    await pool.end();
  }
}

/** Every event of the transmissions' streams, in the log's order, by transmission id. */
async function readHistories(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, HistoryEvent[]>> {
  const { rows } = await pool.query<{ stream_id: string; stream_version: string; global_position: string; type: string; event_id: string; data: Record<string, unknown>; recorded_at: Date }>(
    `SELECT stream_id, stream_version, global_position, split_part(type, '.', 4) AS type, event_id, data, recorded_at
       FROM events WHERE stream_id = ANY($1::text[]) ORDER BY global_position`,
    [ids.map((id) => `transmission-${id}`)],
  );
  const histories = new Map<string, HistoryEvent[]>();
  for (const row of rows) {
    const id = row.stream_id.slice('transmission-'.length);
    const list = histories.get(id) ?? [];
    list.push({ type: row.type, version: Number(row.stream_version), position: BigInt(row.global_position), recordedAt: row.recorded_at, eventId: row.event_id, data: row.data });
    histories.set(id, list);
  }
  return histories;
}

/** Transmissions of the load's collectivités that no client was given a 202 for: a retry that made a second one. */
async function phantomTransmissions(ctx: LedgerContext, submissions: readonly Submission[]): Promise<string[]> {
  const known = new Set(submissions.map((s) => s.id));
  const problems: string[] = [];
  for (const tenant of ctx.tenants) {
    let after: string | undefined;
    do {
      const query = `limit=1000${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
      const page = await getJson<{ items: { id: string; status: string }[]; next?: string }>(`${ctx.platform.gatewayUrl}/api/v1/transmissions?${query}`, tenant.token);
      if (page.status !== 200) {
        problems.push(`GET /api/v1/transmissions for ${tenant.siren} answers ${page.status.toString()}`);
        break;
      }
      for (const item of page.body.items) {
        if (!known.has(item.id)) problems.push(`transmission ${item.id} of ${tenant.siren} (${item.status}) exists, but no client got a 202 for it: a retry made a second one`);
      }
      after = page.body.next;
    } while (after !== undefined);
  }
  return problems;
}

/**
 * What the State received: duplicates and conflicts 0 (byte-identical retries allowed), each packaged
 * file that reached it held there byte for byte under its name, every answered transmission among them,
 * and the State's count of distinct actes and PES files equal to the number of our files it holds.
 */
async function simProblems(
  ctx: LedgerContext,
  submissions: readonly Submission[],
  histories: ReadonlyMap<string, HistoryEvent[]>,
): Promise<{ problems: string[]; stats: LedgerReport['sim'] }> {
  const problems: string[] = [];
  const { body: stats } = await getJson<SimStats>(`${ctx.platform.simUrl}/sim/stats`);
  if (stats.duplicates !== 0 || stats.conflicts !== 0) problems.push(`the State saw duplicates ${stats.duplicates.toString()} and conflicts ${stats.conflicts.toString()}: ${JSON.stringify(stats.byKind)}`);
  const held = { acte: 0, pes: 0 };
  await eachLimited(submissions, 8, async (s) => {
    const history = histories.get(s.id) ?? [];
    const packaged = history.find((e) => e.type === 'TransmissionPackaged')?.data;
    if (packaged === undefined) return;
    const kind = s.kind === 'pes' ? 'pes' : 'acte';
    const fileName = String(packaged['fileName']);
    const response = await fetch(`${ctx.platform.simUrl}/sim/${kind === 'pes' ? 'pes' : 'actes'}/${encodeURIComponent(fileName)}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const answered = ['acknowledged', 'nacked', 'partially_accepted'].includes(statusOf(history));
    if (response.status === 404) {
      if (answered) problems.push(`${s.kind} ${s.id}: ${statusOf(history)} but the State holds no ${fileName}`);
      return;
    }
    held[kind] += 1;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== packaged['sha256']) problems.push(`${s.kind} ${s.id}: the State holds ${fileName} with SHA-256 ${sha256}, not the packaged ${String(packaged['sha256'])}`);
  });
  for (const kind of ['acte', 'pes'] as const) {
    if (stats.byKind[kind].received !== held[kind]) {
      problems.push(`the State counts ${stats.byKind[kind].received.toString()} distinct ${kind} deliveries, but holds ${held[kind].toString()} of the load's packaged files`);
    }
  }
  return { problems, stats: { received: stats.received, retries: stats.retries, duplicates: stats.duplicates, conflicts: stats.conflicts } };
}

/**
 * Webhooks: every delivery of the notifier's outbox delivered (none pending, none dead) and heard by
 * the receiver under its delivery id, with a valid signature; every notification the log calls for (each
 * change of status, each answer of the State) in the outbox, for the collectivité's webhook; nothing
 * heard that the outbox does not hold.
 */
async function webhookProblems(
  ctx: LedgerContext,
  pool: pg.Pool,
  submissions: readonly Submission[],
  histories: ReadonlyMap<string, HistoryEvent[]>,
): Promise<{ problems: string[]; figures: LedgerReport['webhooks'] }> {
  const problems: string[] = [];
  const { rows } = await pool.query<{ id: string; webhook_id: string; transmission_id: string; event_id: string; event_type: string; state: string; attempts: number; last_error: string | null }>(
    'SELECT id, webhook_id, transmission_id, event_id, event_type, state, attempts, last_error FROM webhook_deliveries',
  );
  const byEvent = new Map(rows.map((r) => [`${r.webhook_id}|${r.event_id}`, r]));
  for (const row of rows) {
    const what = `webhook delivery ${row.id} (${row.event_type} of ${row.transmission_id})`;
    if (row.state !== 'delivered') problems.push(`${what} is ${row.state} after ${row.attempts.toString()} attempts (${row.last_error ?? ''})`);
    else if (!ctx.receiver.heard.has(row.id)) problems.push(`${what} is recorded delivered but never reached the receiver`);
  }
  const outbox = new Set(rows.map((r) => r.id));
  for (const heard of ctx.receiver.heard.values()) {
    if (!outbox.has(heard.deliveryId)) problems.push(`the receiver heard delivery ${heard.deliveryId} (${heard.eventType} of ${heard.transmissionId}), which the outbox does not hold`);
  }
  for (const refused of ctx.receiver.refused) problems.push(`the receiver refused delivery ${refused.deliveryId}: ${refused.reason}`);
  const webhookOf = new Map(ctx.tenants.map((t) => [t.siren, t.webhookId]));
  let expected = 0;
  for (const s of submissions) {
    const webhookId = webhookOf.get(s.siren);
    if (webhookId === undefined) continue;
    for (const event of notifiedEvents(histories.get(s.id) ?? [])) {
      expected += 1;
      if (!byEvent.has(`${webhookId}|${event.eventId}`)) problems.push(`${s.kind} ${s.id}: no webhook delivery for ${event.type} (v${event.version.toString()})`);
    }
  }
  let repeats = 0;
  for (const heard of ctx.receiver.heard.values()) repeats += heard.times - 1;
  return { problems, figures: { expected, heard: ctx.receiver.heard.size, repeats } };
}

/** `relais audit replay --dry-run`: every read model rebuilt from the first event equals the live one. */
async function replayProblems(ctx: LedgerContext): Promise<{ problems: string[]; projections: LedgerReport['replay'] }> {
  try {
    const { stdout } = await run(process.execPath, [CLI, 'audit', 'replay', '--dry-run', '--json', '--quiet'], {
      env: { ...process.env, DATABASE_URL: ctx.platform.db.url },
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as { ok: boolean; projections: { projection: string; identical: boolean; differences?: unknown }[] };
    const projections = report.projections.map((p) => ({ projection: p.projection, identical: p.identical }));
    const problems = report.projections.filter((p) => !p.identical).map((p) => `the ${p.projection} projection differs from a replay: ${JSON.stringify(p).slice(0, 600)}`);
    if (!report.ok && problems.length === 0) problems.push(`the replay is not ok: ${stdout.slice(0, 600)}`);
    return { problems, projections };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { problems: [`relais audit replay --dry-run failed (${String(e.code)}): ${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 1000)], projections: [] };
  }
}
