import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { waitFor } from '@relais/service-kit/testing';
import { ENDPOINTS, Platform, ofType, only } from '../../test/harness.js';

/** The transmitter as the platform runs it, killed after the DGFiP took a PES file and before it could record it sent. */
describe('relais-transmitter process, PES file', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('resumes a deposit in flight when its process is killed, depositing the same file again, and is acknowledged once', async () => {
    // Long enough a timeout that the process is still waiting on its first deposit when it is killed.
    const settings = { TRANSMITTER_DELIVERY_TIMEOUT_MS: '4000', TRANSMITTER_ACK_WAIT_MS: '5000' };
    const first = platform.spawnTransmitter(settings);
    await waitFor('the process title', async () => {
      const cmdline = await readFile(`/proc/${first.pid}/cmdline`, 'utf8').catch(() => '');
      return cmdline.startsWith('relais-transmitter');
    });
    platform.proxy.holdDeliveries = 1;
    const { id, pes } = await platform.routedPes('PES_KIL_0001.xml', ENDPOINTS.heliosLossy);

    // The DGFiP has the file, its answer is held: the process dies before it records anything of it.
    await waitFor('the first deposit to reach the DGFiP', () => Promise.resolve(platform.proxy.swallowed === 1), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- the transmitter printed:\n${platform.output}`);
    });
    await platform.kill(first);
    expect(ofType(await platform.events(id), 'TransmissionSent')).toEqual([]);
    platform.spawnTransmitter(settings);
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 1, fileName: packaged.fileName, sha256: pes.file.sha256 });
    expect(ofType(events, 'TransmissionAcknowledged')).toHaveLength(1);
    // Deposited twice, byte for byte under the same name: received once, the second a retry.
    const { byKind } = await platform.sim.stats();
    expect(byKind.pes).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(byKind.pes.retries).toBeGreaterThanOrEqual(1);
    expect(await platform.sim.pesReturns()).toEqual([]);
  }, 120_000);
});
