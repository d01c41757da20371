import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildAnnulationArchive } from '@relais/actes';
import { actesSchemaErrors } from '@relais/testing';

import { acteInput, buildActeArchive } from '../../test/archives.js';
import { SimServer } from '../../test/sim-server.js';

let sim: SimServer;

beforeAll(async () => {
  sim = await SimServer.start();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await sim.reset();
});

describe('envelopeAnomalyNext', () => {
  it('answers the next accepted 1-1 with an AnomalieEnveloppe in ANO_ + its envelope name, and acknowledges nothing', async () => {
    expect(await (await sim.configure({ envelopeAnomalyNext: 1 })).json()).toMatchObject({ envelopeAnomalyNext: 1 });
    const refused = await buildActeArchive(acteInput());
    expect(await (await sim.deliver(refused.name, refused.bytes)).json()).toEqual({ outcome: 'accepted' });
    // A retry is not a new archive: it neither uses the setting nor gets an answer.
    expect(await (await sim.deliver(refused.name, refused.bytes)).json()).toEqual({ outcome: 'retry' });

    const [anomaly] = (await sim.waitForMail(1)).items;
    expect(anomaly?.kind).toBe('AnomalieEnveloppe');
    expect(anomaly?.receivedFor).toBe(refused.name);
    expect(anomaly?.archiveName).toBe('ANO_EACT--491011698--20171227-5.tar.gz');
    expect(anomaly?.files.map((file) => file.name)).toEqual(['ANO_EACT--491011698--20171227-5.xml']);
    const xml = Buffer.from(anomaly!.files[0]!.contentBase64, 'base64');
    expect(await actesSchemaErrors('ano.xml', xml)).toEqual([]);
    expect(xml.toString('latin1')).toContain('<actes:Nature>001</actes:Nature>');
    expect(xml.toString('latin1')).toContain(`<actes:NomFichier>${refused.idActe}-1-1_0.xml</actes:NomFichier>`);
    expect(xml.toString('latin1')).toContain('<actes:Email>actes@relais.example.org</actes:Email>');

    // The acte was not acknowledged: no annulation, no letter about it.
    const annulation = await buildAnnulationArchive({
      sequence: 9,
      dateEnvoi: '2017-12-29',
      collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
      adressesRetour: ['actes@relais.example.org'],
      idActe: refused.idActe,
    });
    expect((await sim.deliver(annulation.name, annulation.bytes)).status).toBe(422);
    expect((await sim.sendMessage(refused.idActe, { code: '2-1' })).status).toBe(422);

    expect(await (await sim.configure({})).json()).toMatchObject({ envelopeAnomalyNext: 0 });
    const next = await buildActeArchive(acteInput({ sequence: 6, numeroInterne: 'CL20171227_07' }));
    expect((await sim.deliver(next.name, next.bytes)).status).toBe(200);
    expect((await sim.waitForMail(2)).items[1]?.kind).toBe('ARActe');
    expect(await sim.stats()).toMatchObject({ received: 2, retries: 1, duplicates: 0, conflicts: 0 });
  });
});
