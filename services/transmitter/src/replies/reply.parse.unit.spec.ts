import { describe, expect, it } from '@jest/globals';
import { parseReply, type ReplyFile } from './reply.parse.js';
import { replyCommand } from './reply.command.js';

/* Replies in the shape the State simulator writes them (services/state-sim reply.xml.ts), ISO-8859-1. */
const NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
const INSEE = 'http://xml.insee.fr/schema';
const ID_ACTE = '034-491011698-20171207-CL20171227_06-DE';

function latin1(lines: readonly string[]): Buffer {
  return Buffer.from(['<?xml version="1.0" encoding="ISO-8859-1"?>', ...lines, ''].join('\n'), 'latin1');
}

const acteRecu = [
  '  <actes:ActeRecu actes:Date="2017-12-07" actes:NumeroInterne="CL20171227_06" actes:CodeNatureActe="1">',
  '    <actes:CodeMatiere1 actes:CodeMatiere="7"/>',
  '    <actes:CodeMatiere2 actes:CodeMatiere="1"/>',
  '    <actes:Objet>Budget primitif : décision n°6 &lt;"A&amp;B"&gt;</actes:Objet>',
  '    <actes:ClassificationDateVersion>2017-11-13</actes:ClassificationDateVersion>',
  '    <actes:Document><actes:NomFichier>99_DE-034-491011698-20171207-CL20171227_06-DE-1-1_1.pdf</actes:NomFichier></actes:Document>',
  '    <actes:Annexes actes:Nombre="0"/>',
  '    <actes:DocumentPapier>N</actes:DocumentPapier>',
  '  </actes:ActeRecu>',
];

function envelope(messageName: string, siren = '491011698'): ReplyFile {
  return {
    name: `EACT--PREF034-${siren}-20260105-1.xml`,
    content: latin1([
      `<actes:EnveloppeMISILLCL xmlns:actes="${NS}" xmlns:insee="${INSEE}">`,
      '  <actes:Emetteur>',
      '    <actes:IDPref actes:Departement="034"/>',
      '  </actes:Emetteur>',
      '  <actes:FormulairesEnvoyes>',
      `    <actes:Formulaire><actes:NomFichier>${messageName}</actes:NomFichier></actes:Formulaire>`,
      '  </actes:FormulairesEnvoyes>',
      `  <actes:Destinataire insee:SIREN="${siren}"/>`,
      '</actes:EnveloppeMISILLCL>',
    ]),
  };
}

const arActe: ReplyFile = {
  name: `${ID_ACTE}-1-2_0.xml`,
  content: latin1([
    `<actes:ARActe xmlns:actes="${NS}" actes:IDActe="${ID_ACTE}" actes:DateReception="2026-01-05">`,
    ...acteRecu,
    '  <actes:ClassificationDateVersionEnCours>2017-11-13</actes:ClassificationDateVersionEnCours>',
    '</actes:ARActe>',
  ]),
};

const anomalieActe: ReplyFile = {
  name: `${ID_ACTE}-1-3_0.xml`,
  content: latin1([
    `<actes:AnomalieActe xmlns:actes="${NS}">`,
    '  <actes:Date>2026-01-05</actes:Date>',
    '  <actes:Nature>001</actes:Nature>',
    '  <actes:Detail>Pièce illisible &amp; incomplète</actes:Detail>',
    ...acteRecu,
    '  <actes:ClassificationDateVersionEnCours>2017-11-13</actes:ClassificationDateVersionEnCours>',
    '</actes:AnomalieActe>',
  ]),
};

describe('parseReply', () => {
  it('reads a 1-2 ARActe: the IDActe, the day of reception and the acte it names', () => {
    expect(parseReply([envelope(arActe.name), arActe])).toEqual({
      kind: 'ARActe',
      messageName: arActe.name,
      idActe: ID_ACTE,
      siren: '491011698',
      numeroInterne: 'CL20171227_06',
      dateReception: '2026-01-05',
    });
  });

  it('reads a 1-3 AnomalieActe: its code and its detail, decoded from Latin-1 and entities', () => {
    expect(parseReply([envelope(anomalieActe.name), anomalieActe])).toEqual({
      kind: 'AnomalieActe',
      messageName: anomalieActe.name,
      idActe: ID_ACTE,
      siren: '491011698',
      numeroInterne: 'CL20171227_06',
      date: '2026-01-05',
      nature: '001',
      detail: 'Pièce illisible & incomplète',
    });
  });

  it('reads a reply without its envelope', () => {
    expect(parseReply([arActe])).toMatchObject({ kind: 'ARActe', idActe: ID_ACTE });
  });

  it('tells another message apart, without refusing it', () => {
    const courrier: ReplyFile = {
      name: `${ID_ACTE}-2-1_0.xml`,
      content: latin1([`<actes:CourrierSimple xmlns:actes="${NS}" actes:IDActe="${ID_ACTE}"/>`]),
    };
    expect(parseReply([envelope(courrier.name), courrier])).toEqual({ kind: 'other', root: 'CourrierSimple', messageName: courrier.name });
  });

  it('refuses a reply whose envelope is for another collectivité', () => {
    expect(() => parseReply([envelope(arActe.name, '212102313'), arActe])).toThrow('the envelope is for SIREN 212102313');
  });

  it('refuses a DOCTYPE, malformed XML, a missing message and an ARActe without its IDActe', () => {
    const withDoctype: ReplyFile = {
      name: arActe.name,
      content: Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><actes:ARActe/>', 'latin1'),
    };
    expect(() => parseReply([withDoctype])).toThrow('a DOCTYPE is not accepted');
    expect(() => parseReply([{ name: arActe.name, content: Buffer.from('<actes:ARActe>', 'latin1') }])).toThrow('not well-formed XML');
    expect(() => parseReply([envelope(arActe.name)])).toThrow('expected one business message');
    const anonymous: ReplyFile = {
      name: 'reponse.xml',
      content: latin1([`<actes:ARActe xmlns:actes="${NS}" actes:DateReception="2026-01-05"/>`]),
    };
    expect(() => parseReply([anonymous])).toThrow('no IDActe');
  });
});

describe('replyCommand', () => {
  it('records an ARActe as the acknowledgment and an AnomalieActe as a refusal of the acte', () => {
    const ack = parseReply([arActe]);
    const nack = parseReply([anomalieActe]);
    if (ack.kind === 'other' || nack.kind === 'other' || ack.kind === 'ARAnnulation' || nack.kind === 'ARAnnulation') {
      throw new Error('expected answers to an acte');
    }
    expect(replyCommand(ack, 't-1', '2026-01-05T10:00:00.000Z')).toEqual({
      type: 'RecordAcknowledgment',
      data: {
        transmissionId: 't-1',
        at: '2026-01-05T10:00:00.000Z',
        acknowledgment: { kind: 'acte', idActe: ID_ACTE, dateReception: '2026-01-05' },
      },
    });
    expect(replyCommand(nack, 't-1', '2026-01-05T10:00:00.000Z')).toEqual({
      type: 'RecordNack',
      data: {
        transmissionId: 't-1',
        at: '2026-01-05T10:00:00.000Z',
        source: 'acte_anomaly',
        reasonCode: '001',
        detail: 'Pièce illisible & incomplète',
      },
    });
  });
});

describe('parseReply of a 6-2 ARAnnulation', () => {
  const messageName = `${ID_ACTE}-6-2_0.xml`;
  const arAnnulation: ReplyFile = {
    name: messageName,
    content: latin1([`<actes:ARAnnulation xmlns:actes="${NS}" actes:IDActe="${ID_ACTE}" actes:DateReception="2026-02-01"/>`]),
  };

  it('reads the IDActe and the day of reception', () => {
    expect(parseReply([envelope(messageName), arAnnulation])).toEqual({
      kind: 'ARAnnulation',
      messageName,
      idActe: ID_ACTE,
      siren: '491011698',
      dateReception: '2026-02-01',
    });
  });

  it('refuses one addressed to another SIREN than its acte’s, or without a date', () => {
    expect(() => parseReply([envelope(messageName, '212102313'), arAnnulation])).toThrow('the envelope is for SIREN');
    const undated: ReplyFile = {
      name: messageName,
      content: latin1([`<actes:ARAnnulation xmlns:actes="${NS}" actes:IDActe="${ID_ACTE}"/>`]),
    };
    expect(() => parseReply([undated])).toThrow('DateReception is missing');
  });
});
