import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SimServer, type MailboxBody } from '../../test/sim-server.js';

import { buildAnnulationArchive } from '@relais/actes';
import { actesSchemaErrors } from '@relais/testing';
import { acteInput, buildActeArchive } from '../../test/archives.js';

let sim: SimServer;
let base: string;

beforeAll(async () => {
  sim = await SimServer.start();
  base = sim.base;
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await sim.reset();
});

const deliver = (name: string, bytes: Buffer): Promise<Response> => sim.deliver(name, bytes);
const waitForMail = (count: number): Promise<MailboxBody> => sim.waitForMail(count);

const idActe = '034-491011698-20171207-CL20171227_06-DE';
const annulation = (sequence: number) =>
  buildAnnulationArchive({
    sequence,
    dateEnvoi: '2017-12-29',
    collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
    adressesRetour: ['actes@relais.example.org'],
    idActe,
  });

describe('a 6-1 Annulation delivered to the simulated préfecture', () => {
  it('answers a 6-2 ARAnnulation (XSD-valid) for an acte it acknowledged, and counts it apart from the actes', async () => {
    const acte = await buildActeArchive(acteInput());
    expect((await deliver(acte.name, acte.bytes)).status).toBe(200);
    await waitForMail(1);
    const archive = await annulation(9);
    const response = await deliver(archive.name, archive.bytes);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'accepted' });
    expect(await (await deliver(archive.name, archive.bytes)).json()).toEqual({ outcome: 'retry' });
    const { items } = await waitForMail(2);
    const reply = items[1]!;
    expect(reply.kind).toBe('ARAnnulation');
    expect(reply.receivedFor).toBe(archive.name);
    expect(reply.files.map((file) => file.name)).toEqual([expect.stringMatching(/^EACT--PREF034-491011698-\d{8}-2\.xml$/), `${idActe}-6-2_0.xml`]);
    for (const file of reply.files) expect(await actesSchemaErrors(file.name, Buffer.from(file.contentBase64, 'base64'))).toEqual([]);
    expect(Buffer.from(reply.files[1]!.contentBase64, 'base64').toString('latin1')).toContain(`actes:IDActe="${idActe}"`);
    const stats = (await (await fetch(`${base}/sim/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      received: 1,
      retries: 0,
      byKind: { acte: { received: 1, retries: 0 }, annulation: { received: 1, retries: 1, duplicates: 0, conflicts: 0 } },
    });
  });

  it('refuses with 422 SIM.UNKNOWN_ID_ACTE a 6-1 for an acte it never acknowledged, counting nothing', async () => {
    const archive = await annulation(3);
    const response = await deliver(archive.name, archive.bytes);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('SIM.UNKNOWN_ID_ACTE');
    const stats = (await (await fetch(`${base}/sim/stats`)).json()) as { byKind: { annulation: { received: number } } };
    expect(stats.byKind.annulation.received).toBe(0);
  });
});
