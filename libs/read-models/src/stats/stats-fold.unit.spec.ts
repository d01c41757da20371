import { describe, expect, it } from '@jest/globals';
import { acte, eventsOf, pes, siren } from '@relais/domain/testing';
import type { TransmissionEvent } from '@relais/domain';
import { aggregateStats, failureCode, foldStats, type StatsInput, type StatsTransmission } from './stats-fold.js';
import { latencyBin } from './latency-histogram.js';

const t0 = Date.parse('2026-03-02T09:00:00.000Z');
const minutes = (n: number) => new Date(t0 + n * 60_000);

/** The log as the projector reads it: events with increasing positions, recorded `minute` minutes after t0. */
function log(...entries: [TransmissionEvent, number][]): StatsInput[] {
  return entries.map(([event, minute], i) => ({ kind: 'transmission', event, position: BigInt(i + 10), recordedAt: minutes(minute) }));
}
const dijon: StatsInput = { kind: 'collectivite', siren, departement: '021', nom: 'Dijon', position: 1n, recordedAt: minutes(-60) };

describe('foldStats', () => {
  const a = eventsOf('tr-a');

  it('given a registered collectivité, when an acte goes through, then each outcome is one transition with its latency', () => {
    const inputs = [dijon, ...log([a.received(), 0], [a.validated(), 1], [a.routed(), 1], [a.sent(), 2], [a.acknowledged(), 5])];
    const changes = foldStats(new Map(), new Map(), inputs);
    expect(changes.transitions.map((t) => [t.outcome, t.latencyMs])).toEqual([
      ['received', null],
      ['sent', 120_000],
      ['acknowledged', 300_000],
    ]);
    expect(changes.transitions[0]).toMatchObject({ kind: 'acte', siren, departement: '021', nature: 'DE' });
    expect(changes.transmissions.get('tr-a')).toMatchObject({ status: 'acknowledged', endpointId: 'prefecture-021', label: acte.numeroInterne, lastPosition: '14' });
    expect(changes.collectivites.get(siren)).toEqual({ departement: '021', nom: 'Dijon' });
  });

  it('given a row that already holds an event, when the same event is delivered again, then nothing is counted twice', () => {
    const first = foldStats(new Map(), new Map(), log([a.received(), 0], [a.validated(), 1]));
    const known = new Map(first.transmissions);
    // Redelivered: the same positions again.
    const again = foldStats(known, new Map(), log([a.received(), 0], [a.validated(), 1]));
    expect(again.transitions).toEqual([]);
    expect(again.transmissions.size).toBe(0);
  });

  it('given a replay from an older checkpoint, when the whole history comes again, then only the new events count', () => {
    const history = log([a.received(), 0], [a.validated(), 1], [a.routed(), 1], [a.sent(), 2]);
    const first = foldStats(new Map(), new Map(), history.slice(0, 2));
    const replay = foldStats(first.transmissions, new Map(), history);
    expect(replay.transitions.map((t) => t.outcome)).toEqual(['sent']);
  });

  it('given a failed delivery retried and failed again, when counting, then the transmission failed once, at its first failure', () => {
    const d = eventsOf('tr-d');
    const changes = foldStats(
      new Map(),
      new Map(),
      log([d.received(), 0], [d.validated(), 0], [d.routed(), 0], [d.failed(1), 1], [d.retryRequested(), 2], [d.failed(2), 3]),
    );
    expect(changes.transitions.filter((t) => t.outcome === 'failed').map((t) => t.at)).toEqual([minutes(1)]);
    expect(changes.transmissions.get('tr-d')).toMatchObject({ status: 'failed', statusAt: minutes(3).toISOString() });
  });

  it('keeps the reasons of rejections, anomalies and partial acceptances as stable codes', () => {
    const [b, c, p] = [eventsOf('tr-b'), eventsOf('tr-c'), eventsOf('tr-p')];
    const changes = foldStats(
      new Map(),
      new Map(),
      log([b.received(), 0], [b.rejected(), 0], [c.received(), 0], [c.nacked(), 1], [p.received(pes), 0], [p.partiallyAccepted(), 2]),
    );
    const reasons = Object.fromEntries(changes.transitions.filter((t) => t.reasons.length > 0).map((t) => [t.outcome, t.reasons]));
    expect(reasons).toEqual({ rejected: ['ACTE.OBJET_TOO_LONG'], nacked: ['ACTE_ANOMALY.003'], partially_accepted: ['ERREUR_PJ'] });
    expect(changes.transitions.find((t) => t.transmissionId === 'tr-p')).toMatchObject({ kind: 'pes', nature: 'PES', departement: '' });
  });

  it('ignores events of a transmission whose reception it never saw', () => {
    expect(foldStats(new Map(), new Map(), log([a.validated(), 0])).transmissions.size).toBe(0);
  });

  it('counts the bytes of each send and each wait in its endpoint window', () => {
    const packaged: TransmissionEvent = {
      type: 'TransmissionPackaged',
      data: { transmissionId: 'tr-a', at: minutes(1).toISOString(), fileName: 'x.tar.gz', sha256: 'a'.repeat(64), size: 5000 },
    };
    const changes = foldStats(new Map(), new Map(), log([a.received(), 0], [a.routed(), 0], [packaged, 1], [a.deferred(), 1], [a.sent(), 2]));
    expect(changes.windowUses.map((w) => [w.endpointId, w.bytes, w.sent, w.deferred])).toEqual([
      ['prefecture-021', 0, 0, 1],
      ['prefecture-021', 5000, 1, 0],
    ]);
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
