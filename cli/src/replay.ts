import { replayProjections, type ProjectionReplay } from '@relais/read-models';
import type pg from 'pg';
import { EXIT, type Command } from './command.js';
import { progress, type Progress } from './progress.js';

type ReplayCommand = Extract<Command, { kind: 'replay' }>;

/**
 * `audit replay`: rebuilds the projections from the first event beside the live ones, compares them
 * row for row at one point of the log, and switches readers over (unless --dry-run). Exit 0 when every
 * rebuilt table equals the live one, 1 when one differed (after a switch, the rebuilt one is live).
 */
export async function replay(pool: pg.Pool, command: ReplayCommand): Promise<number> {
  const started = Date.now();
  const { rows } = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM events');
  const total = Number(rows[0]?.n ?? 0);
  const bars = new Map<string, Progress>();
  const results = await replayProjections(pool, {
    ...(command.only && { only: command.only }),
    dryRun: command.dryRun,
    onProgress: (p) => {
      let bar = bars.get(p.projection);
      if (!bar) {
        bar = progress(`replay ${p.projection}`, total, { quiet: command.quiet });
        bars.set(p.projection, bar);
      }
      if (p.phase === 'rebuild') bar.update(p.events);
      else if (p.phase === 'compare') bar.finish(total);
      if (p.phase !== 'rebuild' && !command.quiet) process.stderr.write(`replay ${p.projection}: ${p.phase}\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const events = results.reduce((n, r) => n + r.events, 0);
  const identical = results.every((r) => r.identical);
  if (command.json) {
    process.stdout.write(`${JSON.stringify({ ok: identical, dryRun: command.dryRun, projections: results, events, seconds, eventsPerSecond: rate(events, seconds) })}\n`);
  } else {
    for (const r of results) process.stdout.write(describe(r, command.dryRun));
    process.stdout.write(`${events.toLocaleString('en-US')} events replayed in ${seconds.toFixed(1)} s (${rate(events, seconds).toLocaleString('en-US')} events/s)\n`);
  }
  return identical ? EXIT.ok : EXIT.altered;
}

function rate(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : 0;
}

function describe(r: ProjectionReplay, dryRun: boolean): string {
  const verdict = r.identical ? 'identical to the live one' : 'DIFFERENT from the live one';
  const action = r.switched ? 'readers switched to the rebuilt tables' : dryRun ? 'dry run: the live tables stay' : 'not switched';
  const tables = r.tables.map((t) => `    ${t.table}: ${t.rows.toLocaleString('en-US')} rows${t.differences > 0 ? `, ${t.differences.toLocaleString('en-US')} rows differ` : ''}`).join('\n');
  return `${r.projection}: ${r.events.toLocaleString('en-US')} events, rebuilt in ${(r.rebuildMs / 1000).toFixed(1)} s, ${verdict} at ${r.comparedAt}; ${action}\n${tables}\n`;
}
