import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { waitFor } from '@relais/service-kit/testing';
import { ENDPOINTS, Platform, ofType, only } from '../../test/harness.js';

interface AnnulationStats {
  readonly received: number;
  readonly byKind: { readonly acte: { readonly received: number }; readonly annulation: Readonly<Record<string, number>> };
}

/** An acknowledged acte cancelled: one 6-1 sent (the same bytes when sent again) and recorded as sent, the 6-2 read, the acte cancelled. */
describe('relais-transmitter cancellation (6-1 / 6-2)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('sends the 6-1 once, again byte for byte when its answer is lost, records it as sent, then the 6-2 as TransmissionCancelled', async () => {
    await platform.sim.reset();
    const id = await platform.routedActe('ANNUL2026_01', ENDPOINTS.lossy);
    await platform.settled(id, 'acknowledged');
    const ack = (await platform.events(id)).find((event) => event.type === 'TransmissionAcknowledged');
    const idActe = ack?.type === 'TransmissionAcknowledged' && ack.data.acknowledgment.kind === 'acte' ? ack.data.acknowledgment.idActe : undefined;
    expect(idActe).toMatch(/^021-\d{9}-20260104-ANNUL2026_01-DE$/);

    // The State takes the 6-1, but its answer is lost: the transmitter must send the very same archive again.
    // The 6-2 comes late enough for the second sending to happen first.
    await platform.sim.configure({ ackDelayMs: 2500 });
    platform.proxy.holdDeliveries = 1;
    await platform.commands.execute({
      type: 'RequestCancellation',
      data: { transmissionId: id, at: new Date().toISOString(), requestedBy: 'token-test' },
    });
    await platform.settled(id, 'cancelled');

    const events = await platform.events(id);
    expect(events.slice(-3).map((event) => event.type)).toEqual(['TransmissionCancellationRequested', 'TransmissionMessageSent', 'TransmissionCancelled']);
    expect(ofType(events, 'TransmissionPackaged')).toHaveLength(1);
    expect(only(events, 'TransmissionCancelled').data).toMatchObject({ transmissionId: id, idActe });

    const { rows } = await platform.db.pool.query<{ file_name: string; sent_at: Date | null; number: number }>(
      'SELECT file_name, sent_at, number FROM transmitter_cancellations WHERE transmission_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sent_at).not.toBeNull();
    const { rows: acteArchives } = await platform.db.pool.query<{ file_name: string }>(
      'SELECT file_name FROM transmitter_archives WHERE transmission_id = $1',
      [id],
    );
    expect(acteArchives).toHaveLength(1);
    expect(rows[0]?.file_name).not.toBe(acteArchives[0]?.file_name);
    // The 6-1 recorded as sent is the archive claimed, byte for byte what the State kept.
    const sent = only(events, 'TransmissionMessageSent');
    expect(sent.data).toMatchObject({ code: '6-1', fileName: rows[0]?.file_name });
    expect(sent.data.exchange).toBeUndefined();
    const kept = await platform.sim.received(sent.data.fileName);
    expect(kept === undefined ? undefined : createHash('sha256').update(kept).digest('hex')).toBe(sent.data.sha256);

    expect(platform.proxy.swallowed).toBe(1);
    const stats = (await platform.sim.stats()) as unknown as AnnulationStats;
    expect(stats.received).toBe(1);
    expect(stats.byKind.acte.received).toBe(1);
    expect(stats.byKind.annulation).toEqual({ received: 1, retries: 1, duplicates: 0, conflicts: 0 });
    // The 6-2 was acknowledged in the mailbox once recorded.
    await waitFor('the mailbox to be empty', async () => (await platform.sim.mailbox()).length === 0);
  });
});
