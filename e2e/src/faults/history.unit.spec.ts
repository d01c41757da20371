import { describe, expect, it } from '@jest/globals';
import { historyProblems, notifiedEvents, stuckReason, type HistoryEvent } from './history.js';

/** A history of `types` in order, versions 1..n, positions 10, 20…, one second apart. */
function history(...types: (string | [string, Record<string, unknown>])[]): HistoryEvent[] {
  return types.map((entry, i) => {
    const [type, data] = typeof entry === 'string' ? [entry, {}] : entry;
    return { type, data, version: i + 1, position: BigInt((i + 1) * 10), recordedAt: new Date(1_000_000 + i * 1000), eventId: `e${i.toString()}` };
  });
}

const PACKAGED: [string, Record<string, unknown>] = ['TransmissionPackaged', { fileName: 'A.tar.gz', sha256: 'aa' }];
const SENT: [string, Record<string, unknown>] = ['TransmissionSent', { fileName: 'A.tar.gz', sha256: 'aa' }];
const HAPPY = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, SENT, 'TransmissionAcknowledged');

describe('the ledger’s reading of a history', () => {
  it('finds nothing wrong with a complete delivery, a rejection, a retried delivery in doubt, or a failure retried by an operator', () => {
    expect(historyProblems(HAPPY, 'acknowledged')).toEqual([]);
    expect(historyProblems(history('TransmissionReceived', 'TransmissionRejected'), 'rejected')).toEqual([]);
    const doubt = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, SENT, ['TransmissionDeliveryAttemptFailed', { reason: 'timeout' }], SENT, 'TransmissionAcknowledged');
    expect(historyProblems(doubt, 'acknowledged')).toEqual([]);
    const retried = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, 'TransmissionFailed', 'TransmissionRetryRequested', SENT, 'TransmissionNacked');
    expect(historyProblems(retried, 'nacked')).toEqual([]);
  });

  it('names a gap, a second answer, a send of other bytes, a step out of order and a status the history does not lead to', () => {
    const gap = HAPPY.map((e, i) => (i === 5 ? { ...e, version: 7 } : e));
    expect(historyProblems(gap, 'acknowledged')).toEqual(['version 7 at place 6 (a gap or a repeat)']);
    const twice = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, SENT, 'TransmissionAcknowledged', 'TransmissionNacked');
    expect(historyProblems(twice, 'nacked')).toContain('2 answers of the State: TransmissionAcknowledged, TransmissionNacked');
    const other = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, ['TransmissionSent', { fileName: 'B.tar.gz', sha256: 'bb' }]);
    expect(historyProblems(other, 'sent')).toEqual(['TransmissionSent (v5) of B.tar.gz bb, not the packaged A.tar.gz aa']);
    expect(historyProblems(history('TransmissionReceived', 'TransmissionRouted', 'TransmissionValidated'), 'validated')).toContain(
      'TransmissionRouted right after TransmissionReceived, before validation',
    );
    expect(historyProblems(HAPPY, 'sent')).toEqual(['the API shows sent but the history leads to acknowledged']);
    const afterFailure = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, 'TransmissionFailed', SENT);
    expect(historyProblems(afterFailure, 'sent')).toEqual(['TransmissionSent after TransmissionFailed without a retry']);
  });

  it('notifies each change of status and each answer of the State, not a second send', () => {
    const doubt = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, SENT, SENT, 'TransmissionAcknowledged');
    expect(notifiedEvents(doubt).map((e) => e.type)).toEqual([
      'TransmissionReceived',
      'TransmissionValidated',
      'TransmissionRouted',
      'TransmissionSent',
      'TransmissionAcknowledged',
    ]);
  });

  it('calls a transmission in flight only while its last event gives a reason to wait and is recent', () => {
    const retrying = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, ['TransmissionDeliveryAttemptFailed', { reason: 'HTTP 503' }]);
    const lastAt = retrying[4]!.recordedAt.getTime();
    expect(stuckReason(retrying, lastAt + 5_000, 60_000)).toBeUndefined();
    expect(stuckReason(retrying, lastAt + 120_000, 60_000)).toBe('routed since TransmissionDeliveryAttemptFailed (HTTP 503) 120 s ago, nothing since');
    const sent = history('TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', PACKAGED, SENT);
    expect(stuckReason(sent, sent[4]!.recordedAt.getTime() + 1_000, 60_000)).toBe('sent since TransmissionSent 1 s ago, with no reason to wait');
  });
});
