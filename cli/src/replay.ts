import { replayProjections, type ProjectionReplay } from '@relais/read-models';
import type pg from 'pg';
import { EXIT, PROJECTIONS, type Command } from './command.js';
import { progress } from './progress.js';

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
  const bar = progress('replay', total, { quiet: command.quiet });
  let read = 0;
  const results = await replayProjections(pool, {
    ...(command.only && { only: command.only }),
    dryRun: command.dryRun,
    ...(command.workers !== undefined && { workers: command.workers }),
    onProgress: (p) => {
      if (p.phase === 'read') {
        read = p.events;
        bar.update(read);
        return;
      }
      if (p.phase === 'write' && p.projection === results0(command)) bar.finish(read);
      if (!command.quiet) process.stderr.write(`replay ${p.projection}: ${p.phase}\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const events = Math.max(0, ...results.map((r) => r.events));
  const identical = results.every((r) => r.identical !== false);
  if (command.json) {
    const workers = results[0]?.workers ?? 0;
    process.stdout.write(`${JSON.stringify({ ok: identical, dryRun: command.dryRun, workers, projections: results, events, seconds, eventsPerSecond: rate(events, seconds) })}\n`);
  } else {
    for (const r of results) process.stdout.write(describe(r, command.dryRun));
    const threads = results[0]?.workers ? `${String(results[0].workers)} worker threads` : 'one thread';
    process.stdout.write(`${events.toLocaleString('en-US')} events replayed in ${seconds.toFixed(1)} s (${rate(events, seconds).toLocaleString('en-US')} events/s, ${threads})\n`);
  }
  return identical ? EXIT.ok : EXIT.altered;
}

/** The first projection the run writes: the reading is over when it starts. */
function results0(command: ReplayCommand): string {
  return PROJECTIONS.find((name) => command.only === undefined || command.only.includes(name)) ?? '';
}

function rate(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : 0;
}

function describe(r: ProjectionReplay, dryRun: boolean): string {
  const verdict =
    r.identical === null ? 'not compared (the live one was far behind)' : r.identical ? `identical to the live one at ${String(r.comparedAt)}` : `DIFFERENT from the live one at ${String(r.comparedAt)}`;
  const action = r.switched ? 'readers switched to the rebuilt tables' : dryRun ? 'dry run: the live tables stay' : 'not switched';
  const tables = r.tables.map((t) => `    ${t.table}: ${t.rows.toLocaleString('en-US')} rows${t.differences > 0 ? `, ${t.differences.toLocaleString('en-US')} rows differ` : ''}`).join('\n');
  return `${r.projection}: ${r.events.toLocaleString('en-US')} events, folded in ${(r.foldMs / 1000).toFixed(1)} s, written in ${(r.writeMs / 1000).toFixed(1)} s, ${verdict}; ${action}\n${tables}\n`;
}
