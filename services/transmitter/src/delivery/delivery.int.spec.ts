import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { ID_ACTE_REGEX, NOM_ARCHIVE_REGEX } from '@relais/actes';
import { ENDPOINTS, Platform, ofType, only } from '../../test/harness.js';
import { DELIVERY_CONSUMERS } from './delivery.consumer.js';


/** The transmitter against a real database, NATS, relay and State simulator. */
describe('relais-transmitter delivery', () => {
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

  it('packages a routed acte once, records it before sending, sends it, and records the préfecture’s ARActe', async () => {
    const id = await platform.routedActe('DEL2026_001');
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
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(packaged.fileName).toMatch(NOM_ARCHIVE_REGEX);
    expect(packaged.fileName).toMatch(/^RLS-EACT--212102313--[0-9]{8}-[0-9]+\.tar\.gz$/);
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 1, fileName: packaged.fileName, sha256: packaged.sha256 });
    const { acknowledgment } = only(events, 'TransmissionAcknowledged').data;
    expect(acknowledgment).toMatchObject({ kind: 'acte', idActe: '021-212102313-20260104-DEL2026_001-DE' });
    expect(acknowledgment.kind === 'acte' && acknowledgment.idActe).toMatch(ID_ACTE_REGEX);

    // The bytes sent are in the blob store under the recorded hash, and the registry knows the name.
    const bytes = await buffer(await platform.blobs.get(packaged.sha256));
    expect(bytes.length).toBe(packaged.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(packaged.sha256);
    const { rows } = await platform.db.pool.query<{ transmission_id: string; numero_interne: string }>(
      'SELECT transmission_id, numero_interne FROM transmitter_archives WHERE file_name = $1',
      [packaged.fileName],
    );
    expect(rows).toEqual([{ transmission_id: id, numero_interne: 'DEL2026_001' }]);
    // The log holds the objet sealed; the 1-1 the préfecture receives carries it in clear.
    expect(JSON.stringify(only(events, 'TransmissionReceived').data)).not.toContain('équipements');
    expect(gunzipSync(bytes).toString('latin1')).toContain('<actes:Objet>Budget primitif 2026 : équipements « sportifs »</actes:Objet>');

    expect(await platform.sim.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
    expect(await platform.sim.mailbox()).toEqual([]);
  });

  it('numbers each archive of a collectivité and day anew, never twice', async () => {
    const first = await platform.routedActe('DEL2026_010');
    const second = await platform.routedActe('DEL2026_011');
    await platform.settled(first, 'acknowledged');
    await platform.settled(second, 'acknowledged');
    const names = [
      only(await platform.events(first), 'TransmissionPackaged').data.fileName,
      only(await platform.events(second), 'TransmissionPackaged').data.fileName,
    ];
    const numbers = names.map((name) => Number(/-([0-9]+)\.tar\.gz$/.exec(name)?.[1]));
    expect(new Set(numbers).size).toBe(2);
    expect(await platform.sim.stats()).toMatchObject({ received: 2, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('retries a State that answers 503 with the same file, and ends acknowledged', async () => {
    await platform.sim.configure({ failNext: 2 });
    const id = await platform.routedActe('DEL2026_002');
    await platform.settled(id, 'acknowledged');

    const events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    const failures = ofType(events, 'TransmissionDeliveryAttemptFailed').map((event) => event.data);
    expect(failures).toEqual([
      expect.objectContaining({ attempt: 1, retryable: true, reason: expect.stringContaining('HTTP 503') }),
      expect.objectContaining({ attempt: 2, retryable: true, reason: expect.stringContaining('SIM.UNAVAILABLE') }),
    ]);
    expect(failures.every((failure) => typeof failure.nextAttemptAt === 'string')).toBe(true);
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 3, fileName: packaged.fileName, sha256: packaged.sha256 });
    expect(ofType(events, 'TransmissionAcknowledged')).toHaveLength(1);
    expect(await platform.sim.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('sends the very same archive again when the State took it but its answer never came, and is acknowledged once', async () => {
    platform.proxy.holdDeliveries = 1;
    const id = await platform.routedActe('DEL2026_003', ENDPOINTS.lossy);
    await platform.settled(id, 'acknowledged');

    expect(platform.proxy.swallowed).toBe(1);
    const events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(only(events, 'TransmissionDeliveryAttemptFailed').data).toMatchObject({ attempt: 1, retryable: true, reason: 'no answer within 1000 ms' });
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 2, fileName: packaged.fileName, sha256: packaged.sha256 });
    expect(ofType(events, 'TransmissionAcknowledged')).toHaveLength(1);
    // The State counted the second delivery as a retry: same name, byte for byte.
    const stats = await platform.sim.stats();
    expect(stats.retries).toBeGreaterThanOrEqual(1);
    expect(stats).toMatchObject({ received: 1, duplicates: 0, conflicts: 0 });
    expect(await platform.sim.mailbox()).toEqual([]);
  });

  it('gives up after the last attempt, then delivers the same archive again when an operator retries', async () => {
    await platform.sim.configure({ failNext: 1000 });
    const id = await platform.routedActe('DEL2026_004');
    await platform.settled(id, 'failed');

    let events = await platform.events(id);
    expect(ofType(events, 'TransmissionDeliveryAttemptFailed').map((event) => event.data.attempt)).toEqual([1, 2, 3]);
    expect(only(events, 'TransmissionFailed').data).toMatchObject({ attempts: 3, reason: expect.stringContaining('attempt 3 of 3') });
    expect(await platform.sim.stats()).toMatchObject({ received: 0 });

    await platform.sim.configure({ failNext: 0 });
    await platform.commands.execute({
      type: 'Retry',
      data: { transmissionId: id, at: new Date().toISOString(), requestedBy: 'operator' },
    });
    await platform.settled(id, 'acknowledged');
    events = await platform.events(id);
    const packaged = only(events, 'TransmissionPackaged').data;
    expect(only(events, 'TransmissionSent').data).toMatchObject({ attempt: 4, fileName: packaged.fileName, sha256: packaged.sha256 });
    expect(await platform.sim.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('fails at once, without retrying, when the State refuses the delivery with a 4xx', async () => {
    const id = await platform.routedActe('DEL2026_005', ENDPOINTS.wrong);
    await platform.settled(id, 'failed');
    const events = await platform.events(id);
    expect(only(events, 'TransmissionDeliveryAttemptFailed').data).toMatchObject({
      attempt: 1,
      retryable: false,
      reason: expect.stringContaining('HTTP 404'),
    });
    expect(only(events, 'TransmissionFailed').data).toMatchObject({ attempts: 1 });
    expect(ofType(events, 'TransmissionSent')).toEqual([]);
  });

  it('fails without sending an acte whose personal data were shredded before it was packaged', async () => {
    const id = await platform.routedActe('DEL2026_006', undefined, { shredded: true });
    await platform.settled(id, 'failed');
    const events = await platform.events(id);
    expect(only(events, 'TransmissionFailed').data.reason).toContain('PRIVACY.PERSONAL_DATA_SHREDDED');
    expect(ofType(events, 'TransmissionPackaged')).toEqual([]);
    expect(await platform.sim.stats()).toMatchObject({ received: 0 });
  });

  it('does nothing when a TransmissionRouted comes again after the acknowledgment', async () => {
    const id = await platform.routedActe('DEL2026_006');
    await platform.settled(id, 'acknowledged');
    const before = await platform.events(id);
    const statsBefore = await platform.sim.stats();
    expect(statsBefore).toMatchObject({ received: 1, retries: 0 });

    await platform.redeliver(id, 'TransmissionRouted', DELIVERY_CONSUMERS.TransmissionRouted);

    expect(await platform.events(id)).toEqual(before);
    expect(await platform.sim.stats()).toEqual(statsBefore);
  });
});
