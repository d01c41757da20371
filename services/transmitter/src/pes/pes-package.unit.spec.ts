import { describe, expect, it } from '@jest/globals';
import type { PesSubmission } from '@relais/domain';
import { PES_FILE_NAME_REGEX } from '@relais/pes';
import { pesFileRecord, pesRouting } from './pes-package.js';

const pes: PesSubmission = {
  kind: 'pes',
  nomFic: 'PES_DEPENSE_0001.xml',
  codCol: '001',
  codBud: '01',
  idPost: '021000',
  idColl: '21210231300013',
  file: { sha256: 'a'.repeat(64), size: 4321, name: 'budget.xml', mediaType: 'application/xml' },
};

describe('pesFileRecord', () => {
  it('names the file PESALR2_<IdColl>_<YYMMDD>_<NNN>.xml, and keeps the submitted bytes’ hash and size', () => {
    const record = pesFileRecord('t-1', pes, '2026-01-05', 7);
    expect(record).toEqual({
      fileName: 'PESALR2_21210231300013_260105_007.xml',
      transmissionId: 't-1',
      siret: '21210231300013',
      nomFic: 'PES_DEPENSE_0001.xml',
      codCol: '001',
      day: '2026-01-05',
      number: 7,
      sha256: 'a'.repeat(64),
      size: 4321,
    });
    expect(record.fileName).toMatch(PES_FILE_NAME_REGEX);
  });

  it('widens the counter past 999 rather than wrapping', () => {
    expect(pesFileRecord('t-1', pes, '2026-12-31', 1000).fileName).toBe('PESALR2_21210231300013_261231_1000.xml');
  });

  it('refuses an IdColl that is not a SIRET with the naming rule’s stable code', () => {
    expect(() => pesFileRecord('t-1', { ...pes, idColl: '2121023130001' }, '2026-01-05', 1)).toThrow(
      expect.objectContaining({ name: 'PackagingError', code: 'PES.BUILD_INVALID_INPUT' }),
    );
  });
});

describe('pesRouting', () => {
  it('is the P_MSG PES#CodCol#IdPost#CodBud, CodBud empty when the file has none', () => {
    expect(pesRouting(pes)).toBe('PES#001#021000#01');
    expect(pesRouting({ kind: 'pes', nomFic: pes.nomFic, codCol: pes.codCol, idPost: pes.idPost, idColl: pes.idColl, file: pes.file })).toBe('PES#001#021000#');
  });

  it('refuses a header that would break the route', () => {
    expect(() => pesRouting({ ...pes, codCol: '0#1' })).toThrow(expect.objectContaining({ name: 'PackagingError', code: 'PES.BUILD_INVALID_INPUT' }));
  });
});
