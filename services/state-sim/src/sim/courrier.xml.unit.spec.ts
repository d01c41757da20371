import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors, checkPdf } from '@relais/testing';
import { PDFDocument } from 'pdf-lib';

import { COURRIER_CODES, COURRIER_KIND } from './courrier.codes.js';
import { buildAccuse, buildCourrier, recipientOf } from './courrier.xml.js';
import { letterPdf } from './letter.pdf.js';

const idActe = '034-491011698-20171207-CL20171227_06-DE';
const context = { date: '2018-01-15', sequence: 7 };

async function schemaErrors(files: readonly { name: string; content: Buffer }[]): Promise<string[]> {
  const xml = files.filter((file) => file.name.endsWith('.xml'));
  return (await Promise.all(xml.map((file) => actesSchemaErrors(file.name, file.content)))).flat();
}

describe('buildCourrier', () => {
  it.each(COURRIER_CODES)('writes a %s under an EnveloppeMISILLCL, with its PDF, all valid against actesv1_1.xsd', async (code) => {
    const courrier = buildCourrier({ code, idActe, text: undefined }, context);
    expect(courrier.kind).toBe(COURRIER_KIND[code]);
    expect(courrier.messageName).toBe(`${idActe}-${code}_0.xml`);
    expect(courrier.files.map((file) => file.name)).toEqual([
      'EACT--PREF034-491011698-20180115-7.xml',
      `${idActe}-${code}_0.xml`,
      `${idActe}-${code}_1.pdf`,
    ]);
    expect(await schemaErrors(courrier.files)).toEqual([]);
    const [envelope, message, pdf] = courrier.files;
    expect(envelope.content.toString('latin1')).toContain(`<actes:NomFichier>${idActe}-${code}_0.xml</actes:NomFichier>`);
    expect(envelope.content.toString('latin1')).toContain('insee:SIREN="491011698"');
    const xml = message!.content.toString('latin1');
    expect(xml).toContain(`<actes:${COURRIER_KIND[code]} `);
    expect(xml).toContain(`actes:IDActe="${idActe}"`);
    expect(xml).toContain(`<actes:NomFichier>${idActe}-${code}_1.pdf</actes:NomFichier>`);
    if (code === '5-1') expect(xml).toContain('<actes:DateDepot>2018-01-15</actes:DateDepot>');
    else expect(xml).toContain('actes:DateCourrierPref="2018-01-15"');
    expect(checkPdf(pdf!.content)).toMatchObject({ ok: true, problems: [] });
  });

  it('carries the text asked as DescriptionPieces, Motif or NatureIllegalite, escaped for ISO-8859-1', async () => {
    const text = 'Délibération & annexes <2>, coût en €';
    const element = { '3-1': 'DescriptionPieces', '4-1': 'Motif', '5-1': 'NatureIllegalite' } as const;
    for (const code of ['3-1', '4-1', '5-1'] as const) {
      const courrier = buildCourrier({ code, idActe, text }, context);
      const xml = courrier.files[1]!.content;
      expect(xml.toString('latin1')).toContain(`<actes:${element[code]}>Délibération &amp; annexes &lt;2&gt;, coût en &#8364;</actes:${element[code]}>`);
      expect(await schemaErrors(courrier.files)).toEqual([]);
    }
  });

  it('names the collectivité of the IDActe', () => {
    expect(recipientOf('02A-212000012-20240101-N1-AR')).toEqual({ departement: '02A', siren: '212000012' });
  });
});

describe('buildAccuse', () => {
  it.each([
    ['3-5', 'ARPieceComplementaire'],
    ['4-5', 'ARReponseRejetLettreObservations'],
  ] as const)('writes a %s %s naming the letter, valid against actesv1_1.xsd', async (code, kind) => {
    const accuse = buildAccuse(code, { idActe, dateCourrierPref: '2018-01-15' }, { date: '2018-01-20', sequence: 9 });
    expect(accuse.kind).toBe(kind);
    expect(accuse.files.map((file) => file.name)).toEqual(['EACT--PREF034-491011698-20180120-9.xml', `${idActe}-${code}_0.xml`]);
    expect(await schemaErrors(accuse.files)).toEqual([]);
    const xml = accuse.files[1]!.content.toString('latin1');
    expect(xml).toContain('actes:DateReception="2018-01-20"');
    expect(xml).toContain(`<actes:InfosCourrierPref actes:IDActe="${idActe}" actes:DateCourrierPref="2018-01-15"/>`);
  });
});

describe('letterPdf', () => {
  it('makes a one-page PDF that a PDF library opens, whatever the text', async () => {
    const pdf = letterPdf('Lettre d’observations (test)', ['Acte 034-…', 'x'.repeat(400), 'œuvre \\ (parenthèses) 中文']);
    expect(checkPdf(pdf)).toMatchObject({ ok: true, objects: 5 });
    const document = await PDFDocument.load(pdf);
    expect(document.getPageCount()).toBe(1);
    expect(pdf.toString('latin1')).toContain('(oeuvre \\\\ \\(parenth\u00e8ses\\) ??) Tj');
    expect(letterPdf('A', ['b']).equals(letterPdf('A', ['b']))).toBe(true);
  });
});
