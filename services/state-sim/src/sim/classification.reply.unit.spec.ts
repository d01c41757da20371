import { describe, expect, it } from '@jest/globals';
import { isXmlElement, parseActesXml } from '@relais/actes';
import { actesSchemaErrors } from '@relais/testing';
import { readFileSync } from 'node:fs';

import { DEFAULT_CLASSIFICATION_FILE } from '../config.js';
import { type Classification, parseClassification } from './classification.catalogue.js';
import type { ClassificationDelivery } from './classification.read.js';
import { buildClassificationReply, needsClassification, retourClassificationXml } from './classification.reply.js';

const json = JSON.parse(readFileSync(DEFAULT_CLASSIFICATION_FILE, 'utf8')) as { version: string; codes: string[]; natures: Record<string, string[]> };
const classification: Classification = parseClassification(json, DEFAULT_CLASSIFICATION_FILE);

const delivery = (dateClassification?: string): ClassificationDelivery => ({
  archiveName: 'RLS-EACT--491011698--20180110-3.tar.gz',
  siren: '491011698',
  departement: '034',
  messageName: '034-491011698----7-1_1.xml',
  dateClassification,
});
const context = { date: '2018-01-10', sequence: 4 };

type Node = Record<string, unknown>;
const LISTS = new Set(['NatureActe', 'TypePJNatureActe', 'Matiere1', 'Matiere2', 'Matiere3', 'Matiere4', 'Matiere5']);
const list = (node: Node, name: string): Node[] => ((node[name] as unknown[] | undefined) ?? []).filter(isXmlElement);

/** The codes `7`, `7.1`, `7.1.2`… of a parsed `Matieres`, depth first. */
function codes(node: Node, level: number, prefix: string): string[] {
  return list(node, `Matiere${level}`).flatMap((matiere) => {
    const code = `${prefix}${String(matiere['@_CodeMatiere'])}`;
    return [code, ...codes(matiere, level + 1, `${code}.`)];
  });
}

describe('the 7-2 RetourClassification', () => {
  it('holds exactly the codes and natures of config/classification-default.json, and is valid against actesv1_1.xsd', async () => {
    const xml = retourClassificationXml({ classification, date: '2019-03-01' });
    expect(await actesSchemaErrors('retour.xml', xml)).toEqual([]);

    const root = parseActesXml(xml, { isArray: (name) => LISTS.has(name) })['RetourClassification'] as Node;
    expect(root['DateClassification']).toBe('2019-03-01');
    expect(codes(root['Matieres'] as Node, 1, '')).toEqual(json.codes);
    const natures = Object.fromEntries(
      list(root['NaturesActes'] as Node, 'NatureActe').map((nature) => [
        nature['@_TypeAbrege'],
        list(nature, 'TypePJNatureActe').map((typePJ) => typePJ['@_CodeTypePJ']),
      ]),
    );
    expect(natures).toEqual(json.natures);
    const text = xml.toString('latin1');
    expect(text).toContain('actes:CodeNatureActe="1" actes:Libelle="Délibérations" actes:TypeAbrege="DE"');
    expect(text).toContain('<actes:Matiere1 actes:CodeMatiere="7" actes:Libelle="Finances locales">');
    expect(text).toContain('<actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Décisions budgétaires">');
    expect(text).toContain('<actes:Matiere3 actes:CodeMatiere="2" actes:Libelle="Matière 7.1.2"/>');
    expect(text).toContain('actes:Libelle="V&#339;ux et motions"');
  });

  it('is sent, named DPT-SIREN----7-2_0.xml, to a collectivité holding no classification or an older one', async () => {
    for (const held of [undefined, '2019-02-28']) {
      const reply = buildClassificationReply(delivery(held), { classification, date: '2019-03-01' }, context);
      expect(reply.kind).toBe('RetourClassification');
      expect(reply.files.map((file) => file.name)).toEqual(['EACT--PREF034-491011698-20180110-4.xml', '034-491011698----7-2_0.xml']);
      expect(await actesSchemaErrors(reply.files[0].name, reply.files[0].content)).toEqual([]);
    }
  });
});

describe('the 7-3 ReponseClassificationSansChangement', () => {
  it('answers a collectivité holding the current classification or a later one, valid against actesv1_1.xsd', async () => {
    for (const held of ['2019-03-01', '2020-01-01']) {
      const reply = buildClassificationReply(delivery(held), { classification, date: '2019-03-01' }, context);
      expect(reply.kind).toBe('ReponseClassificationSansChangement');
      const [envelope, message] = reply.files;
      expect(message?.name).toBe('034-491011698----7-3_0.xml');
      expect(message?.content.toString('latin1')).toContain('<actes:DateClassification>2019-03-01</actes:DateClassification>');
      expect(await actesSchemaErrors(message!.name, message!.content)).toEqual([]);
      expect(await actesSchemaErrors(envelope.name, envelope.content)).toEqual([]);
      expect(envelope.content.toString('latin1')).toContain('<actes:Destinataire insee:SIREN="491011698"/>');
    }
  });

  it('is decided on the dates alone', () => {
    expect(needsClassification(undefined, '2019-03-01')).toBe(true);
    expect(needsClassification('2019-02-28', '2019-03-01')).toBe(true);
    expect(needsClassification('2019-03-01', '2019-03-01')).toBe(false);
  });
});

describe('parseClassification', () => {
  const base = { version: '2019-03-01', codes: ['1', '1.1'], natures: { DE: ['99_DE'] } };

  it('reads the platform default', () => {
    expect(classification.version).toBe(json.version);
    expect(classification.codes).toEqual(json.codes);
    expect(classification.natures.map((nature) => nature.abbreviation)).toEqual(Object.keys(json.natures));
  });

  it.each([
    ['a version that is no date', { ...base, version: '2019-02-30' }, /version/],
    ['a code before its parent', { ...base, codes: ['1', '2.1', '2'] }, /2\.1 comes without its parent 2/],
    ['a matière without level 2', { ...base, codes: ['1', '1.1', '2'] }, /matière 2 has no level-2/],
    ['an unknown nature', { ...base, natures: { XX: ['99_DE'] } }, /XX is not a nature/],
    ['a nature without piece type', { ...base, natures: { DE: [] } }, /natures.DE/],
    ['a piece type of another shape', { ...base, natures: { DE: ['99DE'] } }, /not a piece type/],
  ])('refuses %s', (_, value, message) => {
    expect(() => parseClassification(value, 'test.json')).toThrow(message);
  });
});
