import { describe, expect, it } from '@jest/globals';
import { actesSchemaErrors as schemaErrors } from '@relais/testing';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ACTES_NAMESPACE, INSEE_NAMESPACE, LATIN1_XML_DECLARATION } from '../archive/archive.latin1-xml.js';
import { PrefectureMessageError, PrefectureMessageErrorCode } from './prefecture.errors.js';
import { parsePrefectureMessage } from './prefecture.parse.js';
import type { PrefectureFile, PrefectureMessage } from './prefecture.types.js';

const SIREN = '212102313';
const ID = `021-${SIREN}-20261127-DELIB_1-DE`;
const NS = `xmlns:actes="${ACTES_NAMESPACE}"`;
const NS_INSEE = `${NS} xmlns:insee="${INSEE_NAMESPACE}"`;

const latin1 = (lines: readonly string[]): Buffer => Buffer.from([LATIN1_XML_DECLARATION, ...lines, ''].join('\n'), 'latin1');
const pdf = (text: string): Buffer => Buffer.from(`%PDF-1.4 ${text} %%EOF`);

function envelope(formulaires: readonly string[], siren = SIREN): PrefectureFile {
  return {
    name: `EACT--PREF021-${siren}-20261130-7.xml`,
    content: latin1([
      `<actes:EnveloppeMISILLCL ${NS_INSEE}>`,
      '  <actes:Emetteur><actes:IDPref actes:Departement="021"/></actes:Emetteur>',
      '  <actes:FormulairesEnvoyes>',
      ...formulaires.map((name) => `    <actes:Formulaire><actes:NomFichier>${name}</actes:NomFichier></actes:Formulaire>`),
      '  </actes:FormulairesEnvoyes>',
      `  <actes:Destinataire insee:SIREN="${siren}"/>`,
      '</actes:EnveloppeMISILLCL>',
    ]),
  };
}

const ACTE_RECU = [
  '  <actes:ActeRecu actes:Date="2026-11-27" actes:NumeroInterne="DELIB_1" actes:CodeNatureActe="1">',
  '    <actes:CodeMatiere1 actes:CodeMatiere="7"/>',
  '    <actes:CodeMatiere2 actes:CodeMatiere="1"/>',
  '    <actes:Objet>Budget primitif : l&apos;école &amp; la crèche</actes:Objet>',
  '    <actes:ClassificationDateVersion>2019-03-01</actes:ClassificationDateVersion>',
  `    <actes:Document><actes:NomFichier>99_DE-${ID}-1-1_1.pdf</actes:NomFichier></actes:Document>`,
  '    <actes:Annexes actes:Nombre="0"/>',
  '    <actes:DocumentPapier>N</actes:DocumentPapier>',
  '  </actes:ActeRecu>',
];

/** Each préfecture message, hand-written as the schema shapes it, with the files that come with it. */
const MESSAGES: Record<string, { readonly message: PrefectureFile; readonly documents: readonly PrefectureFile[] }> = {
  '1-2': {
    message: {
      name: `${ID}-1-2_0.xml`,
      content: latin1([
        `<actes:ARActe ${NS} actes:IDActe="${ID}" actes:DateReception="2026-11-30">`,
        ...ACTE_RECU,
        '  <actes:ClassificationDateVersionEnCours>2024-06-01</actes:ClassificationDateVersionEnCours>',
        '</actes:ARActe>',
      ]),
    },
    documents: [],
  },
  '1-3': {
    message: {
      name: `${ID}-1-3_0.xml`,
      content: latin1([
        `<actes:AnomalieActe ${NS}>`,
        '  <actes:Date>2026-11-30</actes:Date>',
        '  <actes:Nature>012</actes:Nature>',
        '  <actes:Detail>Classification inconnue &lt;7.9&gt; : « voir la préfecture »</actes:Detail>',
        ...ACTE_RECU,
        '  <actes:ClassificationDateVersionEnCours>2024-06-01</actes:ClassificationDateVersionEnCours>',
        '</actes:AnomalieActe>',
      ]),
    },
    documents: [],
  },
  enveloppe: {
    message: {
      name: `ANO_EACT--${SIREN}--20261127-12.xml`,
      content: latin1([
        `<actes:AnomalieEnveloppe ${NS_INSEE}>`,
        '  <actes:Date>2026-11-28</actes:Date>',
        '  <actes:Nature>003</actes:Nature>',
        '  <actes:Detail>Archive illisible</actes:Detail>',
        '  <actes:EnveloppeRecue>',
        `    <actes:Emetteur><actes:IDCL insee:SIREN="${SIREN}" actes:Departement="021" actes:Arrondissement="1" actes:Nature="31"/></actes:Emetteur>`,
        '    <actes:AdressesRetour><actes:Email>actes@relais.example.org</actes:Email></actes:AdressesRetour>',
        `    <actes:FormulairesEnvoyes><actes:Formulaire><actes:NomFichier>${ID}-1-1_0.xml</actes:NomFichier></actes:Formulaire></actes:FormulairesEnvoyes>`,
        '  </actes:EnveloppeRecue>',
        '</actes:AnomalieEnveloppe>',
      ]),
    },
    documents: [],
  },
  '2-1': {
    message: {
      name: `${ID}-2-1_0.xml`,
      content: latin1([
        `<actes:CourrierSimple ${NS} actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-01">`,
        `  <actes:Document><actes:NomFichier>${ID}-2-1_1.pdf</actes:NomFichier></actes:Document>`,
        '</actes:CourrierSimple>',
      ]),
    },
    documents: [{ name: `${ID}-2-1_1.pdf`, content: pdf('courrier') }],
  },
  '3-1': {
    message: {
      name: `${ID}-3-1_0.xml`,
      content: latin1([
        `<actes:DemandePieceComplementaire ${NS} actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-02">`,
        '  <actes:DescriptionPieces>Le rapport de présentation et l&apos;avis de la commission</actes:DescriptionPieces>',
        `  <actes:Document><actes:NomFichier>${ID}-3-1_1.pdf</actes:NomFichier></actes:Document>`,
        '</actes:DemandePieceComplementaire>',
      ]),
    },
    documents: [{ name: `${ID}-3-1_1.pdf`, content: pdf('demande') }],
  },
  '3-5': {
    message: {
      name: `${ID}-3-5_0.xml`,
      content: latin1([
        `<actes:ARPieceComplementaire ${NS} actes:DateReception="2026-12-10">`,
        `  <actes:InfosCourrierPref actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-02"/>`,
        '</actes:ARPieceComplementaire>',
      ]),
    },
    documents: [],
  },
  '4-1': {
    message: {
      name: `${ID}-4-1_0.xml`,
      content: latin1([
        `<actes:LettreObservations ${NS} actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-03">`,
        '  <actes:Motif>Incompétence de l&apos;auteur de l&apos;acte</actes:Motif>',
        `  <actes:Document><actes:NomFichier>${ID}-4-1_1.pdf</actes:NomFichier></actes:Document>`,
        '</actes:LettreObservations>',
      ]),
    },
    documents: [{ name: `${ID}-4-1_1.pdf`, content: pdf('lettre') }],
  },
  '4-5': {
    message: {
      name: `${ID}-4-5_0.xml`,
      content: latin1([
        `<actes:ARReponseRejetLettreObservations ${NS} actes:DateReception="2026-12-20">`,
        `  <actes:InfosCourrierPref actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-03"/>`,
        '</actes:ARReponseRejetLettreObservations>',
      ]),
    },
    documents: [],
  },
  '5-1': {
    message: {
      name: `${ID}-5-1_0.xml`,
      content: latin1([
        `<actes:DefereTA ${NS} actes:IDActe="${ID}">`,
        '  <actes:DateDepot>2027-01-15</actes:DateDepot>',
        '  <actes:NatureIllegalite>Vice de procédure</actes:NatureIllegalite>',
        '  <actes:PiecesJointes>',
        `    <actes:PieceJointe><actes:NomFichier>${ID}-5-1_1.pdf</actes:NomFichier></actes:PieceJointe>`,
        `    <actes:PieceJointe><actes:NomFichier>${ID}-5-1_2.pdf</actes:NomFichier></actes:PieceJointe>`,
        '  </actes:PiecesJointes>',
        '</actes:DefereTA>',
      ]),
    },
    documents: [
      { name: `${ID}-5-1_2.pdf`, content: pdf('requete') },
      { name: `${ID}-5-1_1.pdf`, content: pdf('memoire') },
    ],
  },
  '6-2': {
    message: {
      name: `${ID}-6-2_0.xml`,
      content: latin1([`<actes:ARAnnulation ${NS} actes:IDActe="${ID}" actes:DateReception="2026-12-05"/>`]),
    },
    documents: [],
  },
  '7-2': {
    message: {
      name: `021-${SIREN}----7-2_1.xml`,
      content: readFileSync(fileURLToPath(new URL('../../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url))),
    },
    documents: [],
  },
  '7-3': {
    message: {
      name: `021-${SIREN}----7-3_1.xml`,
      content: latin1([
        `<actes:ReponseClassificationSansChangement ${NS}>`,
        '  <actes:DateClassification>2019-03-01</actes:DateClassification>',
        '</actes:ReponseClassificationSansChangement>',
      ]),
    },
    documents: [],
  },
};

/** What each message reads as. */
const EXPECTED: Record<string, PrefectureMessage> = {
  '1-2': {
    code: '1-2',
    messageName: `${ID}-1-2_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    dateReception: '2026-11-30',
    classificationDateVersionEnCours: '2024-06-01',
  },
  '1-3': {
    code: '1-3',
    messageName: `${ID}-1-3_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    date: '2026-11-30',
    nature: '012',
    detail: 'Classification inconnue <7.9> : « voir la préfecture »',
  },
  enveloppe: {
    code: 'enveloppe',
    messageName: `ANO_EACT--${SIREN}--20261127-12.xml`,
    date: '2026-11-28',
    nature: '003',
    detail: 'Archive illisible',
    siren: SIREN,
    envelopeName: `EACT--${SIREN}--20261127-12.xml`,
  },
  '2-1': {
    code: '2-1',
    messageName: `${ID}-2-1_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    dateCourrierPref: '2026-12-01',
    text: undefined,
    documents: [{ name: `${ID}-2-1_1.pdf`, content: pdf('courrier') }],
  },
  '3-1': {
    code: '3-1',
    messageName: `${ID}-3-1_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    dateCourrierPref: '2026-12-02',
    text: "Le rapport de présentation et l'avis de la commission",
    documents: [{ name: `${ID}-3-1_1.pdf`, content: pdf('demande') }],
  },
  '3-5': { code: '3-5', messageName: `${ID}-3-5_0.xml`, idActe: ID, siren: SIREN, dateReception: '2026-12-10', dateCourrierPref: '2026-12-02' },
  '4-1': {
    code: '4-1',
    messageName: `${ID}-4-1_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    dateCourrierPref: '2026-12-03',
    text: "Incompétence de l'auteur de l'acte",
    documents: [{ name: `${ID}-4-1_1.pdf`, content: pdf('lettre') }],
  },
  '4-5': { code: '4-5', messageName: `${ID}-4-5_0.xml`, idActe: ID, siren: SIREN, dateReception: '2026-12-20', dateCourrierPref: '2026-12-03' },
  '5-1': {
    code: '5-1',
    messageName: `${ID}-5-1_0.xml`,
    idActe: ID,
    siren: SIREN,
    numeroInterne: 'DELIB_1',
    dateDepot: '2027-01-15',
    natureIllegalite: 'Vice de procédure',
    // In the message's order, not the mail's.
    documents: [
      { name: `${ID}-5-1_1.pdf`, content: pdf('memoire') },
      { name: `${ID}-5-1_2.pdf`, content: pdf('requete') },
    ],
  },
  '6-2': { code: '6-2', messageName: `${ID}-6-2_0.xml`, idActe: ID, siren: SIREN, dateReception: '2026-12-05' },
  '7-2': {
    code: '7-2',
    messageName: `021-${SIREN}----7-2_1.xml`,
    siren: SIREN,
    dateClassification: '2019-03-01',
    xml: MESSAGES['7-2']!.message.content,
  },
  '7-3': { code: '7-3', messageName: `021-${SIREN}----7-3_1.xml`, siren: SIREN, dateClassification: '2019-03-01' },
};

/** The message with its envelope (none for an AnomalieEnveloppe, which comes alone) and its documents. */
function mail(code: string): PrefectureFile[] {
  const { message, documents } = MESSAGES[code]!;
  return code === 'enveloppe' ? [message, ...documents] : [envelope([message.name]), message, ...documents];
}

function refusal(files: readonly PrefectureFile[]): PrefectureMessageError {
  try {
    parsePrefectureMessage(files);
  } catch (error) {
    if (error instanceof PrefectureMessageError) return error;
    throw error;
  }
  throw new Error('expected a PrefectureMessageError, nothing was thrown');
}

/** `message` of `code` with `from` replaced by `to`. */
function altered(code: string, from: string | RegExp, to: string): PrefectureFile {
  const { message } = MESSAGES[code]!;
  return { name: message.name, content: Buffer.from(Buffer.from(message.content).toString('latin1').replace(from, to), 'latin1') };
}

describe('parsePrefectureMessage', () => {
  it('is given fixtures the schema accepts', async () => {
    expect(await schemaErrors('enveloppe.xml', Buffer.from(envelope(['x.xml']).content))).toEqual([]);
    for (const [code, { message }] of Object.entries(MESSAGES)) {
      expect([code, await schemaErrors(message.name, Buffer.from(message.content))]).toEqual([code, []]);
    }
  });

  it.each(Object.keys(MESSAGES))('reads the %s message', (code) => {
    expect(parsePrefectureMessage(mail(code))).toEqual(EXPECTED[code]);
  });

  it('reads a message without its envelope, files in any order, and ignores files the message does not name', () => {
    const { message, documents } = MESSAGES['4-1']!;
    const stray = { name: 'notice.txt', content: Buffer.from('x') };
    expect(parsePrefectureMessage([...documents, stray, message])).toEqual(EXPECTED['4-1']);
  });

  it('tells the 7-2 SIREN by the file name when there is no envelope', () => {
    expect(parsePrefectureMessage([MESSAGES['7-2']!.message])).toMatchObject({ code: '7-2', siren: SIREN });
  });

  it('accepts an xsd:date with a time zone, and an envelope anomaly nature written as an integer', () => {
    expect(parsePrefectureMessage([altered('6-2', 'DateReception="2026-12-05"', 'DateReception="2026-12-05+01:00"')])).toMatchObject({
      dateReception: '2026-12-05',
    });
    expect(parsePrefectureMessage([altered('enveloppe', '<actes:Nature>003', '<actes:Nature>3')])).toMatchObject({ nature: '003' });
  });

  it('has no envelope name when the anomaly file is not named ANO_ + an envelope', () => {
    const { content } = MESSAGES['enveloppe']!.message;
    expect(parsePrefectureMessage([{ name: 'anomalie.xml', content }])).toMatchObject({ code: 'enveloppe', envelopeName: undefined });
  });

  it('refuses a DOCTYPE, in the message or in the envelope', () => {
    const doctype = altered('6-2', '<actes:ARAnnulation', '<!DOCTYPE x [<!ENTITY a "b">]><actes:ARAnnulation');
    const error = refusal([envelope([doctype.name]), doctype]);
    expect([error.code, error.fileName]).toEqual([PrefectureMessageErrorCode.Unreadable, doctype.name]);
    expect(error.message).toContain('DOCTYPE');
    const badEnvelope = { name: envelope([]).name, content: Buffer.from('<!DOCTYPE x><x/>') };
    expect(refusal([badEnvelope, MESSAGES['6-2']!.message]).code).toBe(PrefectureMessageErrorCode.Unreadable);
  });

  it('refuses XML that is not well-formed, no message at all, and two messages', () => {
    const broken = { name: `${ID}-6-2_0.xml`, content: Buffer.from('<actes:ARAnnulation') };
    expect(refusal([broken]).code).toBe(PrefectureMessageErrorCode.Unreadable);
    expect(refusal([envelope([])]).code).toBe(PrefectureMessageErrorCode.Unreadable);
    expect(refusal([MESSAGES['6-2']!.message, MESSAGES['1-2']!.message]).code).toBe(PrefectureMessageErrorCode.Unreadable);
  });

  it('refuses a message the préfecture does not send', () => {
    const acte = { name: `${ID}-1-1_0.xml`, content: latin1([`<actes:Annulation ${NS} actes:IDActe="${ID}"/>`]) };
    const error = refusal([envelope([acte.name]), acte]);
    expect([error.code, error.fileName]).toEqual([PrefectureMessageErrorCode.UnknownMessage, acte.name]);
    expect(error.message).toContain('Annulation');
  });

  it.each([
    ['1-2', 'DateReception is missing', / actes:DateReception="[^"]*"/, ''],
    ['1-2', 'IDActe is missing', / actes:IDActe="[^"]*"/, ''],
    ['6-2', 'DateReception 2026-02-30 is not a date', '2026-12-05', '2026-02-30'],
    ['1-3', 'Nature 12 is not three digits', '<actes:Nature>012', '<actes:Nature>12'],
    ['enveloppe', 'Nature 006 is not 001 to 005 or 100', '<actes:Nature>003', '<actes:Nature>006'],
    ['enveloppe', 'EnveloppeRecue/Emetteur/IDCL@SIREN is missing', / insee:SIREN="[^"]*"/, ''],
    ['3-1', 'DescriptionPieces is missing', /<actes:DescriptionPieces>.*<\/actes:DescriptionPieces>/, ''],
    ['3-5', 'InfosCourrierPref@DateCourrierPref is missing', / actes:DateCourrierPref="[^"]*"/, ''],
    ['5-1', 'DateDepot is missing', '<actes:DateDepot>2027-01-15</actes:DateDepot>', ''],
    ['7-3', 'DateClassification 01/03/2019 is not a date', '2019-03-01', '01/03/2019'],
  ] as const)('refuses a %s whose %s', (code, reason, from, to) => {
    const message = altered(code, from, to);
    const error = refusal([message, ...MESSAGES[code]!.documents]);
    expect([error.code, error.message]).toEqual([PrefectureMessageErrorCode.Invalid, `${message.name}: ${reason}`]);
  });

  it('refuses an AnomalieActe whose file name carries no IDActe', () => {
    const { content } = MESSAGES['1-3']!.message;
    expect(refusal([{ name: 'anomalie-1-3.xml', content }]).message).toBe('anomalie-1-3.xml: IDActe is missing');
  });

  it('refuses an envelope addressed to another collectivité', () => {
    for (const code of ['1-2', '4-1', '7-2']) {
      const { message, documents } = MESSAGES[code]!;
      const error = refusal([envelope([message.name], '999999999'), message, ...documents]);
      expect([code, error.code]).toEqual([code, PrefectureMessageErrorCode.SirenMismatch]);
    }
  });

  it('refuses a letter or a déféré whose documents are not all there', () => {
    const letter = refusal([envelope([`${ID}-2-1_0.xml`]), MESSAGES['2-1']!.message]);
    expect([letter.code, letter.message]).toEqual([
      PrefectureMessageErrorCode.DocumentMissing,
      `${ID}-2-1_0.xml: the document ${ID}-2-1_1.pdf it names is not among the files`,
    ]);
    const defere = refusal([MESSAGES['5-1']!.message, MESSAGES['5-1']!.documents[0]!]);
    expect(defere.code).toBe(PrefectureMessageErrorCode.DocumentMissing);
  });
});
