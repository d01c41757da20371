import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { acquitOutcome, parsePesAcquit, parsePesNonAcquit, pMsg } from '@relais/pes';
import { PES_SAMPLE, type PesAllerSpec, pesAllerBuffer, pesAllerShapes, pesAllerStream } from '@relais/pes/testing';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

import { SimServer, type PesReturnsBody } from '../../test/sim-server.js';
import { sharedPesSample } from '../../test/shared-data.js';

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

const NAME = `PESALR2_${PES_SAMPLE.siret}_260315_001.xml`;
const ROUTE = pMsg(PES_SAMPLE.codCol, PES_SAMPLE.idPost, PES_SAMPLE.codBud);
const ZERO = { received: 0, retries: 0, duplicates: 0, conflicts: 0 };

type ReturnItem = PesReturnsBody['items'][number];
const contentOf = (item: ReturnItem | undefined): Buffer => Buffer.from(item?.contentBase64 ?? '', 'base64');
const nameN = (n: number): string => `PESALR2_${PES_SAMPLE.siret}_260315_${String(n).padStart(3, '0')}.xml`;

async function configure(settings: Record<string, unknown>): Promise<void> {
  expect((await sim.configure(settings)).status).toBe(200);
}

/** Deposits a file with `routing` as X-Pes-Routing, none when null. */
async function deposit(name: string, bytes: Uint8Array, routing: string | null = ROUTE): Promise<{ status: number; body: unknown }> {
  const response = await sim.depositPes(name, bytes, routing ?? undefined);
  return { status: response.status, body: await response.json() };
}

describe('the simulated DGFiP over HTTP', () => {
  it('takes a PES_Aller, keeps its bytes, and leaves a PES_Acquit with one element per bordereau and PJ until the operator acks it', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.mixed());
    expect(await deposit(NAME, bytes)).toEqual({ status: 200, body: { outcome: 'accepted' } });

    const { items } = await sim.waitForPesReturns(1);
    expect(items).toEqual([
      { id: 1, kind: 'PES_Acquit', fileName: expect.stringMatching(/^PESACQUIT_21349999900017_[0-9]{6}_[0-9]{3,}\.xml$/), receivedFor: NAME, contentBase64: expect.any(String) },
    ]);
    const content = contentOf(items[0]);
    expect(content.toString('latin1')).toMatch(/^<\?xml version="1.0" encoding="ISO-8859-1"\?>/);
    const acquit = parsePesAcquit(content);
    expect(acquit).toMatchObject({ nomFic: 'PES_MIXTE_0001.xml', enTete: { idColl: PES_SAMPLE.siret, codCol: PES_SAMPLE.codCol, idPost: PES_SAMPLE.idPost } });
    expect(acquit.elements.map((element) => [element.domaineAck, element.etatAck, element.bordereau?.numBord ?? element.idUnique])).toEqual([
      ['5', true, '101'],
      ['5', true, '102'],
      ['6', true, '201'],
      ['4', true, 'PJ-2026-0001'],
      ['4', true, 'PJ-2026-0002'],
    ]);
    expect(acquitOutcome(acquit)).toBe('acknowledged');

    const kept = await fetch(`${sim.base}/sim/pes/${NAME}`);
    expect(kept.headers.get('content-type')).toBe('application/xml');
    expect(Buffer.from(await kept.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`${sim.base}/sim/pes/${nameN(99)}`)).status).toBe(404);

    expect((await fetch(`${sim.base}/sim/pes/returns/1/ack`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${sim.base}/sim/pes/returns/1/ack`, { method: 'POST' })).status).toBe(200);
    const unknown = await fetch(`${sim.base}/sim/pes/returns/99/ack`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ code: 'SIM.UNKNOWN_PES_RETURN' }] });
    expect((await sim.pesReturns()).items).toEqual([]);
    // The préfecture's mailbox is another place.
    expect((await sim.mailbox()).items).toEqual([]);
    expect(await sim.stats()).toMatchObject({ received: 1, retries: 0, duplicates: 0, conflicts: 0, byKind: { acte: ZERO, pes: { ...ZERO, received: 1 } } });
  });

  it('answers a file with neither bordereau nor PJ by a PES_Acquit without ACQUIT block', async () => {
    expect((await deposit(NAME, await pesAllerBuffer(pesAllerShapes.marcheOnly()))).status).toBe(200);
    const { items } = await sim.waitForPesReturns(1);
    expect(parsePesAcquit(contentOf(items[0]))).toMatchObject({ nomFic: 'PES_MARCHE_0001.xml', hasAcquitBlock: false, elements: [] });
  });

  it('refuses some elements at pesPartialRate, every element at pesNackRate, with pesErrorCode when set', async () => {
    await configure({ ackDelayMs: 0, pesPartialRate: 1 });
    expect((await deposit(nameN(1), await pesAllerBuffer(pesAllerShapes.mixed()))).status).toBe(200);
    const partial = parsePesAcquit(contentOf((await sim.waitForPesReturns(1)).items[0]));
    expect(acquitOutcome(partial)).toBe('partially_accepted');
    for (const element of partial.elements.filter((element) => !element.etatAck)) {
      expect(element.errors.map((error) => error.code)).toEqual([element.domaineAck === '4' ? 'ERREUR_PJ' : 'ERREUR_CODIFICATION']);
    }

    await configure({ pesNackRate: 1, pesErrorCode: 'ERREUR_DOUBLON_BORDEREAU' });
    expect((await deposit(nameN(2), await pesAllerBuffer(pesAllerShapes.depense()))).status).toBe(200);
    const { items } = await sim.waitForPesReturns(2);
    expect(items[1]).toMatchObject({ kind: 'PES_Acquit', receivedFor: nameN(2) });
    const nacked = parsePesAcquit(contentOf(items[1]));
    expect(acquitOutcome(nacked)).toBe('nacked');
    expect(nacked.elements.map((element) => element.errors.map((error) => error.code))).toEqual([['ERREUR_DOUBLON_BORDEREAU'], ['ERREUR_DOUBLON_BORDEREAU']]);

    const bad = await sim.configure({ pesErrorCode: 'ERREUR_INCONNUE' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_CONFIG' }] });
    const back = await sim.configure({ pesErrorCode: null, pesNackRate: 0 });
    expect(await back.json()).not.toHaveProperty('pesErrorCode');
  });

  it('refuses a file as a whole at pesNonAcquitRate with a PES_NonAcquit', async () => {
    await configure({ ackDelayMs: 0, pesNonAcquitRate: 1 });
    expect((await deposit(NAME, await pesAllerBuffer(pesAllerShapes.recette()))).status).toBe(200);
    const { items } = await sim.waitForPesReturns(1);
    expect(items[0]).toMatchObject({ kind: 'PES_NonAcquit', receivedFor: NAME, fileName: expect.stringMatching(/^PESNONACQUIT_/) });
    expect(parsePesNonAcquit(contentOf(items[0]))).toMatchObject({
      nomFic: 'PES_RECETTE_0001.xml',
      enTete: { idColl: PES_SAMPLE.siret, codCol: PES_SAMPLE.codCol },
      errors: [{ code: 'ERREUR_SIRET' }],
    });
  });

  it('counts the same bytes again as a retry, other bytes under the name as a conflict, the same CodCol and NomFic under another name as a duplicate', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.depense());
    expect(await deposit(NAME, bytes)).toEqual({ status: 200, body: { outcome: 'accepted' } });
    expect(await deposit(NAME, bytes)).toEqual({ status: 200, body: { outcome: 'retry' } });
    const other = await pesAllerBuffer({ ...pesAllerShapes.depense(), nomFic: 'PES_DEPENSE_0002.xml' });
    expect(await deposit(NAME, other)).toEqual({ status: 200, body: { outcome: 'conflict' } });
    const changed = await pesAllerBuffer({ ...pesAllerShapes.depense(), enTete: { ...pesAllerShapes.depense().enTete, libelleColBud: 'AUTRE' } });
    expect(await deposit(nameN(2), changed)).toEqual({ status: 200, body: { outcome: 'duplicate' } });
    // The kept bytes are the first ones.
    expect(Buffer.from(await (await fetch(`${sim.base}/sim/pes/${NAME}`)).arrayBuffer()).equals(bytes)).toBe(true);
    expect(await sim.stats()).toEqual({
      received: 1,
      retries: 1,
      duplicates: 1,
      conflicts: 1,
      byKind: { acte: ZERO, pes: { received: 1, retries: 1, duplicates: 1, conflicts: 1 }, annulation: ZERO, reply: ZERO, classification: ZERO },
    });
    // Only the first file is answered.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await sim.pesReturns()).items.map((item) => item.receivedFor)).toEqual([NAME]);
  });

  it('refuses, with a 400 and a stable code and counting nothing, a bad name, a missing or inconsistent routing, a DOCTYPE', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.depense());
    const refusals: [string, Uint8Array, string | null, string][] = [
      ['PESALR2_213499999_260315_001.xml', bytes, ROUTE, 'SIM.INVALID_PES_FILE_NAME'],
      [`PESALR2_${PES_SAMPLE.siret}_261315_001.xml`, bytes, ROUTE, 'SIM.INVALID_PES_FILE_NAME'],
      ['PESALR2_21340172200017_260315_001.xml', bytes, ROUTE, 'SIM.PES_ID_COLL_MISMATCH'],
      [NAME, bytes, null, 'SIM.MISSING_PES_ROUTING'],
      [NAME, bytes, `P_MSG ${ROUTE}`, 'SIM.INVALID_PES_ROUTING'],
      [NAME, bytes, pMsg('999', PES_SAMPLE.idPost, PES_SAMPLE.codBud), 'SIM.PES_ROUTING_MISMATCH'],
      [NAME, bytes, pMsg(PES_SAMPLE.codCol, PES_SAMPLE.idPost), 'SIM.PES_ROUTING_MISMATCH'],
      [NAME, await pesAllerBuffer({ ...pesAllerShapes.depense(), prolog: '<!DOCTYPE x [<!ENTITY a "b">]>\n' }), ROUTE, 'SIM.MALFORMED_XML'],
      [NAME, Buffer.from('not xml at all'), ROUTE, 'SIM.MALFORMED_XML'],
    ];
    for (const [name, body, routing, code] of refusals) {
      const response = await deposit(name, body, routing);
      expect([name, routing, response]).toEqual([name, routing, { status: 400, body: { errors: [{ code, message: expect.any(String) }] } }]);
    }
    const binary = await sim.depositPes(NAME, bytes, ROUTE, 'application/octet-stream');
    expect(binary.status).toBe(415);
    expect(await binary.json()).toMatchObject({ errors: [{ code: 'SIM.UNSUPPORTED_MEDIA_TYPE' }] });
    expect(await sim.stats()).toMatchObject({ ...ZERO, byKind: { pes: ZERO } });
    expect((await sim.pesReturns()).items).toEqual([]);
  });

  it('answers a refusal found early in a large upload, and refuses a file past the size limit with a 413 as it streams', async () => {
    const upload = (spec: PesAllerSpec): Promise<Response> =>
      fetch(`${sim.base}/sim/pes/${NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'x-pes-routing': ROUTE },
        body: Readable.toWeb(Readable.from(pesAllerStream(spec))) as ReadableStream<Uint8Array>,
        duplex: 'half',
      });
    const doctype = await upload({ ...pesAllerShapes.large({ bordereaux: 1, piecesPerBordereau: 1, pjSizes: [4 * 1024 * 1024] }), prolog: '<!DOCTYPE x>\n' });
    expect(doctype.status).toBe(400);
    expect(await doctype.json()).toMatchObject({ errors: [{ code: 'SIM.MALFORMED_XML' }] });
    const tooLarge = await upload(pesAllerShapes.large({ bordereaux: 1, piecesPerBordereau: 1, pjSizes: [17 * 1024 * 1024] }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ errors: [{ code: 'SIM.ARCHIVE_TOO_LARGE' }] });
    expect(await sim.stats()).toMatchObject({ byKind: { pes: ZERO } });
  });

  it('pages the returns with after and limit', async () => {
    await configure({ ackDelayMs: 0 });
    for (const n of [1, 2, 3]) {
      const bytes = await pesAllerBuffer({ ...pesAllerShapes.depense(), nomFic: `PES_${n}.xml` });
      expect((await deposit(nameN(n), bytes)).status).toBe(200);
    }
    await sim.waitForPesReturns(3);
    const first = await sim.pesReturns('?limit=2');
    expect(first.items.map((item) => item.receivedFor)).toEqual([nameN(1), nameN(2)]);
    expect(first.next).toBe(first.items[1]?.id);
    const second = await sim.pesReturns(`?after=${String(first.next)}&limit=2`);
    expect(second.items.map((item) => item.receivedFor)).toEqual([nameN(3)]);
    expect(second.next).toBeUndefined();
    expect((await fetch(`${sim.base}/sim/pes/returns?limit=0`)).status).toBe(400);
  });

  it('puts a PES_Retour for a SIRET among the returns on call, naming by default the poste and CodCol the SIRET last sent', async () => {
    const call = (body: unknown): Promise<Response> =>
      fetch(`${sim.base}/sim/pes/retours`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await configure({ ackDelayMs: 0 });
    expect((await deposit(NAME, await pesAllerBuffer(pesAllerShapes.depense()))).status).toBe(200);
    await sim.waitForPesReturns(1);

    const response = await call({ siret: PES_SAMPLE.siret, text: 'Bordereau 101 pris en charge.' });
    expect(response.status).toBe(201);
    const sent = (await response.json()) as { id: number; fileName: string };
    expect(sent).toEqual({ id: 2, fileName: expect.stringMatching(/^PESRETOUR_21349999900017_[0-9]{6}_[0-9]{3,}\.xml$/) });
    const { items } = await sim.pesReturns();
    expect(items[1]).toEqual({ id: 2, kind: 'PES_Retour', fileName: sent.fileName, contentBase64: expect.any(String) });
    const text = contentOf(items[1]).toString('latin1');
    expect(text).toMatch(/^<\?xml version="1.0" encoding="ISO-8859-1"\?>\n<n:PES_Retour xmlns:n="http:\/\/www.minefi.gouv.fr\/cp\/helios\/pes_v2\/Rev0\/retour">/);
    expect(text).toContain(`<NomFic V="${sent.fileName}"/>`);
    expect(text).toContain(`<IdColl V="${PES_SAMPLE.siret}"/>`);
    expect(text).toContain(`<IdPost V="${PES_SAMPLE.idPost}"/>`);
    expect(text).toContain(`<CodCol V="${PES_SAMPLE.codCol}"/>`);
    expect(text).toContain('Bordereau 101 pris en charge.');

    const other = await call({ siret: '21340172200017', idPost: '034001', codCol: '7' });
    expect(other.status).toBe(201);
    const otherText = contentOf((await sim.pesReturns()).items[2]).toString('latin1');
    expect(otherText).toContain('<IdPost V="034001"/>');
    expect(otherText).toContain('<CodCol V="7"/>');

    for (const bad of [{}, { siret: '213401722' }, { siret: PES_SAMPLE.siret, codCol: '1234' }, { siret: PES_SAMPLE.siret, extra: 1 }, { siret: PES_SAMPLE.siret, text: ' ' }]) {
      const refused = await call(bad);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_PES_RETOUR' }] });
    }
  });

  it('simulates outages for PES as for actes: failNext, hang, slowNext', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.depense());
    await configure({ failNext: 1 });
    expect((await deposit(NAME, bytes)).status).toBe(503);
    expect(await sim.stats()).toMatchObject({ byKind: { pes: ZERO } });

    await configure({ hang: true });
    let answered = false;
    const pending = sim.depositPes(NAME, bytes, ROUTE).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    await configure({ hang: false });
    expect((await pending).status).toBe(503);
    expect(await sim.stats()).toMatchObject({ byKind: { pes: ZERO } });

    await configure({ slowNext: 1, slowAnswerMs: 60_000 });
    const gaveUp = await fetch(`${sim.base}/sim/pes/${NAME}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-pes-routing': ROUTE },
      body: bytes,
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: unknown) => String(error),
    );
    expect(gaveUp).toMatch(/^TimeoutError/);
    expect(await deposit(NAME, bytes)).toEqual({ status: 200, body: { outcome: 'retry' } });
    expect(await sim.stats()).toMatchObject({ received: 1, retries: 1, byKind: { pes: { ...ZERO, received: 1, retries: 1 } } });
  });

  it('accepts the real signed sample with a PJ (shared data) under a name with its IdColl, and refuses in its acquit the PJ it cannot identify', async () => {
    const sample = readFileSync(sharedPesSample('PESALR2_signed_with_pj.xml'));
    const name = 'PESALR2_12345678912345_171227_001.xml';
    expect(await deposit(name, sample, 'PES#123#034000#12')).toEqual({ status: 200, body: { outcome: 'accepted' } });
    const { items } = await sim.waitForPesReturns(1);
    expect(items[0]).toMatchObject({ kind: 'PES_Acquit', receivedFor: name });
    const acquit = parsePesAcquit(contentOf(items[0]));
    expect(acquit).toMatchObject({
      nomFic: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml',
      enTete: { idPost: '034000', idColl: '12345678912345', codCol: '123', codBud: '12', libelleColBud: 'COMMUNE' },
    });
    // Its one bordereau is accepted; its PJ has no IdUnique (and plain text for content): refused.
    expect(acquit.elements.map((element) => [element.domaineAck, element.etatAck, element.bordereau, element.errors.map((error) => error.code)])).toEqual([
      ['5', true, { numBord: '1234567', exercice: '2009' }, []],
      ['4', false, undefined, ['ERREUR_SCHEMA_INCOMPLET']],
    ]);
    expect(await sim.stats()).toMatchObject({ byKind: { pes: { ...ZERO, received: 1 } } });
  });
});
