import { describe, expect, it } from '@jest/globals';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { eventsOf } from '@relais/domain/testing';
import type { StoredEvent } from '@relais/event-store';
import { notificationBody, notificationsOf, type NotificationBody } from './notification-plan.js';

/** A history as the log stores it: wire form, versions from 1, one second apart. */
function history(events: readonly TransmissionEvent[]): StoredEvent[] {
  return events.map((event, i) => {
    const wire = toStored(event);
    return {
      globalPosition: BigInt(i + 1),
      transactionId: BigInt(i + 1),
      streamId: 'transmission-t-1',
      streamVersion: BigInt(i + 1),
      eventId: `e-${i + 1}`,
      type: wire.type,
      data: wire.data,
      metadata: {},
      recordedAt: new Date(Date.UTC(2026, 0, 5, 9, 0, i)),
      hash: Buffer.alloc(32),
    };
  });
}

const e = eventsOf('t-1');
const packaged: TransmissionEvent = {
  type: 'TransmissionPackaged',
  data: { transmissionId: 't-1', at: '2026-01-05T09:00:00.000Z', fileName: 'SLO-EACT--212102313--20260105-1.tar.gz', sha256: 'c'.repeat(64), size: 2048 },
};

describe('which events a collectivité’s webhooks hear of', () => {
  it('each change of status, with the transmission as it stood then; not the steps that change nothing', () => {
    const plan = notificationsOf(history([e.received(), e.validated(), e.routed(), packaged, e.attemptFailed(1), e.sent(2), e.acknowledged()]));
    expect(plan.map((n) => [n.sequence, n.type, n.status])).toEqual([
      [1, 'TransmissionReceived', 'received'],
      [2, 'TransmissionValidated', 'validated'],
      [3, 'TransmissionRouted', 'routed'],
      [6, 'TransmissionSent', 'sent'],
      [7, 'TransmissionAcknowledged', 'acknowledged'],
    ]);
    const ack = plan[4]!;
    expect(ack).toMatchObject({ eventId: 'e-7', transmissionId: 't-1', siren: '212102313', at: '2026-01-05T09:00:00.000Z' });
    expect(ack.transmission).toMatchObject({ id: 't-1', status: 'acknowledged', acte: { idActe: '021-212102313-20260104-DEL2026_001-DE' } });
    expect(plan[0]!.transmission.status).toBe('received');
  });

  it('every message from the State, the refusals and the cancellation included', () => {
    expect(notificationsOf(history([e.received(), e.validated(), e.routed(), e.sent(), e.nacked()])).at(-1)).toMatchObject({ type: 'TransmissionNacked', status: 'nacked' });
    const cancelled = notificationsOf(history([e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged(), e.cancellationRequested(), e.cancelled()]));
    expect(cancelled.map((n) => n.type).slice(-2)).toEqual(['TransmissionAcknowledged', 'TransmissionCancelled']);
  });

  it("every letter of the préfecture after the AR and its receipt of the answer, not the platform's own sending", () => {
    const after = [e.letterReceived('3-1'), e.replyRequested('3-2'), e.messageSent('3-2'), e.replyRequested('3-4'), e.messageSent('3-4'), e.replyAcknowledged('3-5')];
    const plan = notificationsOf(history([e.received(), e.validated(), e.routed(), e.sent(), e.acknowledged(), ...after]));
    expect(plan.map((n) => [n.type, n.status]).slice(-3)).toEqual([
      ['TransmissionAcknowledged', 'acknowledged'],
      ['TransmissionLetterReceived', 'acknowledged'],
      ['TransmissionReplyAcknowledged', 'acknowledged'],
    ]);
    expect(plan.at(-1)?.transmission.acte?.exchanges?.[0]).toMatchObject({ number: 1, code: '3-1', replyReceipt: { code: '3-5' } });
  });

  it('gives the same plan for the same history (replanning after a redelivery adds nothing)', () => {
    const events = [e.received(), e.rejected()];
    expect(notificationsOf(history(events))).toEqual(notificationsOf(history(events)));
  });

  it('writes a body naming the delivery, the event and the transmission', () => {
    const [received] = notificationsOf(history([e.received()]));
    const body = JSON.parse(notificationBody('d-1', 'w-1', received!)) as NotificationBody;
    expect(body).toEqual({
      deliveryId: 'd-1',
      webhookId: 'w-1',
      event: {
        id: 'e-1',
        sequence: 1,
        type: 'TransmissionReceived',
        transmissionId: 't-1',
        status: 'received',
        at: '2026-01-05T09:00:00.000Z',
        recordedAt: '2026-01-05T09:00:00.000Z',
        data: expect.objectContaining({ siren: '212102313', submission: expect.objectContaining({ numeroInterne: 'DEL2026_001' }) }),
      },
      transmission: expect.objectContaining({ id: 't-1', kind: 'acte', status: 'received' }),
    });
  });
});
