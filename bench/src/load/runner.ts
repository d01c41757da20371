/**
 * One load step against a running platform: submit actes and PES files at an open-loop rate, follow
 * every accepted transmission to a final status, and measure. The I/O half of the load generator; the
 * draws and judgements are pure functions in acte.ts, pes.ts, kind.ts, figures.ts and schedule.ts.
 */
import { performance } from 'node:perf_hooks';
import { actesForm, makeActe } from './acte.js';
import { Api, errorCode, networkReason, type HttpAnswer, type TransmissionSnapshot } from './api.js';
import type { Random } from './corpus.js';
import { bump, deliveryFigures, emptyTally, figuresByKind, FINAL_STATUSES, type SubmissionTally } from './figures.js';
import { kindsInPlay, submissionKind, type SubmissionKind } from './kind.js';
import { drawPes, pesBytes } from './pes.js';
import { achievedRate, judge, scheduleOffsets } from './schedule.js';
import type { StepFigures } from './report.js';
import { collectivite, type CollectiviteSpec } from './siren.js';
import { summarize } from './stats.js';

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
  /** The probability that a submission is a PES file. */
  readonly pesShare: number;
  readonly concurrency: number;
  readonly log: Log;
  /** Set to stop submitting (Ctrl-C); the step then drains what it sent. */
  readonly stop: { requested: boolean };
  /** The submission sequence (numéros internes, NomFic), shared by the steps of a run. */
  sequence: number;
}

interface Tracked {
  readonly id: string;
  readonly kind: SubmissionKind;
  readonly tenant: Tenant;
  snapshot: TransmissionSnapshot | undefined;
}

/** Everything measured in a step (the JSON report holds these as they are): the printed figures and when and how it ran. */
export interface StepResult extends StepFigures {
  readonly concurrency: number;
  readonly startedAt: string;
}

/** The `kind` filter of the list calls: the run's one kind, or none when it mixes them. */
function listedKind(ctx: RunContext): { kind?: SubmissionKind } {
  const kinds = kindsInPlay(ctx.pesShare);
  return kinds.length === 1 && kinds[0] !== undefined ? { kind: kinds[0] } : {};
}

/** Follows the accepted transmissions of a step through the list API, newest first, page by page. */
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
      const page = await this.ctx.api.listTransmissions(token, { ...listedKind(this.ctx), limit: 1000, ...(after === undefined ? {} : { after }) });
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
  /** How long to follow the transmissions after the last submission before calling the rest lost. */
  readonly drainTimeoutS: number;
  /** The longest drain that still counts as keeping up. */
  readonly graceS: number;
}

/**
 * Submits `rate`/s for `durationS` over `collectivites` tenants, each submission an acte or a PES file
 * as `pesShare` draws it, then waits up to `drainTimeoutS` for every transmission to be final.
 */
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
  const tallies: Record<SubmissionKind, SubmissionTally> = { acte: emptyTally(), pes: emptyTally() };
  const inFlight = new Set<Promise<void>>();
  let submitted = 0;
  let lateStarts = 0;
  let maxLateness = 0;
  let firstStart: number | undefined;
  let lastStart = 0;
  const share = ctx.pesShare <= 0 ? 'actes only' : ctx.pesShare >= 1 ? 'PES files only' : `${Math.round(ctx.pesShare * 100)} % PES files`;
  log(`step: ${rate}/s for ${durationS} s (${offsets.length} submissions, ${share}) over ${tenants.length} collectivités, at most ${ctx.concurrency} in flight`);

  /**
   * The `sequence`-th submission, its size and how to send it. The draw comes before the first await,
   * so it runs when called: the draws keep the schedule's order whatever the answers' timing.
   */
  const draw = async (tenant: Tenant, kind: SubmissionKind, sequence: number): Promise<{ bytes: number; send: () => Promise<HttpAnswer> }> => {
    const key = `load-${ctx.runTag}-${sequence}`;
    const common = { random: ctx.random, now: new Date(), runTag: ctx.runTag, sequence, ville: tenant.ville };
    if (kind === 'pes') {
      const file = await pesBytes(drawPes({ ...common, budgets: tenant.spec.helios }));
      return { bytes: file.length, send: () => api.submitPes(tenant.token, file, key) };
    }
    const acte = makeActe({ ...common, nom: tenant.spec.nom, classifications: ctx.classifications });
    const bytes = [acte.document, ...acte.annexes].reduce((sum, file) => sum + file.bytes.length, 0);
    return { bytes, send: () => api.submitActe(tenant.token, actesForm(acte), key) };
  };

  const submitOne = async (index: number): Promise<void> => {
    const tenant = tenants[index % tenants.length];
    if (tenant === undefined) return;
    const kind = submissionKind(ctx.random, ctx.pesShare);
    const tally = tallies[kind];
    tally.submitted += 1;
    const drawn = draw(tenant, kind, ctx.sequence++);
    try {
      const { bytes, send } = await drawn;
      tally.bytes.push(bytes);
      const began = performance.now();
      const answer = await send();
      tally.answerMs.push(performance.now() - began);
      const id = typeof answer.body === 'object' && answer.body !== null && 'id' in answer.body ? answer.body.id : undefined;
      if (answer.status === 202 && typeof id === 'string') {
        tally.accepted += 1;
        follower.tracked.set(id, { id, kind, tenant, snapshot: undefined });
      } else {
        bump(tally.httpErrors, `${answer.status}${answer.status === 202 ? ' without id' : ''} ${errorCode(answer.body) ?? ''}`.trim());
      }
    } catch (error) {
      bump(tally.httpErrors, `network ${networkReason(error)}`);
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

  const delivery = deliveryFigures(all);
  const { notFinal, acknowledged } = delivery;
  const drained = notFinal === 0;
  const drainSeconds = drained && accepted > 0 ? Math.max(0, (delivery.lastFinalMs - submitEndWall) / 1000) : drained ? 0 : undefined;
  const httpErrors: Record<string, number> = {};
  for (const tally of Object.values(tallies)) for (const [key, count] of Object.entries(tally.httpErrors)) bump(httpErrors, key, count);
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
    submitLatencyMs: summarize([...tallies.acte.answerMs, ...tallies.pes.answerMs]),
    finalStatuses: delivery.finalStatuses,
    notFinal,
    notFinalByStatus: delivery.notFinalByStatus,
    notFinalSample: delivery.notFinalSample,
    rejectedReasons: delivery.rejectedReasons,
    acknowledged,
    ackLatencyMs: delivery.ackLatencyMs,
    ackThroughput: delivery.ackThroughput,
    byKind: figuresByKind(tallies, all, achieved, submitted),
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
 * Waits until no transmission of the run's kinds is still in delivery on the platform (a failed step's
 * backlog would distort the next measure); returns how many still were (at most 1000 per status), -1
 * without a supervisor token.
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
      const page = await ctx.api.listTransmissions(token, { ...listedKind(ctx), status, limit: 1000 });
      inProgress += page.items.length;
    }
    if (inProgress === 0 || performance.now() >= deadline) return inProgress;
    await sleep(1000);
  }
}
