import { describe, expect, it } from '@jest/globals';
import { PES_SAMPLE, chunked, pesAllerBuffer, pesAllerShapes, type PesAllerSpec } from '@relais/pes/testing';
import { createHash } from 'node:crypto';

import { readPesFileName, readPesRouting } from './pes.name.js';
import { type PesDeposit, readPesDeposit } from './pes.read.js';
import { SimErrorCode } from './sim.errors.js';

const NAME = readPesFileName(`PESALR2_${PES_SAMPLE.siret}_260315_001.xml`);
const ROUTE = readPesRouting(`PES#${PES_SAMPLE.codCol}#${PES_SAMPLE.idPost}#${PES_SAMPLE.codBud}`);

async function read(spec: PesAllerSpec, options: { route?: string; maxBytes?: number } = {}): Promise<PesDeposit> {
  const bytes = await pesAllerBuffer(spec);
  const route = options.route === undefined ? ROUTE : readPesRouting(options.route);
  return readPesDeposit(NAME, route, chunked(bytes, 1000), options.maxBytes ?? 1024 * 1024);
}

async function refusal(deposit: Promise<unknown>): Promise<unknown> {
  return deposit.then(
    () => 'read',
    (error: unknown) => (error as { code?: unknown }).code,
  );
}

describe('readPesDeposit', () => {
  it('hashes and keeps the bytes as they stream, and reads the file on the way', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.mixed());
    const deposit = await readPesDeposit(NAME, ROUTE, chunked(bytes, 1000), bytes.length);
    expect(deposit.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(deposit.body.equals(bytes)).toBe(true);
    expect(deposit).toMatchObject({
      fileName: NAME.fileName,
      nomFic: 'PES_MIXTE_0001.xml',
      enTete: { idPost: PES_SAMPLE.idPost, idColl: PES_SAMPLE.siret, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, libelleColBud: 'COMMUNE DE SÈTE' },
    });
    expect(deposit.summary.bordereaux.map((bordereau) => bordereau.idBord)).toEqual(['101', '102', '201']);
    expect(deposit.summary.pjs.map((pj) => [pj.idUnique, pj.contentOk])).toEqual([
      ['PJ-2026-0001', true],
      ['PJ-2026-0002', true],
    ]);
  });

  it('refuses a file larger than allowed while it streams', async () => {
    expect(await refusal(read(pesAllerShapes.mixed(), { maxBytes: 2000 }))).toBe(SimErrorCode.ArchiveTooLarge);
  });

  it('refuses a DOCTYPE and broken XML as malformed, a bad encoding as such', async () => {
    const doctype = { ...pesAllerShapes.depense(), prolog: '<!DOCTYPE n:PES_Aller [<!ENTITY x "y">]>\n' };
    expect(await refusal(read(doctype))).toBe(SimErrorCode.MalformedXml);
    expect(await refusal(read({ ...pesAllerShapes.depense(), afterEnTete: '<Broken>\n' }))).toBe(SimErrorCode.MalformedXml);
    expect(await refusal(read({ ...pesAllerShapes.depense(), declaration: '<?xml version="1.0" encoding="UTF-16"?>' }))).toBe(SimErrorCode.PesEncodingInvalid);
  });

  it('refuses another root, and a file the DGFiP could not answer', async () => {
    expect(await refusal(read({ ...pesAllerShapes.depense(), rootName: 'PES_Retour' }))).toBe(SimErrorCode.NotPesAller);
    const shape = pesAllerShapes.depense();
    // A field left undefined is not written.
    expect(await refusal(read({ ...shape, nomFic: undefined }))).toBe(SimErrorCode.InvalidPesAller);
    expect(await refusal(read({ ...shape, nomFic: 'N'.repeat(101) }))).toBe(SimErrorCode.InvalidPesAller);
    expect(await refusal(read({ ...shape, enTete: { ...shape.enTete, codCol: undefined } }))).toBe(SimErrorCode.InvalidPesAller);
  });

  it("refuses a file whose IdColl is not the name's SIRET", async () => {
    const shape = pesAllerShapes.depense();
    expect(await refusal(read({ ...shape, enTete: { ...shape.enTete, idColl: '21340172200017' } }))).toBe(SimErrorCode.PesIdCollMismatch);
  });

  it("refuses a routing that is not the file's CodCol, IdPost and CodBud; an empty CodBud routes a file without one", async () => {
    const { siret, idPost, codBud } = PES_SAMPLE;
    expect(await refusal(read(pesAllerShapes.depense(), { route: `PES#124#${idPost}#${codBud}` }))).toBe(SimErrorCode.PesRoutingMismatch);
    expect(await refusal(read(pesAllerShapes.depense(), { route: `PES#123#034001#${codBud}` }))).toBe(SimErrorCode.PesRoutingMismatch);
    expect(await refusal(read(pesAllerShapes.depense(), { route: `PES#123#${idPost}#` }))).toBe(SimErrorCode.PesRoutingMismatch);
    const shape = pesAllerShapes.depense();
    const deposit = await read({ ...shape, enTete: { ...shape.enTete, codBud: undefined } }, { route: `PES#123#${idPost}#` });
    expect(deposit.enTete).toEqual({ dteStr: PES_SAMPLE.dteStr, idPost, idColl: siret, codCol: '123', libelleColBud: 'COMMUNE DE SÈTE' });
  });
});
