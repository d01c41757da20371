import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { PES_FILE_NAME_REGEX } from '@relais/pes';
import { nextWindowStart, windowStartOf } from '@relais/routing';
import { ENDPOINTS, HELIOS_BUDGET, Platform, ofType, only } from '../../test/harness.js';
import { DELIVERY_CONSUMERS } from '../delivery/delivery.consumer.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** PES files delivered to the simulated DGFiP by the running transmitter, against a real database and NATS. */
describe('relais-transmitter PES delivery', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  beforeEach(async () => {
    await platform.sim.reset();
  });

  it('names a routed PES file once, records it before sending, deposits the submitted bytes, and records the PES_Acquit per bordereau and PJ', async () => {
    const { id, pes, bytes } = await platform.routedPes('PES_LIV_0001.xml');
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    expect(events.map((event) => event.type)).toEqual([
      'TransmissionReceived',
      'TransmissionValidated',
      'TransmissionRouted',
      'TransmissionPackaged',
      'TransmissionSent',
      'TransmissionAcknowledged',
    ]);
    // The name is the platform's, the bytes are the collectivité's: no copy, the same hash.
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(packaged.fileName).toMatch(PES_FILE_NAME_REGEX);
    expect(packaged.fileName).toMatch(new RegExp(`^PESALR2_${HELIOS_BUDGET.siret}_[0-9]{6}_[0-9]{3}\\.xml$`));
    expect(packaged).toMatchObject({ sha256: pes.file.sha256, size: pes.file.size });
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 1, fileName: packaged.fileName, sha256: pes.file.sha256 });

    // What the DGFiP holds under that name is the file submitted, byte for byte. It took the deposit
    // only because its X-Pes-Routing (P_MSG) was the file's PES#CodCol#IdPost#CodBud.
    const received = await platform.sim.pesReceived(packaged.fileName);
    expect(received && sha256(received)).toBe(sha256(bytes));
    expect(received && sha256(received)).toBe(pes.file.sha256);

    const { acknowledgment } = only(events, 'TransmissionAcknowledged').data;
    expect(acknowledgment).toEqual({
      kind: 'pes',
      outcomes: [
        { element: { kind: 'bordereau', exercice: 2026, numBord: '101' }, accepted: true, errors: [] },
        { element: { kind: 'bordereau', exercice: 2026, numBord: '102' }, accepted: true, errors: [] },
        { element: { kind: 'bordereau', exercice: 2026, numBord: '201' }, accepted: true, errors: [] },
        { element: { kind: 'pj', idUnique: 'PJ-2026-0001' }, accepted: true, errors: [] },
        { element: { kind: 'pj', idUnique: 'PJ-2026-0002' }, accepted: true, errors: [] },
      ],
    });

    const { rows } = await platform.db.pool.query<{ transmission_id: string; nom_fic: string; cod_col: string; sha256: string }>(
      'SELECT transmission_id, nom_fic, cod_col, sha256 FROM transmitter_pes_files WHERE file_name = $1',
      [packaged.fileName],
    );
    expect(rows).toEqual([{ transmission_id: id, nom_fic: 'PES_LIV_0001.xml', cod_col: HELIOS_BUDGET.codCol, sha256: pes.file.sha256 }]);
    const stats = await platform.sim.stats();
    expect(stats.byKind.pes).toEqual({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
    // The acquittal was acknowledged on the DGFiP's server once recorded.
    expect(await platform.sim.pesReturns()).toEqual([]);
  });

  it('counts the files of a SIRET and day upwards: each name once', async () => {
    const first = await platform.routedPes('PES_LIV_0010.xml');
    const second = await platform.routedPes('PES_LIV_0011.xml');
    await platform.settled(first.id, 'acknowledged');
    await platform.settled(second.id, 'acknowledged');
    const names = [
      only(await platform.events(first.id), 'TransmissionPackaged').data.fileName,
      only(await platform.events(second.id), 'TransmissionPackaged').data.fileName,
    ];
    const counters = names.map((name) => Number(/_([0-9]{3,})\.xml$/.exec(name)?.[1]));
    expect(new Set(names).size).toBe(2);
    expect(new Set(counters).size).toBe(2);
    expect((await platform.sim.stats()).byKind.pes).toEqual({ received: 2, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('retries a DGFiP that answers 503 with the same file under the same name, and ends acknowledged', async () => {
    await platform.sim.configure({ failNext: 2 });
    const { id } = await platform.routedPes('PES_LIV_0002.xml');
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(ofType(events, 'TransmissionDeliveryAttemptFailed').map((event) => event.data)).toEqual([
      expect.objectContaining({ attempt: 1, retryable: true, reason: expect.stringContaining('HTTP 503'), nextAttemptAt: expect.any(String) }),
      expect.objectContaining({ attempt: 2, retryable: true, reason: expect.stringContaining('SIM.UNAVAILABLE'), nextAttemptAt: expect.any(String) }),
    ]);
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 3, fileName: packaged.fileName, sha256: packaged.sha256 });
    expect((await platform.sim.stats()).byKind.pes).toEqual({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('deposits the very same file again when the DGFiP took it but answered too late, and is acknowledged once', async () => {
    // The DGFiP reads and counts the deposit, then holds its answer past the transmitter's timeout
    // (1 s): the transmitter cannot know it has the file. Its acquittal may even come first.
    await platform.sim.configure({ slowNext: 1, slowAnswerMs: 3000 });
    const { id, pes } = await platform.routedPes('PES_LIV_0003.xml');
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(only(events, 'TransmissionDeliveryAttemptFailed').data).toMatchObject({ attempt: 1, retryable: true, reason: 'no answer within 1000 ms' });
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 2, fileName: packaged.fileName, sha256: pes.file.sha256 });
    expect(ofType(events, 'TransmissionAcknowledged')).toHaveLength(1);
    // Received once; the second deposit is a retry (same name, same bytes), never a duplicate.
    const { byKind } = await platform.sim.stats();
    expect(byKind.pes.retries).toBeGreaterThanOrEqual(1);
    expect(byKind.pes).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(await platform.sim.pesReturns()).toEqual([]);
  });

  it('sends the same file again when the answer to a deposit is lost on the way', async () => {
    platform.proxy.holdDeliveries = 1;
    const swallowedBefore = platform.proxy.swallowed;
    const { id } = await platform.routedPes('PES_LIV_0004.xml', ENDPOINTS.heliosLossy);
    await platform.settled(id, 'acknowledged');

    expect(platform.proxy.swallowed).toBe(swallowedBefore + 1);
    const events = await platform.events(id);
    expect(only(events, 'TransmissionSent').data.attempt).toBe(2);
    const { byKind } = await platform.sim.stats();
    expect(byKind.pes).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(byKind.pes.retries).toBeGreaterThanOrEqual(1);
  });

  it('gives up after the last attempt, then deposits the same file again when an operator retries', async () => {
    await platform.sim.configure({ failNext: 1000 });
    const { id } = await platform.routedPes('PES_LIV_0005.xml');
    await platform.settled(id, 'failed');

    let events = await platform.events(id);
    expect(ofType(events, 'TransmissionDeliveryAttemptFailed').map((event) => event.data.attempt)).toEqual([1, 2, 3]);
    expect(only(events, 'TransmissionFailed').data).toMatchObject({ attempts: 3, reason: expect.stringContaining('attempt 3 of 3') });
    expect((await platform.sim.stats()).byKind.pes).toMatchObject({ received: 0 });

    await platform.sim.configure({ failNext: 0 });
    await platform.commands.execute({ type: 'Retry', data: { transmissionId: id, at: new Date().toISOString(), requestedBy: 'operator' } });
    await platform.settled(id, 'acknowledged');
    events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 4, fileName: packaged.fileName, sha256: packaged.sha256 });
    expect((await platform.sim.stats()).byKind.pes).toEqual({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('holds Hélios deposits to the endpoint’s transmission window, the wait in their history', async () => {
    const probe = await platform.routedPes('PES_WIN_0000.xml');
    await platform.settled(probe.id, 'acknowledged');
    const size = only(await platform.events(probe.id), 'TransmissionPackaged').data.size;
    // Room for one file per window, not two.
    const window = { bytes: Math.floor(size * 1.5), seconds: 5 };
    await platform.setWindow(window);
    // Both files reach delivery early in one window, so that the second must wait for the next one
    // (two files routed across a window's end would each find room, and nothing would be deferred).
    await new Promise((resolve) => setTimeout(resolve, nextWindowStart(window, new Date()).getTime() - Date.now() + 50));

    const files = [await platform.routedPes('PES_WIN_0001.xml', ENDPOINTS.heliosWindowed), await platform.routedPes('PES_WIN_0002.xml', ENDPOINTS.heliosWindowed)];
    for (const file of files) await platform.settled(file.id, 'acknowledged');
    const histories = await Promise.all(files.map((file) => platform.events(file.id)));
    const sentAt = histories.map((events) => Date.parse(only(events, 'TransmissionSent').data.at));
    const windows = sentAt.map((at) => windowStartOf(window, new Date(at)).getTime());
    expect(new Set(windows).size).toBe(2);
    expect(histories.flatMap((events) => ofType(events, 'TransmissionDeliveryDeferred'))).not.toEqual([]);
    expect(histories.every((events) => only(events, 'TransmissionSent').data.attempt === 1)).toBe(true);
    await platform.setWindow(undefined);
  });

  it('does nothing when a TransmissionRouted of a delivered PES file comes again', async () => {
    const { id } = await platform.routedPes('PES_LIV_0006.xml');
    await platform.settled(id, 'acknowledged');
    const before = await platform.events(id);
    const statsBefore = await platform.sim.stats();

    await platform.redeliver(id, 'TransmissionRouted', DELIVERY_CONSUMERS.TransmissionRouted);

    expect(await platform.events(id)).toEqual(before);
    expect(await platform.sim.stats()).toEqual(statsBefore);
  });
});
