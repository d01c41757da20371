import { describe, expect, it } from '@jest/globals';
import type { TransmissionSnapshot } from './api.js';
import { deliveryFigures, emptyTally, figuresByKind, FINAL_STATUSES, type Followed } from './figures.js';
import type { SubmissionKind } from './kind.js';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function followed(id: string, kind: SubmissionKind, status: string | undefined, createdMs = 0, endMs?: number, errorCodes: string[] = []): Followed {
  const snapshot: TransmissionSnapshot | undefined =
    status === undefined
      ? undefined
      : {
          id,
          status,
          createdAt: at(createdMs),
          updatedAt: at(endMs ?? createdMs),
          acknowledgedAt: status === 'acknowledged' && endMs !== undefined ? at(endMs) : undefined,
          errorCodes,
        };
  return { id, kind, snapshot };
}

describe('deliveryFigures', () => {
  it('ends a PES file at acknowledged, partially_accepted, nacked, rejected or failed', () => {
    for (const status of ['acknowledged', 'partially_accepted', 'nacked', 'rejected', 'failed']) expect(FINAL_STATUSES.has(status)).toBe(true);
    for (const status of ['received', 'validated', 'routed', 'sent']) expect(FINAL_STATUSES.has(status)).toBe(false);
    const figures = deliveryFigures([
      followed('p1', 'pes', 'acknowledged', 0, 800),
      followed('p2', 'pes', 'partially_accepted', 0, 900, ['HELIOS.ERREUR_PJ']),
      followed('p3', 'pes', 'nacked', 0, 700, ['HELIOS.ERREUR_SIRET']),
      followed('p4', 'pes', 'sent', 0),
      followed('p5', 'pes', undefined),
    ]);
    expect(figures.finalStatuses).toEqual({ acknowledged: 1, partially_accepted: 1, nacked: 1 });
    expect(figures.notFinal).toBe(2);
    expect(figures.notFinalByStatus).toEqual({ sent: 1, 'not visible': 1 });
    expect(figures.notFinalSample).toEqual(['p4', 'p5']);
    expect(figures.rejectedReasons).toEqual({ 'partially_accepted HELIOS.ERREUR_PJ': 1, 'nacked HELIOS.ERREUR_SIRET': 1 });
    expect(figures.acknowledged).toBe(1);
    expect(figures.lastFinalMs).toBe(T0 + 900);
  });

  it('measures received -> acknowledged and acknowledgments per second', () => {
    const figures = deliveryFigures([
      followed('a', 'acte', 'acknowledged', 0, 1000),
      followed('b', 'acte', 'acknowledged', 500, 2500),
      followed('c', 'acte', 'cancelled', 1000, 4000),
      followed('d', 'acte', 'acknowledged', 1500, 4500),
    ]);
    expect(figures.acknowledged).toBe(4);
    // A cancelled acte's view has no acknowledgment time here: counted, not timed.
    expect(figures.ackLatencyMs).toMatchObject({ count: 3, p50: 2000, max: 3000 });
    expect(figures.ackThroughput).toBeCloseTo(3 / 4.5);
  });

  it('gives zeros when nothing was accepted', () => {
    expect(deliveryFigures([])).toMatchObject({ notFinal: 0, acknowledged: 0, ackThroughput: 0, lastFinalMs: -Infinity });
  });
});

describe('figuresByKind', () => {
  it('keeps each kind’s submissions, ends and latencies apart', () => {
    const acte = { ...emptyTally(), submitted: 3, accepted: 2, httpErrors: { '429 RATE_LIMITED': 1 }, answerMs: [40, 60], bytes: [10_000, 30_000, 20_000] };
    const pes = { ...emptyTally(), submitted: 1, accepted: 1, answerMs: [200], bytes: [150_000] };
    const byKind = figuresByKind(
      { acte, pes },
      [followed('a1', 'acte', 'acknowledged', 0, 1000), followed('a2', 'acte', 'rejected', 0, 50, ['ACTE.CLASSIFICATION_UNKNOWN']), followed('p1', 'pes', 'acknowledged', 0, 3000)],
      8,
      4,
    );
    expect(byKind.acte).toMatchObject({
      submitted: 3,
      accepted: 2,
      achievedRate: 6,
      httpErrorCount: 1,
      finalStatuses: { acknowledged: 1, rejected: 1 },
      notFinal: 0,
      acknowledged: 1,
      rejectedReasons: { 'rejected ACTE.CLASSIFICATION_UNKNOWN': 1 },
    });
    expect(byKind.acte.submitLatencyMs).toMatchObject({ count: 2, max: 60 });
    expect(byKind.acte.sizeBytes).toMatchObject({ count: 3, p50: 20_000 });
    expect(byKind.acte.ackLatencyMs).toMatchObject({ count: 1, p50: 1000 });
    expect(byKind.pes).toMatchObject({ submitted: 1, accepted: 1, achievedRate: 2, httpErrorCount: 0, acknowledged: 1 });
    expect(byKind.pes.ackLatencyMs).toMatchObject({ count: 1, p50: 3000 });
    expect(byKind.pes.ackThroughput).toBeCloseTo(1 / 3);
  });

  it('reports a kind that sent nothing with zeros', () => {
    const byKind = figuresByKind({ acte: emptyTally(), pes: emptyTally() }, [], 0, 0);
    expect(byKind.pes).toMatchObject({ submitted: 0, achievedRate: 0, acknowledged: 0, notFinal: 0 });
    expect(byKind.pes.ackLatencyMs.count).toBe(0);
  });
});
