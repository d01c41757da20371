import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@relais/service-kit/testing';
import { ENDPOINTS, Platform } from '../test/harness.js';

/** Sends SIGTERM (what `npm start` sends on stop) and resolves with how the process ended. */
async function terminate(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  child.kill('SIGTERM');
  return exited;
}

/**
 * The built `relais-transmitter` stopped by SIGTERM while a delivery to a slow State is in flight: the
 * State has taken the archive and holds its answer. Either the delivery finishes within the stop's
 * grace and is recorded once, or it is handed back and the next process sends the same bytes under the
 * same name — never lost, never a second, different archive.
 */
describe('relais-transmitter at SIGTERM', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
  });

  afterAll(async () => {
    await platform.close();
  });

  /** Spawns a transmitter and waits until the State holds the answer to its first delivery of `numeroInterne`. */
  async function deliveryInFlight(numeroInterne: string, settings: Record<string, string>): Promise<{ child: ChildProcess; id: string }> {
    await platform.sim.reset();
    await platform.sim.configure({ slowNext: 1, slowAnswerMs: Number(settings.SLOW_ANSWER_MS) });
    const child = platform.spawnTransmitter(settings);
    const id = await platform.routedActe(numeroInterne, ENDPOINTS.direct);
    await waitFor('the State to hold the answer to the first delivery', async () => (await platform.sim.stats()).received === 1, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- the transmitter printed:\n${platform.output}`);
    });
    return { child, id };
  }

  // That a delivery answered within the grace is recorded once before the process exits is the consumer
  // runner's promise (libs/messaging consumer-shutdown.int.spec.ts); here, what is transmitter's own:
  // a delivery whose answer outlives the grace.
  it('past its grace hands the delivery back: the next process sends the same archive (a retry for the State) and it is acknowledged once', async () => {
    const settings = { TRANSMITTER_DELIVERY_TIMEOUT_MS: '8000', TRANSMITTER_ACK_WAIT_MS: '10000', RELAIS_SHUTDOWN_TIMEOUT_MS: '2000' };
    const { child, id } = await deliveryInFlight('STOP2026_2', { ...settings, SLOW_ANSWER_MS: '6000' });
    const stopped = await terminate(child);
    expect(stopped.signal).toBeNull();
    expect(platform.output).toContain('handed back unfinished at shutdown');
    // Nothing recorded as sent: the answer never came back to the process that stopped.
    expect((await platform.events(id)).filter((event) => event.type === 'TransmissionSent')).toHaveLength(0);

    platform.spawnTransmitter(settings);
    await platform.settled(id, 'acknowledged');
    const events = await platform.events(id);
    const packaged = events.filter((event) => event.type === 'TransmissionPackaged');
    const sent = events.filter((event) => event.type === 'TransmissionSent');
    expect(packaged).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toMatchObject({ fileName: packaged[0]?.data.fileName, sha256: packaged[0]?.data.sha256 });
    expect(events.filter((event) => event.type === 'TransmissionAcknowledged')).toHaveLength(1);
    const stats = await platform.sim.stats();
    expect(stats).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(stats.retries).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
