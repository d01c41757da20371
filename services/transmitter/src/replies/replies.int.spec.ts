import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildActeArchive } from '@relais/actes';
import type { TransmissionEvent } from '@relais/domain';
import { MessagingNames } from '@relais/messaging';
import { askHealth } from '@relais/service-kit';
import { waitFor } from '@relais/service-kit/testing';
import { Platform } from '../../test/harness.js';

function answers(events: readonly TransmissionEvent[]): TransmissionEvent[] {
  return events.filter((event) => event.type === 'TransmissionAcknowledged' || event.type === 'TransmissionNacked');
}

/** The State's replies, read from the simulator's mailbox by the running transmitter. */
describe('relais-transmitter replies', () => {
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

  it('records a 1-3 AnomalieActe as the acte’s refusal, with its code and detail', async () => {
    await platform.sim.configure({ anomalyRate: 1 });
    const id = await platform.routedActe('ANO2026_001');
    await platform.settled(id, 'nacked');
    const events = await platform.events(id);
    expect(answers(events)).toEqual([
      {
        type: 'TransmissionNacked',
        data: expect.objectContaining({
          transmissionId: id,
          source: 'acte_anomaly',
          reasonCode: '001',
          detail: 'Anomalie simulée (STATE_SIM_ANOMALY_RATE).',
        }),
      },
    ]);
    expect(await platform.sim.mailbox()).toEqual([]);
    expect(await platform.sim.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0 });
  });

  it('records an AnomalieEnveloppe as the refusal of the acte its archive carried', async () => {
    await platform.sim.configure({ envelopeAnomalyNext: 1 });
    const id = await platform.routedActe('ENV2026_001');
    await platform.settled(id, 'nacked');
    expect(answers(await platform.events(id))).toEqual([
      {
        type: 'TransmissionNacked',
        data: expect.objectContaining({
          transmissionId: id,
          source: 'envelope_anomaly',
          reasonCode: '001',
          detail: "Anomalie d'enveloppe simulée (envelopeAnomalyNext).",
        }),
      },
    ]);
    expect(await platform.sim.mailbox()).toEqual([]);
  });

  it('leaves a reply that matches none of its transmissions in the mailbox, for an operator', async () => {
    // Another sender's acte: the préfecture answers it into the same mailbox.
    const foreign = await buildActeArchive({
      sequence: 3,
      dateEnvoi: '2026-01-05',
      collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
      adressesRetour: ['actes@ailleurs.example.org'],
      acte: {
        dateDecision: '2026-01-02',
        numeroInterne: 'AUTRE_01',
        nature: 1,
        classification: '7.1',
        objet: "Un acte que Relais n'a pas envoyé",
        classificationDateVersion: '2019-03-01',
        documentPapier: false,
        document: { extension: 'pdf', codeTypePJ: '99_DE', content: Buffer.from('%PDF-1.7\n%%EOF\n') },
        annexes: [],
      },
    });
    expect(await platform.sim.deliver(foreign.name, foreign.bytes)).toBe(200);
    const [orphan] = await waitFor('the foreign reply in the mailbox', async () => {
      const items = await platform.sim.mailbox();
      return items.length === 1 && items;
    });

    // A later acte of ours is answered after the foreign reply, in the same mailbox: once it is recorded,
    // the poller has read past the foreign reply at least once.
    const id = await platform.routedActe('DEL2026_101');
    await platform.settled(id, 'acknowledged');
    await waitFor('our reply acknowledged in the mailbox', async () => (await platform.sim.mailbox()).length === 1);

    expect((await platform.sim.mailbox()).map((item) => item.id)).toEqual([orphan!.id]);
    expect(platform.logger.lines.some((line) => line.includes(`reply ${orphan!.id} (ARActe)`) && line.includes('matches no transmission'))).toBe(true);
  });

  it('is safe with several replicas: each acte leaves once, in one archive, and is answered once', async () => {
    await platform.startTransmitter();
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => platform.routedActe(`REP2026_${i}`)));
    for (const id of ids) await platform.settled(id, 'acknowledged');
    for (const id of ids) {
      const events = await platform.events(id);
      expect(events.filter((event) => event.type === 'TransmissionPackaged')).toHaveLength(1);
      expect(answers(events)).toHaveLength(1);
    }
    const { rows } = await platform.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM transmitter_archives WHERE numero_interne LIKE 'REP2026_%'",
    );
    expect(Number(rows[0]?.n)).toBe(6);
    expect(await platform.sim.stats()).toMatchObject({ received: 6, duplicates: 0, conflicts: 0 });
    expect(await platform.sim.mailbox()).toEqual([]);
  });

  it('answers the platform’s health question', async () => {
    const health = await askHealth(platform.ns.nc, new MessagingNames(platform.ns.namespace), ['transmitter'], 2000);
    expect(health['transmitter']).toMatchObject({ status: 'ok', pid: process.pid, detail: '4 @ctes endpoint(s), 3 Hélios endpoint(s)' });
  });
});
