import { describe, expect, it } from '@jest/globals';
import { parsePesAcquit, parsePesNonAcquit, pesAcquitXml, pesNonAcquitXml, type PesAcquit, type PesAcquitElement } from '@relais/pes';
import { acquitCommand, MAX_NACK_DETAIL_CHARS, nonAcquitCommand, PES_ANOMALY_WITHOUT_CODE, pesOutcomeOf } from './pes-return.command.js';

const at = '2026-01-05T09:00:00.000Z';
const enTete = { idPost: '021000', idColl: '21210231300013', codCol: '001', codBud: '01' };

function acquit(elements: readonly PesAcquitElement[]): PesAcquit {
  return { nomFic: 'PES_MIXTE_0001.xml', enTete, hasAcquitBlock: elements.length > 0, elements };
}

const bordereau = (numBord: string, etatAck: boolean, extra: Partial<PesAcquitElement> = {}): PesAcquitElement => ({
  domaineAck: '5',
  etatAck,
  bordereau: { numBord, exercice: '2026' },
  errors: [],
  pieces: [],
  ...extra,
});
const pj = (idUnique: string, etatAck: boolean, extra: Partial<PesAcquitElement> = {}): PesAcquitElement => ({
  domaineAck: '4',
  etatAck,
  idUnique,
  errors: [],
  pieces: [],
  ...extra,
});

describe('pesOutcomeOf', () => {
  it('names the bordereau by exercice and number, the PJ by IdUnique', () => {
    expect(pesOutcomeOf(bordereau('101', true))).toEqual({ element: { kind: 'bordereau', exercice: 2026, numBord: '101' }, accepted: true, errors: [] });
    expect(pesOutcomeOf(pj('PJ-2026-0001', true))).toEqual({ element: { kind: 'pj', idUnique: 'PJ-2026-0001' }, accepted: true, errors: [] });
  });

  it('lists every anomaly, the element’s then each pièce’s and line’s, the pièce and line in field', () => {
    const element = bordereau('201', false, {
      errors: [{ code: 'ERREUR_DOUBLON_BORDEREAU', label: 'Bordereau déjà intégré' }],
      pieces: [{ numPiece: '2002', errors: [{ code: 'ERREUR_CODIFICATION' }], lignes: [{ numLigne: '1', errors: [{ label: 'Ligne trop longue' }] }] }],
    });
    expect(pesOutcomeOf(element).errors).toEqual([
      { code: 'ERREUR_DOUBLON_BORDEREAU', message: 'Bordereau déjà intégré' },
      { code: 'ERREUR_CODIFICATION', message: 'ERREUR_CODIFICATION', field: 'piece:2002' },
      { code: PES_ANOMALY_WITHOUT_CODE, message: 'Ligne trop longue', field: 'piece:2002/ligne:1' },
    ]);
  });

  it('refuses an element naming neither a bordereau nor a PJ, and an exercice that is no year', () => {
    expect(() => pesOutcomeOf({ domaineAck: '0', etatAck: false, errors: [], pieces: [] })).toThrow(
      expect.objectContaining({ code: 'TRANSMITTER.PES_ACQUIT_UNUSABLE' }),
    );
    expect(() => pesOutcomeOf({ ...bordereau('1', true), bordereau: { numBord: '1', exercice: 'deux mille' } })).toThrow(
      expect.objectContaining({ code: 'TRANSMITTER.PES_ACQUIT_UNUSABLE' }),
    );
  });
});

describe('acquitCommand', () => {
  it('acknowledges a file whose every element is accepted, with each outcome', () => {
    expect(acquitCommand(acquit([bordereau('101', true), pj('PJ-1', true)]), 't-1', at)).toEqual({
      type: 'RecordAcknowledgment',
      data: {
        transmissionId: 't-1',
        at,
        acknowledgment: {
          kind: 'pes',
          outcomes: [
            { element: { kind: 'bordereau', exercice: 2026, numBord: '101' }, accepted: true, errors: [] },
            { element: { kind: 'pj', idUnique: 'PJ-1' }, accepted: true, errors: [] },
          ],
        },
      },
    });
  });

  it('acknowledges a PES_Acquit without ACQUIT block with no outcomes', () => {
    expect(acquitCommand(acquit([]), 't-1', at)).toEqual({
      type: 'RecordAcknowledgment',
      data: { transmissionId: 't-1', at, acknowledgment: { kind: 'pes', outcomes: [] } },
    });
  });

  it('accepts in part when some elements are refused, their anomalies with them', () => {
    const refused = pj('PJ-2', false, { errors: [{ code: 'ERREUR_PJ', label: 'PJ illisible' }] });
    expect(acquitCommand(acquit([bordereau('101', true), refused]), 't-1', at)).toEqual({
      type: 'RecordPartialAcceptance',
      data: {
        transmissionId: 't-1',
        at,
        outcomes: [
          { element: { kind: 'bordereau', exercice: 2026, numBord: '101' }, accepted: true, errors: [] },
          { element: { kind: 'pj', idUnique: 'PJ-2' }, accepted: false, errors: [{ code: 'ERREUR_PJ', message: 'PJ illisible' }] },
        ],
      },
    });
  });

  it('refuses the file when every element is refused: the first anomaly’s code, every anomaly in the detail, each element’s verdict', () => {
    const command = acquitCommand(
      acquit([
        bordereau('101', false, { errors: [{ code: 'ERREUR_SIGNATURE_INVALIDE', label: 'Signature invalide' }] }),
        pj('PJ-1', false, { pieces: [{ numPiece: '7', errors: [{ code: 'ERREUR_PJ', label: 'PJ absente' }], lignes: [] }] }),
      ]),
      't-1',
      at,
    );
    expect(command).toEqual({
      type: 'RecordNack',
      data: {
        transmissionId: 't-1',
        at,
        source: 'pes_nack',
        reasonCode: 'ERREUR_SIGNATURE_INVALIDE',
        detail: 'bordereau 101 (2026): ERREUR_SIGNATURE_INVALIDE Signature invalide; PJ PJ-1 piece:7: ERREUR_PJ PJ absente',
        outcomes: [
          { element: { kind: 'bordereau', exercice: 2026, numBord: '101' }, accepted: false, errors: [expect.objectContaining({ code: 'ERREUR_SIGNATURE_INVALIDE' })] },
          { element: { kind: 'pj', idUnique: 'PJ-1' }, accepted: false, errors: [expect.objectContaining({ code: 'ERREUR_PJ' })] },
        ],
      },
    });
  });

  it('refuses without a code of its own when the DGFiP gave none, and bounds the detail', () => {
    const none = acquitCommand(acquit([bordereau('101', false)]), 't-1', at);
    expect(none).toMatchObject({ type: 'RecordNack', data: { reasonCode: PES_ANOMALY_WITHOUT_CODE } });
    const many = acquitCommand(
      acquit(Array.from({ length: 500 }, (_, i) => bordereau(String(i), false, { errors: [{ code: 'ERREUR_AUTRE', label: 'x'.repeat(50) }] }))),
      't-1',
      at,
    );
    expect(many.type === 'RecordNack' && many.data.detail.length).toBe(MAX_NACK_DETAIL_CHARS);
  });

  it('reads what the DGFiP writes: pesAcquitXml read back by parsePesAcquit', () => {
    const xml = pesAcquitXml({
      nomFic: 'PES_MIXTE_0001.xml',
      enTete,
      elements: [
        { domaineAck: '5', etatAck: true, bordereau: { numBord: '101', exercice: '2026' } },
        { domaineAck: '4', etatAck: false, idUnique: 'PJ-2026-0001', errors: [{ code: 'ERREUR_PJ', label: 'Pièce « illisible »' }] },
      ],
    });
    expect(acquitCommand(parsePesAcquit(xml), 't-1', at)).toMatchObject({
      type: 'RecordPartialAcceptance',
      data: { outcomes: [{ accepted: true }, { element: { kind: 'pj', idUnique: 'PJ-2026-0001' }, errors: [{ code: 'ERREUR_PJ', message: 'Pièce « illisible »' }] }] },
    });
  });
});

describe('nonAcquitCommand', () => {
  it('refuses the file with the first anomaly’s code and every anomaly in the detail', () => {
    const xml = pesNonAcquitXml({
      nomFic: 'PES_MIXTE_0001.xml',
      enTete,
      errors: [
        { code: 'ERREUR_CODIQUE', label: 'Poste comptable inconnu' },
        { code: 'ERREUR_SIRET', label: 'SIRET inconnu' },
      ],
    });
    expect(nonAcquitCommand(parsePesNonAcquit(xml), 't-1', at)).toEqual({
      type: 'RecordNack',
      data: {
        transmissionId: 't-1',
        at,
        source: 'pes_nack',
        reasonCode: 'ERREUR_CODIQUE',
        detail: 'ERREUR_CODIQUE Poste comptable inconnu; ERREUR_SIRET SIRET inconnu',
      },
    });
  });

  it('refuses even without an anomaly', () => {
    expect(nonAcquitCommand({ nomFic: 'X.xml', enTete: {}, errors: [] }, 't-1', at).data).toMatchObject({
      reasonCode: PES_ANOMALY_WITHOUT_CODE,
      detail: 'PES_NonAcquit without anomaly',
    });
  });
});
