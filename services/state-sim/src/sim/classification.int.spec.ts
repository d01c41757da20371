import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { actesSchemaErrors } from '@relais/testing';

import { classificationRequestArchive } from '../../test/archives.js';
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

const bytes = (file: { contentBase64: string }): Buffer => Buffer.from(file.contentBase64, 'base64');

describe('a 7-1 DemandeClassification delivered to the simulated préfecture', () => {
  it('answers a 7-2 to a collectivité without classification, then a 7-3 once it holds the current one', async () => {
    const first = await classificationRequestArchive(1);
    expect(await (await sim.deliver(first.name, first.bytes)).json()).toEqual({ outcome: 'accepted' });
    const [retour] = (await sim.waitForMail(1)).items;
    expect(retour?.kind).toBe('RetourClassification');
    expect(retour?.receivedFor).toBe(first.name);
    expect(retour?.files.map((file) => file.name)).toEqual([
      expect.stringMatching(/^EACT--PREF034-491011698-[0-9]{8}-1\.xml$/),
      '034-491011698----7-2_0.xml',
    ]);
    for (const file of retour!.files) expect(await actesSchemaErrors(file.name, bytes(file))).toEqual([]);
    expect(bytes(retour!.files[0]!).toString('latin1')).toContain('<actes:Destinataire insee:SIREN="491011698"/>');
    expect(bytes(retour!.files[1]!).toString('latin1')).toContain('<actes:DateClassification>2019-03-01</actes:DateClassification>');

    const current = await classificationRequestArchive(2, '2019-03-01');
    expect(await (await sim.deliver(current.name, current.bytes)).json()).toEqual({ outcome: 'accepted' });
    const sansChangement = (await sim.waitForMail(2)).items[1];
    expect(sansChangement?.kind).toBe('ReponseClassificationSansChangement');
    expect(sansChangement?.receivedFor).toBe(current.name);
    expect(sansChangement?.files[1]?.name).toBe('034-491011698----7-3_0.xml');
    for (const file of sansChangement!.files) expect(await actesSchemaErrors(file.name, bytes(file))).toEqual([]);

    expect(await sim.stats()).toMatchObject({ received: 0, byKind: { classification: { received: 2, retries: 0, duplicates: 0, conflicts: 0 } } });
  });

  it("answers a 7-2 again once the préfecture's classification is newer (classificationDate)", async () => {
    const configured = await sim.configure({ classificationDate: '2024-06-30' });
    expect(await configured.json()).toMatchObject({ classificationDate: '2024-06-30' });
    const request = await classificationRequestArchive(3, '2019-03-01');
    expect((await sim.deliver(request.name, request.bytes)).status).toBe(200);
    const [retour] = (await sim.waitForMail(1)).items;
    expect(retour?.kind).toBe('RetourClassification');
    expect(bytes(retour!.files[1]!).toString('latin1')).toContain('<actes:DateClassification>2024-06-30</actes:DateClassification>');
    expect(await (await sim.configure({ classificationDate: '2024-02-30' })).json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_CONFIG' }] });
  });

  it('counts the same request again, byte for byte, as a retry, and answers a new request in another archive, even the same day', async () => {
    const request = await classificationRequestArchive(4, '2017-11-13');
    expect(await (await sim.deliver(request.name, request.bytes)).json()).toEqual({ outcome: 'accepted' });
    expect(await (await sim.deliver(request.name, request.bytes)).json()).toEqual({ outcome: 'retry' });
    const other = await classificationRequestArchive(5, '2017-11-13');
    expect(await (await sim.deliver(other.name, other.bytes)).json()).toEqual({ outcome: 'accepted' });
    await sim.waitForMail(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const items = (await sim.mailbox()).items;
    expect(items).toHaveLength(2);
    expect(new Set(items.map((item) => item.archiveName)).size).toBe(2);
    expect(await sim.stats()).toMatchObject({ byKind: { classification: { received: 2, retries: 1, duplicates: 0, conflicts: 0 } } });
  });
});
