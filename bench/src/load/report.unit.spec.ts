import { describe, expect, it } from '@jest/globals';
import { emptyTally, kindFigures, type KindFigures } from './figures.js';
import { findMaxTable, formatStep, simBroken, table, type StepFigures } from './report.js';
import { summarize } from './stats.js';

const NONE: KindFigures = kindFigures(emptyTally(), [], 0, 0);

function kind(submitted: number, acknowledged: number, latencies: number[], bytes: number): KindFigures {
  return { ...NONE, submitted, accepted: submitted, achievedRate: submitted / 10, acknowledged, ackLatencyMs: summarize(latencies), ackThroughput: acknowledged / 10, sizeBytes: summarize([bytes]), finalStatuses: { acknowledged } };
}

function step(byKind: StepFigures['byKind']): StepFigures {
  const submitted = byKind.acte.submitted + byKind.pes.submitted;
  return {
    rate: submitted / 10,
    durationS: 10,
    collectivites: 20,
    submitted,
    accepted: submitted,
    httpErrors: {},
    httpErrorCount: 0,
    achievedRate: submitted / 10,
    lateStarts: 0,
    maxLatenessMs: 3,
    submitLatencyMs: summarize([50]),
    finalStatuses: { acknowledged: submitted },
    notFinal: 0,
    notFinalByStatus: {},
    notFinalSample: [],
    rejectedReasons: {},
    acknowledged: submitted,
    ackLatencyMs: summarize([900, 2100]),
    ackThroughput: submitted / 10,
    byKind,
    drainTimeoutS: 120,
    graceS: 120,
    drained: true,
    drainSeconds: 1.5,
    simBefore: undefined,
    simAfter: undefined,
    keptUp: true,
    reasons: [],
  };
}

describe('report', () => {
  it('aligns text left and numbers right', () => {
    expect(table([['step', 'rate/s'], ['search', '5'], ['half max', '160']]).split('\n')).toEqual([
      'step      rate/s',
      'search         5',
      'half max     160',
    ]);
  });

  it('fails on any duplicate or conflict at the simulator, not when it is unreachable', () => {
    const zero = { received: 10, retries: 2, duplicates: 0, conflicts: 0 };
    expect(simBroken(zero)).toBe(false);
    expect(simBroken({ ...zero, duplicates: 1 })).toBe(true);
    expect(simBroken({ ...zero, conflicts: 1 })).toBe(true);
    expect(simBroken(undefined)).toBe(false);
  });

  it('prints the figures of each kind beside the totals when a step mixed them', () => {
    const mixed = step({ acte: kind(60, 60, [900], 40 * 1024), pes: kind(40, 40, [2100], 150 * 1024) });
    const text = formatStep(mixed);
    expect(text).toContain('by kind');
    const rows = text.split('\n');
    expect(rows.find((r) => r.startsWith('acte '))).toMatch(/^acte\s+60\s+6\.0\s+40 KB\s+40 KB\s+0\s+60\s+0\s+0\s+6\.0\s+900 ms/);
    expect(rows.find((r) => r.startsWith('pes '))).toMatch(/^pes\s+40\s+4\.0\s+150 KB\s+150 KB\s+0\s+40\s+0\s+0\s+4\.0\s+2100 ms/);
    const lines = findMaxTable([{ ...mixed, label: 'search' }]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^search\s+10\s+10\.0\s+100\s/);
    expect(lines[2]).toMatch(/^ {2}acte\s+6\.0\s+60\s+0\s+60\s+0\s+6\.0\s+900 ms/);
    expect(lines[3]).toMatch(/^ {2}pes\s+4\.0\s+40\s+0\s+40\s+0\s+4\.0\s+2100 ms/);
  });

  it('prints the totals alone for one kind', () => {
    const actesOnly = step({ acte: kind(50, 50, [900], 40 * 1024), pes: NONE });
    expect(formatStep(actesOnly)).not.toContain('by kind');
    expect(findMaxTable([actesOnly]).split('\n')).toHaveLength(2);
  });
});
