import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import { recordPesRetour, type PesRetour } from '@relais/service-kit';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

let gw: TestGateway;
let dijon: string;
let other: string;
let dijonToken: string;
let otherToken: string;
let supervisorToken: string;
let auditorToken: string;

/** A PES_Retour the transmitter would have collected for `siren`: its bytes stored, its arrival recorded. */
async function retour(siren: string, n: number): Promise<{ retour: PesRetour; bytes: Buffer }> {
  const fileName = `PES_RETOUR_${siren}00013_${n}.xml`;
  const bytes = Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<PES_Retour><Enveloppe><Parametres><NomFic V="RETOUR_${n}"/></Parametres></Enveloppe><!-- é ${n} --></PES_Retour>\n`, 'latin1');
  const { sha256, size } = await gw.app.get(PostgresBlobStore).put(Readable.from([bytes]));
  const recorded = await recordPesRetour(gw.app.get(PostgresEventStore), {
    siren,
    siret: `${siren}00013`,
    fileName,
    nomFic: `RETOUR_${n}`,
    idPost: '021000',
    codCol: '001',
    sha256,
    size,
    messageId: fileName,
  });
  return { retour: recorded, bytes };
}

beforeAll(async () => {
  gw = await startGateway();
  dijon = await gw.registerCollectivite();
  other = await gw.registerCollectivite();
  ({ token: dijonToken } = await gw.issueToken('collectivite', dijon));
  ({ token: otherToken } = await gw.issueToken('collectivite', other));
  ({ token: supervisorToken } = await gw.issueToken('supervisor'));
  ({ token: auditorToken } = await gw.issueToken('auditor'));
});

afterAll(async () => {
  await gw.close();
});

describe('PES_Retour files', () => {
  let first: { retour: PesRetour; bytes: Buffer };
  let second: { retour: PesRetour; bytes: Buffer };

  beforeAll(async () => {
    first = await retour(dijon, 1);
    second = await retour(dijon, 2);
  });

  const itemOf = (r: PesRetour) => ({
    id: r.id,
    receivedAt: r.receivedAt,
    siret: r.siret,
    fileName: r.fileName,
    nomFic: r.nomFic,
    idPost: r.idPost,
    codCol: r.codCol,
    size: r.size,
    sha256: r.sha256,
  });

  it('lists a collectivité’s own, oldest first; nothing of them for another', async () => {
    const own = await gw.call('/api/v1/pes/retours', { token: dijonToken });
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ items: [itemOf(first.retour), itemOf(second.retour)] });
    expect(await (await gw.call(`/api/v1/pes/retours?siren=${dijon}`, { token: dijonToken })).json()).toEqual({ items: [itemOf(first.retour), itemOf(second.retour)] });

    expect(await (await gw.call('/api/v1/pes/retours', { token: otherToken })).json()).toEqual({ items: [] });
    const peek = await gw.call(`/api/v1/pes/retours?siren=${dijon}`, { token: otherToken });
    expect(peek.status).toBe(404);
    expect(await errorCodes(peek)).toEqual(['COLLECTIVITE.NOT_FOUND']);
  });

  it('lists any collectivité’s for a supervisor or an auditor who names it', async () => {
    for (const token of [supervisorToken, auditorToken]) {
      const listed = await gw.call(`/api/v1/pes/retours?siren=${dijon}`, { token });
      expect(((await listed.json()) as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([first.retour.id, second.retour.id]);
    }
    const unnamed = await gw.call('/api/v1/pes/retours', { token: supervisorToken });
    expect(unnamed.status).toBe(400);
    expect(await errorCodes(unnamed)).toEqual(['REQUEST.INVALID_QUERY']);
    const malformed = await gw.call('/api/v1/pes/retours?siren=21210', { token: auditorToken });
    expect(malformed.status).toBe(400);
    const unknown = await gw.call('/api/v1/pes/retours?siren=299999999', { token: auditorToken });
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toEqual(['COLLECTIVITE.NOT_FOUND']);
  });

  it('serves the XML as an attachment under the DGFiP’s name, byte for byte', async () => {
    for (const token of [dijonToken, supervisorToken, auditorToken]) {
      const response = await gw.call(`/api/v1/pes/retours/${second.retour.id}/file`, { token });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${second.retour.fileName}"; filename*=UTF-8''${second.retour.fileName}`);
      expect(response.headers.get('content-length')).toBe(String(second.bytes.length));
      expect(Buffer.from(await response.arrayBuffer()).equals(second.bytes)).toBe(true);
    }
  });

  it('answers 404 PES_RETOUR.NOT_FOUND for another collectivité’s file, an unknown id or one that is no id', async () => {
    for (const [id, token] of [
      [first.retour.id, otherToken],
      [randomUUID(), dijonToken],
      ['not-an-id', supervisorToken],
    ] as const) {
      const response = await gw.call(`/api/v1/pes/retours/${id}/file`, { token });
      expect(response.status).toBe(404);
      expect(await errorCodes(response)).toEqual(['PES_RETOUR.NOT_FOUND']);
    }
  });

  it('is not for administrators', async () => {
    const response = await gw.call('/api/v1/pes/retours', { token: gw.adminToken });
    expect(response.status).toBe(403);
  });
});
