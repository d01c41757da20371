/**
 * The auditors' operations over a year of synthetic history (issue 8's measure: about 1.5 million
 * events; a twentieth in quick mode), on the same log in one run:
 * (a) verify: the whole hash chain recomputed (`verifyHashChain`, what `relais audit verify` runs), in
 *     one thread and then shared out to worker threads (one per core, the default), side by side;
 * (b) seal: the year sealed every 10,000 events (`sealNext`, what relais-audit runs), then every seal
 *     recomputed (`verifySeals`);
 * (c) replay: every projection rebuilt from the first event (`replayProjections`, what `relais audit
 *     replay` runs) — first in one thread (a dry run, with no live projection to compare with), then
 *     shared out to worker threads (the default), then again, compared row for row with the live tables
 *     the second one left, before switching.
 */
import { defaultVerifyWorkers, migrate, sealNext, verifyHashChain, verifySeals } from '@relais/event-store';
import { defaultReplayWorkers, migrateReadModels, replayProjections } from '@relais/read-models';
import { withDatabase } from '../database.js';
import { appendHistory } from '../dashboard/history.js';

export interface AuditBenchOptions {
  readonly databaseUrl: string;
  readonly quick: boolean;
}

const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export async function benchAudit(opts: AuditBenchOptions): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  await withDatabase(opts.databaseUrl, 'relais_bench_audit', async (_url, pool) => {
    await migrate(pool);
    await migrateReadModels(pool);
    const history = await appendHistory(pool, { transmissions: opts.quick ? 10_000 : 200_000, collectivites: 1700, end: new Date(), seed: 2026 });
    results['history.events'] = history.events;
    results['history.appendEventsPerSec'] = Math.round(history.events / history.seconds);

    for (const workers of [0, defaultVerifyWorkers()]) {
      const started = Date.now();
      const verified = await verifyHashChain(pool, { workers });
      if (!verified.ok) throw new Error(`the synthetic year does not verify: ${json(verified.firstBroken)}`);
      results[workers === 0 ? 'verify.oneThread.eventsPerSec' : 'verify.eventsPerSec'] = Math.round(verified.checked / ((Date.now() - started) / 1000));
    }
    results['verify.workers'] = defaultVerifyWorkers();
    results['verify.speedup'] = (results['verify.eventsPerSec'] ?? 0) / (results['verify.oneThread.eventsPerSec'] ?? 1);

    let started = Date.now();
    let seals = 0;
    while (await sealNext(pool, { everyEvents: 10_000, everyMs: 0 })) seals++;
    results['seal.seals'] = seals;
    results['seal.eventsPerSec'] = Math.round(history.events / ((Date.now() - started) / 1000));
    started = Date.now();
    const sealCheck = await verifySeals(pool);
    if (!sealCheck.ok || sealCheck.eventsSealed !== history.events) throw new Error(`the seals do not hold: ${json(sealCheck)}`);
    results['verifySeals.eventsPerSec'] = Math.round(sealCheck.eventsSealed / ((Date.now() - started) / 1000));

    started = Date.now();
    const alone = await replayProjections(pool, { catchUpLimit: 0, workers: 0, dryRun: true });
    results['replay.oneThread.eventsPerSec'] = Math.round(history.events / ((Date.now() - started) / 1000));
    results['replay.oneThread.foldSeconds'] = (alone[0]?.foldMs ?? 0) / 1000;
    started = Date.now();
    const first = await replayProjections(pool, { catchUpLimit: 0 });
    const firstSeconds = (Date.now() - started) / 1000;
    results['replay.workers'] = defaultReplayWorkers();
    results['replay.eventsPerSec'] = Math.round(history.events / firstSeconds);
    results['replay.speedup'] = (results['replay.eventsPerSec'] ?? 0) / (results['replay.oneThread.eventsPerSec'] ?? 1);
    results['replay.foldSeconds'] = (first[0]?.foldMs ?? 0) / 1000;
    for (const r of first) results[`replay.${r.projection}.writeSeconds`] = r.writeMs / 1000;

    started = Date.now();
    const second = await replayProjections(pool);
    const secondSeconds = (Date.now() - started) / 1000;
    if (!second.every((r) => r.identical === true && r.switched)) throw new Error(`the second replay differs from the first: ${json(second)}`);
    results['replayCompared.eventsPerSec'] = Math.round(history.events / secondSeconds);
    results['replayCompared.seconds'] = secondSeconds;
  });
  return results;
}
