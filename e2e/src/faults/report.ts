import type { ScenarioReport } from './scenarios.js';
import type { FaultsSettings } from './settings.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The suite's report as plain text: each scenario with the load it ran under, what was checked, and the result. */
export function formatReport(settings: FaultsSettings, reports: readonly ScenarioReport[], totalMs: number): string {
  const lines = [`Fault-injection suite, ${settings.mode} form, ${seconds(totalMs)} in all; steady load ${settings.ratePerSecond.toString()} submissions/s (${Math.round(settings.pesShare * 100).toString()} % PES files, ${Math.round(settings.archiveShare * 100).toString()} % @ctes archives, the rest multipart actes) from ${(settings.acteCollectivites + settings.pesCollectivites).toString()} collectivités`];
  for (const r of reports) {
    const l = r.ledger;
    const statuses = Object.entries(l.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status} ${n.toString()}`)
      .join(', ');
    lines.push(
      '',
      `## ${r.name}: ${l.problems.length === 0 ? 'PASSED' : `FAILED (${l.problems.length.toString()} problems)`}`,
      `fault: ${r.fault} (${seconds(r.faultMs)})`,
      `load: ${r.load.launched.toString()} submissions sent, ${r.load.accepted.toString()} accepted (202); clients met ${r.load.transportErrors.toString()} transport errors, ${r.load.serverErrors.toString()} 5xx/429, ${r.load.inProgress.toString()} 409 in progress, all retried with their Idempotency-Key${r.retried > 0 ? `; an operator retried ${r.retried.toString()} failed transmissions` : ''}`,
      `ledger over ${l.transmissions.toString()} transmissions (every 202 since the start): ${statuses}; ${l.inFlight.length.toString()} in flight with a reason; drained in ${seconds(l.drainMs)}, checked in ${seconds(l.checkMs)}`,
      `State: received ${l.sim.received.toString()}, retries ${l.sim.retries.toString()}, duplicates ${l.sim.duplicates.toString()}, conflicts ${l.sim.conflicts.toString()}; webhooks: ${l.webhooks.expected.toString()} notifications due, ${l.webhooks.heard.toString()} delivery ids heard (${l.webhooks.repeats.toString()} repeats); hash chain ${l.verify.ok ? 'verifies' : 'BROKEN'} over ${l.verify.checked.toString()} events; replay ${l.replay.map((p) => `${p.projection} ${p.identical ? 'identical' : 'DIFFERENT'}`).join(', ')}`,
      ...l.inFlight.slice(0, 10).map((s) => `  in flight: ${s}`),
      ...l.problems.slice(0, 40).map((p) => `  PROBLEM: ${p}`),
    );
  }
  return lines.join('\n');
}
