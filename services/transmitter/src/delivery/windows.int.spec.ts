import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { windowStartOf } from '@relais/routing';
import { ENDPOINTS, Platform, ofType, only } from '../../test/harness.js';


/** Transmission windows: the transmitter against a real database, NATS, relay and State simulator. */
describe('relais-transmitter transmission windows', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('sends no more than the cap in any window: the others wait for the next one, the wait in their history', async () => {
    // The size of an archive like the ones below, to leave room for two per window and not three.
    const probe = await platform.routedActe('WIN2026_000');
    await platform.settled(probe, 'acknowledged');
    const probeSize = only(await platform.events(probe), 'TransmissionPackaged').data.size;
    const window = { bytes: Math.floor(probeSize * 2.5), seconds: 2 };
    await platform.setWindow(window);

    const ids: string[] = [];
    for (let i = 1; i <= 5; i += 1) ids.push(await platform.routedActe(`WIN2026_00${i.toString()}`, ENDPOINTS.windowed));
    for (const id of ids) await platform.settled(id, 'acknowledged');

    const histories = await Promise.all(ids.map((id) => platform.events(id)));
    const perWindow = new Map<number, { bytes: number; count: number }>();
    for (const events of histories) {
      const { size } = only(events, 'TransmissionPackaged').data;
      // The archives are alike: two fit a window, three do not.
      expect(2 * size).toBeLessThanOrEqual(window.bytes);
      expect(3 * size).toBeGreaterThan(window.bytes);
      const sent = only(events, 'TransmissionSent');
      // A wait is no attempt: each acte went out on its first.
      expect(sent.data.attempt).toBe(1);
      expect(ofType(events, 'TransmissionDeliveryAttemptFailed')).toEqual([]);
      const start = windowStartOf(window, new Date(sent.data.at)).getTime();
      const used = perWindow.get(start) ?? { bytes: 0, count: 0 };
      perWindow.set(start, { bytes: used.bytes + size, count: used.count + 1 });

      // Every wait is recorded before the send, and the send starts no earlier than the window waited for.
      const types = events.map((event) => event.type);
      const deferrals = ofType(events, 'TransmissionDeliveryDeferred');
      for (const deferral of deferrals) {
        expect(types.indexOf('TransmissionPackaged')).toBeLessThan(events.indexOf(deferral));
        expect(events.indexOf(deferral)).toBeLessThan(types.indexOf('TransmissionSent'));
        expect(Date.parse(sent.data.at)).toBeGreaterThanOrEqual(Date.parse(deferral.data.until));
        expect(deferral.data.reason).toContain(ENDPOINTS.windowed);
      }
      expect(new Set(deferrals.map((deferral) => deferral.data.until)).size).toBe(deferrals.length);
    }
    for (const used of perWindow.values()) {
      expect(used.bytes).toBeLessThanOrEqual(window.bytes);
      expect(used.count).toBeLessThanOrEqual(2);
    }
    // Five actes, two per window: three windows at least, and someone waited.
    expect(perWindow.size).toBeGreaterThanOrEqual(3);
    expect(histories.filter((events) => ofType(events, 'TransmissionDeliveryDeferred').length > 0).length).toBeGreaterThanOrEqual(1);

    // The table agrees: no window of the endpoint took more than its cap.
    const { rows } = await platform.db.pool.query<{ bytes_used: string }>(
      'SELECT bytes_used FROM transmitter_window_usage WHERE endpoint_id = $1',
      [ENDPOINTS.windowed],
    );
    expect(rows.reduce((sum, row) => sum + Number(row.bytes_used), 0)).toBe(
      histories.reduce((sum, events) => sum + only(events, 'TransmissionPackaged').data.size, 0),
    );
    for (const row of rows) expect(Number(row.bytes_used)).toBeLessThanOrEqual(window.bytes);
    expect(await platform.sim.stats()).toMatchObject({ received: 6, retries: 0, duplicates: 0, conflicts: 0 });
  });
});
