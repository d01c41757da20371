/**
 * One load step against a running platform: submit at an open-loop rate, follow every accepted acte
 * to a final status, and measure. The I/O half of the load generator; the judgements are pure
 * functions in schedule.ts and stats.ts.
 */
import { performance } from 'node:perf_hooks';
import { actesForm, makeActe } from './acte.js';
import { Api, errorCode, networkReason, type TransmissionSnapshot } from './api.js';
import type { Random } from './corpus.js';
import { achievedRate, judge, scheduleOffsets } from './schedule.js';
import type { StepFigures } from './report.js';
import { collectivite, type CollectiviteSpec } from './siren.js';
import { summarize } from './stats.js';

/** Where delivery ends (API.md "Following"); `cancelled` only ever follows `acknowledged`. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Log = (message: string) => void;

/** A collectivité registered for the run, with its own token. */
export interface Tenant {
  readonly spec: CollectiviteSpec;
  readonly ville: string;
  readonly token: string;
  /** False when its SIREN already existed (409). */
  readonly created: boolean;
}

/** The collectivités of the run; grows when a faster step needs more tokens. */
export class Fleet {
  readonly tenants: Tenant[] = [];

  constructor(
    private readonly api: Api,
    private readonly adminToken: string,
    private readonly rangeSeed: number,
    private readonly log: Log,
  ) {}

  async ensure(count: number): Promise<void> {
    const from = this.tenants.length;
    if (count <= from) return;
    const made: Tenant[] = [];
    // A few at a time: the admin token has the same 20 requests/s budget as any other.
    for (let i = from; i < count; i += 4) {
      const batch = Array.from({ length: Math.min(4, count - i) }, (_, j) => i + j);
      made.push(
        ...(await Promise.all(
          batch.map(async (index) => {
            const { body, ville } = collectivite(index, this.rangeSeed);
            const created = await this.api.registerCollectivite(this.adminToken, body);
            const token = await this.api.createToken(this.adminToken, { role: 'collectivite', siren: body.siren });
            return { spec: body, ville, token, created };
          }),
        )),
      );
    }
    this.tenants.push(...made);
    const existing = made.filter((t) => !t.created).length;
    this.log(`collectivités: ${this.tenants.length} ready (${made.length - existing} registered${existing > 0 ? `, ${existing} already existed (409)` : ''})`);
  }
}

/** What the run shares across steps. */
export interface RunContext {
  readonly api: Api;
  readonly fleet: Fleet;
  /** A supervisor token to list every transmission; undefined: each collectivité lists its own. */
  readonly supervisorToken: string | undefined;
  readonly random: Random;
  readonly runTag: string;
  readonly classifications: readonly string[];
  readonly concurrency: number;
  readonly log: Log;
  /** Set to stop submitting (Ctrl-C); the step then drains what it sent. */
  readonly stop: { requested: boolean };
  /** The numéro interne sequence, shared by the steps of a run. */
  sequence: number;
}

interface Tracked {
  readonly id: string;
  readonly tenant: Tenant;
  snapshot: TransmissionSnapshot | undefined;
}

/** Everything measured in a step (the JSON report holds these as they are): the printed figures and when and how it ran. */
export interface StepResult extends StepFigures {
  readonly concurrency: number;
  readonly startedAt: string;
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Follows the accepted actes of a step through the list API, newest first, page by page. */
class Follower {
  readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly ctx: RunContext,
    /** Pages older than this (ms since epoch, server clock) are from before the step: stop there. */
    private readonly cutoffMs: number,
  ) {}

  pending(): Tracked[] {
    return [...this.tracked.values()].filter((t) => t.snapshot === undefined || !FINAL_STATUSES.has(t.snapshot.status));
  }

  private update(snapshot: TransmissionSnapshot): boolean {
    const entry = this.tracked.get(snapshot.id);
    if (entry === undefined) return false;
    entry.snapshot = snapshot;
    return true;
  }

  /** One round: a few stragglers one GET each; otherwise list pages until every pending one is seen. */
  async poll(fewByIdBelow: number): Promise<void> {
    const pending = this.pending();
    if (pending.length === 0) return;
    if (pending.length <= fewByIdBelow) {
      await Promise.all(
        pending.map(async (t) => {
          const snapshot = await this.ctx.api.getTransmission(t.tenant.token, t.id);
          if (snapshot !== undefined) this.update(snapshot);
        }),
      );
      return;
    }
    const supervisor = this.ctx.supervisorToken;
    if (supervisor !== undefined) {
      await this.scan(supervisor, new Set(pending.map((t) => t.id)));
      return;
    }
    const byTenant = new Map<string, { token: string; ids: Set<string> }>();
    for (const t of pending) {
      const group = byTenant.get(t.tenant.spec.siren) ?? { token: t.tenant.token, ids: new Set<string>() };
      group.ids.add(t.id);
      byTenant.set(t.tenant.spec.siren, group);
    }
    for (const group of byTenant.values()) await this.scan(group.token, group.ids);
  }

  private async scan(token: string, wanted: Set<string>): Promise<void> {
    let after: string | undefined;
    let seen = 0;
    for (;;) {
      const page = await this.ctx.api.listTransmissions(token, { kind: 'acte', limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const item of page.items) if (wanted.has(item.id) && this.update(item)) seen += 1;
      const oldest = page.items[page.items.length - 1];
      if (seen >= wanted.size || page.next === undefined || oldest === undefined || Date.parse(oldest.createdAt) < this.cutoffMs) return;
      after = page.next;
    }
  }
}

/** A counting semaphore with a FIFO queue. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.free += 1;
    else next();
  }
}

/** How long a step submits, and how long it waits after. */
export interface StepPlan {
  readonly rate: number;
  readonly durationS: number;
  readonly collectivites: number;
  /** How long to follow the actes after the last submission before calling the rest lost. */
  readonly drainTimeoutS: number;
  /** The longest drain that still counts as keeping up. */
  readonly graceS: number;
}

/** Submits `rate`/s for `durationS` over `collectivites` tenants, then waits up to `drainTimeoutS` for every acte to be final. */
export async function runStep(ctx: RunContext, plan: StepPlan): Promise<StepResult> {
  const { rate, durationS, collectivites, drainTimeoutS, graceS } = plan;
  const { api, log } = ctx;
  await ctx.fleet.ensure(collectivites);
  const tenants = ctx.fleet.tenants.slice(0, collectivites);
  const simBefore = await api.simStats();
  const startedWall = Date.now();
  const follower = new Follower(ctx, startedWall - 120_000);
  const offsets = scheduleOffsets(rate, durationS);
  const slots = new Slots(ctx.concurrency);
  const httpErrors: Record<string, number> = {};
  const submitLatencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let submitted = 0;
  let lateStarts = 0;
  let maxLateness = 0;
  let firstStart: number | undefined;
  let lastStart = 0;
  log(`step: ${rate}/s for ${durationS} s (${offsets.length} actes) over ${tenants.length} collectivités, at most ${ctx.concurrency} in flight`);

  const submitOne = async (index: number): Promise<void> => {
    const tenant = tenants[index % tenants.length];
    if (tenant === undefined) return;
    const sequence = ctx.sequence++;
    const acte = makeActe({
      random: ctx.random,
      now: new Date(),
      runTag: ctx.runTag,
      sequence,
      nom: tenant.spec.nom,
      ville: tenant.ville,
      classifications: ctx.classifications,
    });
    const began = performance.now();
    try {
      const answer = await api.submitActe(tenant.token, actesForm(acte), `load-${ctx.runTag}-${sequence}`);
      submitLatencies.push(performance.now() - began);
      const id = typeof answer.body === 'object' && answer.body !== null && 'id' in answer.body ? answer.body.id : undefined;
      if (answer.status === 202 && typeof id === 'string') {
        follower.tracked.set(id, { id, tenant, snapshot: undefined });
      } else {
        bump(httpErrors, `${answer.status}${answer.status === 202 ? ' without id' : ''} ${errorCode(answer.body) ?? ''}`.trim());
      }
    } catch (error) {
      bump(httpErrors, `network ${networkReason(error)}`);
    }
  };

  const following = { on: true };
  const background = (async () => {
    for (;;) {
      await sleep(2000);
      if (!following.on) break;
      try {
        await follower.poll(0);
      } catch (error) {
        log(`poll failed (will retry): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();

  const t0 = performance.now() + 20;
  let progressAt = t0 + 5000;
  for (const offset of offsets) {
    if (ctx.stop.requested) break;
    const due = t0 + offset;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    await slots.acquire();
    const start = performance.now();
    firstStart ??= start;
    lastStart = start;
    const lateness = start - due;
    maxLateness = Math.max(maxLateness, lateness);
    if (lateness > 100) lateStarts += 1;
    submitted += 1;
    const sending = submitOne(submitted - 1).finally(() => {
      slots.release();
      inFlight.delete(sending);
    });
    inFlight.add(sending);
    if (start >= progressAt) {
      progressAt += 5000;
      log(`  ${submitted}/${offsets.length} sent, ${follower.tracked.size} accepted, ${inFlight.size} in flight`);
    }
  }
  await Promise.all(inFlight);
  const submitEndWall = Date.now();
  following.on = false;
  await background;
  const accepted = follower.tracked.size;
  log(`  submission over: ${submitted} sent, ${accepted} accepted; following them (drain timeout ${drainTimeoutS} s)`);

  const deadline = performance.now() + drainTimeoutS * 1000;
  let lastReport = performance.now();
  for (;;) {
    try {
      // Near the end, a GET per straggler also tells a 404 (never projected) from a slow one.
      await follower.poll(20);
    } catch (error) {
      log(`poll failed (will retry): ${error instanceof Error ? error.message : String(error)}`);
    }
    const left = follower.pending().length;
    if (left === 0 || performance.now() >= deadline) break;
    if (performance.now() - lastReport >= 5000) {
      lastReport = performance.now();
      log(`  ${accepted - left}/${accepted} final, ${left} in progress`);
    }
    await sleep(Math.min(1000, Math.max(0, deadline - performance.now())));
  }

  // Acknowledged views without acknowledgment.at (none expected): the event's recordedAt instead.
  const all = [...follower.tracked.values()];
  const noAckTime = all.filter((t) => t.snapshot?.status === 'acknowledged' && t.snapshot.acknowledgedAt === undefined).slice(0, 200);
  await Promise.all(
    noAckTime.map(async (t) => {
      const at = await api.acknowledgedAt(t.tenant.token, t.id).catch(() => undefined);
      if (t.snapshot !== undefined && at !== undefined) t.snapshot = { ...t.snapshot, acknowledgedAt: at };
    }),
  );
  const simAfter = await api.simStats();

  const finalStatuses: Record<string, number> = {};
  const notFinalByStatus: Record<string, number> = {};
  const rejectedReasons: Record<string, number> = {};
  const latencies: number[] = [];
  let firstCreated = Infinity;
  let lastAck = -Infinity;
  let lastFinal = -Infinity;
  const notFinalSample: string[] = [];
  for (const t of all) {
    const s = t.snapshot;
    if (s === undefined || !FINAL_STATUSES.has(s.status)) {
      bump(notFinalByStatus, s?.status ?? 'not visible');
      if (notFinalSample.length < 20) notFinalSample.push(t.id);
      continue;
    }
    bump(finalStatuses, s.status);
    const created = Date.parse(s.createdAt);
    firstCreated = Math.min(firstCreated, created);
    const ack = s.acknowledgedAt === undefined ? NaN : Date.parse(s.acknowledgedAt);
    lastFinal = Math.max(lastFinal, Number.isNaN(ack) ? Date.parse(s.updatedAt) : ack);
    if (!Number.isNaN(ack)) {
      latencies.push(ack - created);
      lastAck = Math.max(lastAck, ack);
    }
    if (s.status !== 'acknowledged' && s.status !== 'cancelled') for (const code of s.errorCodes) bump(rejectedReasons, `${s.status} ${code}`);
  }
  const notFinal = all.length - Object.values(finalStatuses).reduce((a, b) => a + b, 0);
  const acknowledged = (finalStatuses['acknowledged'] ?? 0) + (finalStatuses['cancelled'] ?? 0);
  const drained = notFinal === 0;
  const drainSeconds = drained && accepted > 0 ? Math.max(0, (lastFinal - submitEndWall) / 1000) : drained ? 0 : undefined;
  const httpErrorCount = Object.values(httpErrors).reduce((a, b) => a + b, 0);
  const achieved = firstStart === undefined ? 0 : achievedRate(submitted, firstStart, lastStart, rate);
  const verdict = judge({
    targetRate: rate,
    achievedRate: achieved,
    submitted,
    accepted,
    httpErrors: httpErrorCount,
    acknowledged,
    notFinal,
    drained,
    drainSeconds,
    graceS,
  });
  return {
    rate,
    durationS,
    collectivites: tenants.length,
    concurrency: ctx.concurrency,
    startedAt: new Date(startedWall).toISOString(),
    submitted,
    accepted,
    httpErrors,
    httpErrorCount,
    achievedRate: achieved,
    lateStarts,
    maxLatenessMs: Math.max(0, maxLateness),
    submitLatencyMs: summarize(submitLatencies),
    finalStatuses,
    notFinal,
    notFinalByStatus,
    notFinalSample,
    rejectedReasons,
    acknowledged,
    ackLatencyMs: summarize(latencies),
    ackThroughput: latencies.length > 0 && lastAck > firstCreated ? (latencies.length * 1000) / (lastAck - firstCreated) : 0,
    drainTimeoutS,
    graceS,
    drained,
    drainSeconds,
    simBefore,
    simAfter,
    keptUp: verdict.keptUp,
    reasons: verdict.reasons,
  };
}

/**
 * Waits until no acte of the platform is still in delivery (a failed step's backlog would distort the
 * next measure); returns how many still were (at most 1000 per status), -1 without a supervisor token.
 */
export async function settle(ctx: RunContext, timeoutS: number): Promise<number> {
  const deadline = performance.now() + timeoutS * 1000;
  const token = ctx.supervisorToken;
  if (token === undefined) {
    await sleep(Math.min(timeoutS, 10) * 1000);
    return -1;
  }
  for (;;) {
    let inProgress = 0;
    for (const status of ['received', 'validated', 'routed', 'sent']) {
      const page = await ctx.api.listTransmissions(token, { kind: 'acte', status, limit: 1000 });
      inProgress += page.items.length;
    }
    if (inProgress === 0 || performance.now() >= deadline) return inProgress;
    await sleep(1000);
  }
}
