import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors as schemaErrors } from '@relais/testing';

import { acteXml, type ActeMessageInput } from './archive.acte-xml.js';
import { enveloppeXml, type EnveloppeInput } from './archive.enveloppe-xml.js';
import { ActesArchiveError, ActesArchiveErrorCode } from './archive.errors.js';
import { xmlAttribute } from './archive.latin1-xml.js';

function refusal(build: () => unknown): ActesArchiveError {
  try {
    build();
  } catch (error) {
    if (error instanceof ActesArchiveError) return error;
    throw error;
  }
  throw new Error('expected an ActesArchiveError, nothing was thrown');
}

const enveloppe: EnveloppeInput = {
  collectivite: {
    siren: '491011698',
    departement: '034',
    arrondissement: '1',
    nature: '31',
    referent: { nom: 'Françoise Hélary', telephone: '04 67 00 00 00', email: 'f.helary@mairie-exemple.fr' },
  },
  adressesRetour: ['actes@relais.example.org', 'secours@relais.example.org'],
  formulaires: ['034-491011698-20171207-CL20171227_06-DE-1-1_0.xml'],
};

const acte: ActeMessageInput = {
  dateDecision: '2017-12-07',
  numeroInterne: 'CL20171227_06',
  nature: 1,
  classification: '7.1.2',
  objet: 'Décision modificative n°2 : façade de l\'école <"A&B">',
  classificationDateVersion: '2017-11-13',
  documentPapier: false,
  nomDocument: '99_DE-034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf',
  nomsAnnexes: [
    '99_AI-034-491011698-20171207-CL20171227_06-DE-1-1_2.pdf',
    '41_NC-034-491011698-20171207-CL20171227_06-DE-1-1_3.png',
  ],
};

describe('enveloppeXml', () => {
  it('writes an EnveloppeCLMISILL valid against actesv1_1.xsd', async () => {
    const bytes = enveloppeXml(enveloppe);
    expect(await schemaErrors('enveloppe.xml', bytes)).toEqual([]);
  });

  it('is valid without a referent and with a single return address', async () => {
    const bytes = enveloppeXml({
      ...enveloppe,
      collectivite: { ...enveloppe.collectivite, departement: '02A', referent: undefined },
      adressesRetour: ['actes@relais.example.org'],
    });
    expect(await schemaErrors('enveloppe-minimale.xml', bytes)).toEqual([]);
    expect(bytes.toString('latin1')).not.toContain('Referent');
  });

  it('declares ISO-8859-1 and writes é and ç as single Latin-1 bytes', () => {
    const bytes = enveloppeXml(enveloppe);
    expect(bytes.subarray(0, 44).toString('latin1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n');
    expect(bytes.includes(Buffer.from([0x46, 0x72, 0x61, 0x6e, 0xe7, 0x6f, 0x69, 0x73, 0x65]))).toBe(true); // Françoise
    expect(bytes.includes(Buffer.from('Françoise', 'utf8'))).toBe(false);
  });

  it('refuses a return address the schema would refuse', () => {
    const error = refusal(() => enveloppeXml({ ...enveloppe, adressesRetour: ['pas une adresse'] }));
    expect([error.code, error.field]).toEqual([ActesArchiveErrorCode.InvalidEmail, 'adressesRetour[0]']);
  });

  it('refuses an envelope without a return address', () => {
    expect(refusal(() => enveloppeXml({ ...enveloppe, adressesRetour: [] })).code).toBe(
      ActesArchiveErrorCode.MissingAdresseRetour,
    );
  });

  it('refuses an envelope that lists no message', () => {
    expect(refusal(() => enveloppeXml({ ...enveloppe, formulaires: [] })).code).toBe(ActesArchiveErrorCode.MissingFormulaire);
  });

  it('refuses a referent name outside Latin-1 instead of mangling it', () => {
    const error = refusal(() =>
      enveloppeXml({ ...enveloppe, collectivite: { ...enveloppe.collectivite, referent: { nom: 'Œuvre € 2024' } } }),
    );
    expect([error.code, error.field]).toEqual([ActesArchiveErrorCode.NotLatin1, 'referent.nom']);
  });
});

describe('acteXml', () => {
  it('writes a 1-1 Acte valid against actesv1_1.xsd', async () => {
    expect(await schemaErrors('acte.xml', acteXml(acte))).toEqual([]);
  });

  it('is valid with two classification levels, no annex, a paper copy and a previous IDActe', async () => {
    const bytes = acteXml({
      ...acte,
      classification: '1.1',
      nomsAnnexes: [],
      documentPapier: true,
      precedentIdActe: '034-491011698-20171201-CL20171201_01-DE',
    });
    expect(await schemaErrors('acte-minimal.xml', bytes)).toEqual([]);
    const xml = bytes.toString('latin1');
    expect(xml).toContain('<actes:Annexes actes:Nombre="0"/>');
    expect(xml).toContain('<actes:DocumentPapier>O</actes:DocumentPapier>');
    expect(xml).toContain('<actes:PrecedentIdentifiantActe actes:IDActe="034-491011698-20171201-CL20171201_01-DE"/>');
  });

  it('carries the detached signatures of the signed files in their Signature elements, base64, still valid', async () => {
    const signature = Buffer.from([0x30, 0x82, 0x01, 0x02, 0xff, 0x00]);
    const bytes = acteXml({ ...acte, signatureDocument: signature, signaturesAnnexes: [undefined, signature] });
    expect(await schemaErrors('acte-signed.xml', bytes)).toEqual([]);
    const xml = bytes.toString('latin1');
    expect(xml).toContain(`_1.pdf</actes:NomFichier><actes:Signature>${signature.toString('base64')}</actes:Signature></actes:Document>`);
    expect(xml.match(/<actes:Signature>/g)).toHaveLength(2);
  });

  it('is valid with the five classification levels', async () => {
    expect(await schemaErrors('acte-5.xml', acteXml({ ...acte, classification: '1.2.3.4.5' }))).toEqual([]);
  });

  it('writes the metadata the State reads', () => {
    const xml = acteXml(acte).toString('latin1');
    expect(xml).toContain('actes:Date="2017-12-07" actes:NumeroInterne="CL20171227_06" actes:CodeNatureActe="1"');
    expect(xml).toContain('<actes:CodeMatiere1 actes:CodeMatiere="7"/>');
    expect(xml).toContain('<actes:CodeMatiere2 actes:CodeMatiere="1"/>');
    expect(xml).toContain('<actes:CodeMatiere3 actes:CodeMatiere="2"/>');
    expect(xml).not.toContain('CodeMatiere4');
    expect(xml).toContain('<actes:Annexes actes:Nombre="2">');
    expect(xml).toContain('<actes:DocumentPapier>N</actes:DocumentPapier>');
  });

  it('escapes <, & and " in text', () => {
    const xml = acteXml(acte).toString('latin1');
    expect(xml).toContain('<actes:Objet>Décision modificative n°2 : façade de l\'école &lt;"A&amp;B"&gt;</actes:Objet>');
  });

  it('writes é, ç and ° as single Latin-1 bytes', () => {
    const bytes = acteXml(acte);
    expect(bytes.includes(Buffer.from([0x44, 0xe9, 0x63, 0x69, 0x73, 0x69, 0x6f, 0x6e]))).toBe(true); // Décision
    expect(bytes.includes(Buffer.from([0x66, 0x61, 0xe7, 0x61, 0x64, 0x65]))).toBe(true); // façade
    expect(bytes.includes(Buffer.from([0x6e, 0xb0, 0x32]))).toBe(true); // n°2
    expect(bytes.includes(Buffer.from('é', 'utf8'))).toBe(false);
  });

  it.each([
    ['€ (U+20AC)', 'Budget 2024 : 1 000 €'],
    ['œ (U+0153)', 'Cœur de ville'],
    ['an emoji (astral plane)', 'Fête 🎉'],
    ['a typographic apostrophe (U+2019)', 'Délibération d’approbation'],
  ])('refuses %s in the Objet with ACTES.NOT_LATIN1', (_label, objet) => {
    const error = refusal(() => acteXml({ ...acte, objet }));
    expect([error.code, error.field]).toEqual([ActesArchiveErrorCode.NotLatin1, 'objet']);
  });

  it('refuses a control character XML forbids', () => {
    expect(refusal(() => acteXml({ ...acte, objet: 'bell \u0007' })).code).toBe(
      ActesArchiveErrorCode.XmlForbiddenCharacter,
    );
  });

  it.each([
    ['an Objet over 500 characters', { objet: 'x'.repeat(501) }, ActesArchiveErrorCode.InvalidObjet],
    ['a single-level classification', { classification: '7' }, ActesArchiveErrorCode.InvalidClassification],
    ['a six-level classification', { classification: '1.2.3.4.5.6' }, ActesArchiveErrorCode.InvalidClassification],
    ['an impossible date', { dateDecision: '2023-02-30' }, ActesArchiveErrorCode.InvalidDate],
    ['a numéro interne of 16 characters', { numeroInterne: 'A234567890123456' }, ActesArchiveErrorCode.InvalidNumeroInterne],
    ['a malformed previous IDActe', { precedentIdActe: '034-49101169-20171201-X-DE' }, ActesArchiveErrorCode.InvalidIdActe],
  ] as const)('refuses %s', (_label, change, code) => {
    expect(refusal(() => acteXml({ ...acte, ...change })).code).toBe(code);
  });

  it('is checked by a validator that does refuse what the schema refuses', async () => {
    const tampered = Buffer.from(acteXml(acte).toString('latin1').replace('actes:Nombre="2"', 'actes:Nombre="deux"'), 'latin1');
    expect(await schemaErrors('acte-altere.xml', tampered)).not.toEqual([]);
    const reordered = Buffer.from(
      acteXml(acte).toString('latin1').replace('<actes:CodeMatiere2 actes:CodeMatiere="1"/>', ''),
      'latin1',
    );
    expect(await schemaErrors('acte-sans-matiere2.xml', reordered)).not.toEqual([]);
  });

  it('accepts an Objet of exactly 500 characters, which the schema allows', async () => {
    expect(await schemaErrors('acte-500.xml', acteXml({ ...acte, objet: 'é'.repeat(500) }))).toEqual([]);
  });
});

describe('xmlAttribute', () => {
  it('escapes <, &, " and whitespace that parsers would normalise', () => {
    expect(xmlAttribute('a<b & "c"\td\ne', 'test')).toBe('a&lt;b &amp; &quot;c&quot;&#9;d&#10;e');
  });
});
