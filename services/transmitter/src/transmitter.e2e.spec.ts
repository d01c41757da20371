import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { waitFor } from '@relais/service-kit/testing';
import { ENDPOINTS, Platform } from '../test/harness.js';

/** The transmitter as the platform runs it: a `relais-transmitter` process, killed mid-delivery. */
describe('relais-transmitter process', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('resumes a delivery in flight when its process is killed, resending the same archive, and is acknowledged once', async () => {
    // Long enough a timeout that the process is still waiting on its first attempt when it is killed.
    const settings = { TRANSMITTER_DELIVERY_TIMEOUT_MS: '4000', TRANSMITTER_ACK_WAIT_MS: '5000' };
    const first = platform.spawnTransmitter(settings);
    await waitFor('the process title', async () => {
      const cmdline = await readFile(`/proc/${first.pid}/cmdline`, 'utf8').catch(() => '');
      return cmdline.startsWith('relais-transmitter');
    });
    platform.proxy.holdDeliveries = 1;
    const id = await platform.routedActe('KIL2026_001', ENDPOINTS.lossy);

    // The State has the archive, its answer is held: the process dies before it learns anything.
    // A process booting on a CI machine busy with every other test file can take a while.
    await waitFor('the first delivery to reach the State', () => Promise.resolve(platform.proxy.swallowed === 1), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- the transmitter printed:\n${platform.output}`);
    });
    await platform.kill(first);
    platform.spawnTransmitter(settings);
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    const packaged = events.filter((event) => event.type === 'TransmissionPackaged');
    const sent = events.filter((event) => event.type === 'TransmissionSent');
    expect(packaged).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toMatchObject({ attempt: 1, fileName: packaged[0]?.data.fileName, sha256: packaged[0]?.data.sha256 });
    expect(events.filter((event) => event.type === 'TransmissionAcknowledged')).toHaveLength(1);
    // The State got the archive again, byte for byte under the same name: retries (at least the one
    // after the kill; a busy machine may time out another attempt), never a second acte.
    const stats = await platform.sim.stats();
    expect(stats).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(stats.retries).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
