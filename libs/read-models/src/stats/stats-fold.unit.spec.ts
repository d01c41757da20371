import { describe, expect, it } from '@jest/globals';
import { acte, eventsOf, pes, siren } from '@relais/domain/testing';
import type { TransmissionEvent } from '@relais/domain';
import { ProjectionSpecification, type ProjectionLike } from '@relais/testing';
import {
  aggregateStats,
  failureCode,
  foldStats,
  type StatsCollectivite,
  type StatsInput,
  type StatsTransmission,
  type Transition,
  type WindowUse,
} from './stats-fold.js';
import { latencyBin } from './latency-histogram.js';

const t0 = Date.parse('2026-03-02T09:00:00.000Z');
const minutes = (n: number) => new Date(t0 + n * 60_000);

/** The log as the projector reads it: events with increasing positions, recorded `minute` minutes after t0. */
function log(...entries: [TransmissionEvent, number][]): StatsInput[] {
  return entries.map(([event, minute], i) => ({ kind: 'transmission', event, position: BigInt(i + 10), recordedAt: minutes(minute) }));
}
const dijon: StatsInput = { kind: 'collectivite', siren, departement: '021', nom: 'Dijon', position: 1n, recordedAt: minutes(-60) };

/** The fold as a projection, one event at a time, for given/then: the rows and everything it emitted. */
interface Folded {
  readonly rows: ReadonlyMap<string, StatsTransmission>;
  readonly places: ReadonlyMap<string, StatsCollectivite>;
  readonly transitions: readonly Transition[];
  readonly windowUses: readonly WindowUse[];
}
const statsProjection: ProjectionLike<StatsInput, Folded> = {
  initialState: () => ({ rows: new Map(), places: new Map(), transitions: [], windowUses: [] }),
  evolve: (model, input) => {
    const changes = foldStats(model.rows, model.places, [input]);
    return {
      rows: new Map([...model.rows, ...changes.transmissions]),
      places: new Map([...model.places, ...changes.collectivites]),
      transitions: [...model.transitions, ...changes.transitions],
      windowUses: [...model.windowUses, ...changes.windowUses],
    };
  },
};
const given = (inputs: readonly StatsInput[]) => ProjectionSpecification.for(statsProjection).given(inputs);

describe('the statistics fold', () => {
  const a = eventsOf('tr-a');

  it('given a registered collectivité and an acte that goes through, then each outcome is one transition with its latency', () => {
    given([dijon, ...log([a.received(), 0], [a.validated(), 1], [a.routed(), 1], [a.sent(), 2], [a.acknowledged(), 5])]).thenMatches((m) => {
      expect(m.transitions.map((t) => [t.outcome, t.latencyMs])).toEqual([
        ['received', null],
        ['sent', 120_000],
        ['acknowledged', 300_000],
      ]);
      expect(m.transitions[0]).toMatchObject({ kind: 'acte', siren, departement: '021', nature: 'DE' });
      expect(m.rows.get('tr-a')).toMatchObject({ status: 'acknowledged', endpointId: 'prefecture-021', label: acte.numeroInterne, lastPosition: '14' });
      expect(m.places.get(siren)).toEqual({ departement: '021', nom: 'Dijon' });
    });
  });

  it('given an event delivered twice (the same log position again), then it is counted once', () => {
    const [received, sent] = log([a.received(), 0], [a.sent(), 2]);
    given([received!, sent!, sent!, received!]).thenMatches((m) => {
      expect(m.transitions.map((t) => t.outcome)).toEqual(['received', 'sent']);
      expect(m.rows.get('tr-a')?.lastPosition).toBe('11');
    });
  });

  it('given the history replayed from an older checkpoint, then only the events past each row count', () => {
    const history = log([a.received(), 0], [a.validated(), 1], [a.routed(), 1], [a.sent(), 2]);
    given([...history.slice(0, 2), ...history]).thenMatches((m) => {
      expect(m.transitions.map((t) => t.outcome)).toEqual(['received', 'sent']);
    });
  });

  it('given a failed delivery retried and failed again, then the transmission failed once, at its first failure', () => {
    const d = eventsOf('tr-d');
    given(log([d.received(), 0], [d.validated(), 0], [d.routed(), 0], [d.failed(1), 1], [d.retryRequested(), 2], [d.failed(2), 3])).thenMatches((m) => {
      expect(m.transitions.filter((t) => t.outcome === 'failed').map((t) => t.at)).toEqual([minutes(1)]);
      expect(m.rows.get('tr-d')).toMatchObject({ status: 'failed', statusAt: minutes(3).toISOString() });
    });
  });

  it('given rejections, anomalies and partial acceptances, then their reasons are kept as stable codes', () => {
    const [b, c, p] = [eventsOf('tr-b'), eventsOf('tr-c'), eventsOf('tr-p')];
    given(log([b.received(), 0], [b.rejected(), 0], [c.received(), 0], [c.nacked(), 1], [p.received(pes), 0], [p.partiallyAccepted(), 2])).thenMatches((m) => {
      const reasons = Object.fromEntries(m.transitions.filter((t) => t.reasons.length > 0).map((t) => [t.outcome, t.reasons]));
      expect(reasons).toEqual({ rejected: ['ACTE.OBJET_TOO_LONG'], nacked: ['ACTE_ANOMALY.003'], partially_accepted: ['ERREUR_PJ'] });
      expect(m.transitions.find((t) => t.transmissionId === 'tr-p')).toMatchObject({ kind: 'pes', nature: 'PES', departement: '' });
    });
  });

  it('given events of a transmission whose reception it never saw, then it keeps nothing', () => {
    given(log([a.validated(), 0])).then(statsProjection.initialState());
  });

  it('given a packaged archive, a wait and a send, then the window holds the wait and the bytes', () => {
    const packaged: TransmissionEvent = {
      type: 'TransmissionPackaged',
      data: { transmissionId: 'tr-a', at: minutes(1).toISOString(), fileName: 'x.tar.gz', sha256: 'a'.repeat(64), size: 5000 },
    };
    given(log([a.received(), 0], [a.routed(), 0], [packaged, 1], [a.deferred(), 1], [a.sent(), 2])).thenMatches((m) => {
      expect(m.windowUses.map((w) => [w.endpointId, w.bytes, w.sent, w.deferred])).toEqual([
        ['prefecture-021', 0, 0, 1],
        ['prefecture-021', 5000, 1, 0],
      ]);
    });
  });
});

describe('aggregateStats', () => {
  it('adds a batch up into one increment per key, per minute, hour, day and month', () => {
    const [a, b] = [eventsOf('tr-a'), eventsOf('tr-b')];
    const { transitions } = foldStats(
      new Map<string, StatsTransmission>(),
      new Map(),
      log([a.received(), 0], [b.received(), 0.5], [a.sent(), 1], [b.sent(), 61]),
    );
    const deltas = aggregateStats(transitions, []);
    const received = deltas.counts.filter((c) => c.outcome === 'received');
    expect(received.map((c) => [c.granularity, c.n])).toEqual([
      ['minute', 2],
      ['hour', 2],
      ['day', 2],
      ['month', 2],
    ]);
    const sentHours = deltas.counts.filter((c) => c.outcome === 'sent' && c.granularity === 'hour');
    expect(sentHours.map((c) => [c.bucket.toISOString(), c.n])).toEqual([
      ['2026-03-02T09:00:00.000Z', 1],
      ['2026-03-02T10:00:00.000Z', 1],
    ]);
    const dayLatency = deltas.latency.filter((l) => l.granularity === 'day');
    expect(dayLatency.map((l) => [l.metric, l.bin, l.n]).sort()).toEqual(
      [
        ['sent', latencyBin(60_000), 1],
        ['sent', latencyBin(60.5 * 60_000), 1],
      ].sort(),
    );
    const keys = deltas.dimensionCounts.map((d) => `${d.granularity}|${d.bucket.getTime()}|${d.kind}|${d.outcome}|${d.dimension}|${d.value}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(deltas.dimensionCounts.find((d) => d.granularity === 'day' && d.dimension === 'siren' && d.outcome === 'received')?.n).toBe(2);
  });
});

describe('failureCode', () => {
  it('reads the stable code at the head of a reason, else DELIVERY.FAILED', () => {
    expect(failureCode('CHANNEL.CLIENT_CERT_EXPIRED: the certificate ended on 2026-01-01')).toBe('CHANNEL.CLIENT_CERT_EXPIRED');
    expect(failureCode('retry budget spent')).toBe('DELIVERY.FAILED');
  });
});
