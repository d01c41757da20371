import { describe, expect, it } from '@jest/globals';

import { readPesFileName, readPesRouting } from './pes.name.js';
import { SimErrorCode } from './sim.errors.js';

const codeOf = (read: () => unknown): unknown => {
  try {
    read();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return undefined;
};

describe('readPesFileName', () => {
  it('reads the SIRET and the day of PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml, the counter of three digits or more', () => {
    expect(readPesFileName('PESALR2_21349999900017_260315_001.xml')).toEqual({
      fileName: 'PESALR2_21349999900017_260315_001.xml',
      siret: '21349999900017',
      day: '2026-03-15',
    });
    expect(readPesFileName('PESALR2_21349999900017_260315_1000.xml').siret).toBe('21349999900017');
  });

  it.each([
    ['a SIREN', 'PESALR2_213499999_260315_001.xml'],
    ['a two-digit counter', 'PESALR2_21349999900017_260315_01.xml'],
    ['a day that does not exist', 'PESALR2_21349999900017_260230_001.xml'],
    ['another prefix', 'PESALR1_21349999900017_260315_001.xml'],
    ['another extension', 'PESALR2_21349999900017_260315_001.XML'],
    ['a path', '../PESALR2_21349999900017_260315_001.xml'],
  ])('refuses %s', (_, name) => {
    expect(codeOf(() => readPesFileName(name))).toBe(SimErrorCode.InvalidPesFileName);
  });
});

describe('readPesRouting', () => {
  it('reads PES#<CodCol>#<IdPost>#<CodBud>, CodBud possibly empty', () => {
    expect(readPesRouting('PES#123#034000#01')).toEqual({ codCol: '123', idPost: '034000', codBud: '01' });
    expect(readPesRouting('PES#123#034000#')).toEqual({ codCol: '123', idPost: '034000', codBud: '' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(codeOf(() => readPesRouting(undefined))).toBe(SimErrorCode.MissingPesRouting);
    expect(codeOf(() => readPesRouting(''))).toBe(SimErrorCode.MissingPesRouting);
    for (const bad of ['PES#123#034000', 'PES#123#034000#01#x', 'ACT#123#034000#01', 'PES##034000#01', 'PES#123##01', 'PES#1 3#034000#01']) {
      expect(codeOf(() => readPesRouting(bad))).toBe(SimErrorCode.InvalidPesRouting);
    }
  });
});
