import { describe, expect, it } from '@jest/globals';
import { FINAL_STATUSES, retentionCutoff, shredExpired, type RetentionCandidate } from './retention.js';

const now = new Date('2036-03-01T12:00:00.000Z');
const policy = { retentionDays: 3650, now };
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
const candidate = (transmissionId: string, over: Partial<RetentionCandidate> = {}): RetentionCandidate => ({
  transmissionId,
  status: 'acknowledged',
  lastEventAt: daysAgo(4000),
  personalDataShredded: false,
  ...over,
});

describe('the retention rule', () => {
  it('shreds, by the platform, every transmission at a final status whose last step is older than the period', () => {
    const commands = shredExpired([candidate('a'), candidate('b', { status: 'rejected', lastEventAt: daysAgo(3651) })], policy);
    expect(commands).toEqual([
      {
        type: 'ShredPersonalData',
        data: { transmissionId: 'a', at: now.toISOString(), reason: 'retention period of 3650 days after the last step (acknowledged) ended', requestedBy: 'relais' },
      },
      {
        type: 'ShredPersonalData',
        data: { transmissionId: 'b', at: now.toISOString(), reason: 'retention period of 3650 days after the last step (rejected) ended', requestedBy: 'relais' },
      },
    ]);
  });

  it('spares what is recent, in flight, or shredded already', () => {
    const spared = [
      candidate('recent', { lastEventAt: daysAgo(3649) }),
      candidate('exactly', { lastEventAt: daysAgo(3650) }),
      candidate('routed', { status: 'routed' }),
      candidate('sent', { status: 'sent' }),
      candidate('received', { status: 'received' }),
      candidate('done', { personalDataShredded: true }),
    ];
    expect(shredExpired(spared, policy)).toEqual([]);
  });

  it('counts every final status', () => {
    const ids = FINAL_STATUSES.map((status) => status);
    expect(shredExpired(FINAL_STATUSES.map((status) => candidate(status, { status })), policy).map((c) => c.data.transmissionId)).toEqual(ids);
    expect(FINAL_STATUSES).toEqual(['acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled']);
  });

  it('refuses a period that is not a whole number of days', () => {
    for (const retentionDays of [0, -1, 1.5, Number.NaN]) expect(() => retentionCutoff({ retentionDays, now })).toThrow(RangeError);
    expect(retentionCutoff({ retentionDays: 1, now })).toEqual(daysAgo(1));
  });
});
