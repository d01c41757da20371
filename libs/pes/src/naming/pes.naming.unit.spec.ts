import { describe, expect, it } from '@jest/globals';
import { PesBuildError, PesErrorCode } from '../pes.errors.js';
import { PES_FILE_NAME_REGEX, pMsg, pesFileName } from './pes.naming.js';

const refusedField = (build: () => unknown): string => {
  try {
    build();
  } catch (error) {
    if (error instanceof PesBuildError && error.code === PesErrorCode.BuildInvalidInput) return error.field;
    throw error;
  }
  throw new Error('expected a PesBuildError');
};

describe('pesFileName', () => {
  it('writes PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml, the counter padded to three digits', () => {
    expect(pesFileName('21349999900017', '2026-03-05', 7)).toBe('PESALR2_21349999900017_260305_007.xml');
    expect(pesFileName('213499999', '2000-12-31', 0)).toBe('PESALR2_213499999_001231_000.xml');
    expect(pesFileName('21349999900017', '2026-03-05', 999)).toMatch(PES_FILE_NAME_REGEX);
  });

  it('widens the counter past 999 rather than wrapping, as S²LOW does', () => {
    expect(pesFileName('21349999900017', '2026-03-05', 1000)).toBe('PESALR2_21349999900017_260305_1000.xml');
    expect(pesFileName('21349999900017', '2026-03-05', 123_456)).toMatch(PES_FILE_NAME_REGEX);
  });

  it('refuses a malformed SIRET, date or counter', () => {
    expect(refusedField(() => pesFileName('2134999990001', '2026-03-05', 1))).toBe('siret');
    expect(refusedField(() => pesFileName('21349999900017', '2026-02-30', 1))).toBe('date');
    expect(refusedField(() => pesFileName('21349999900017', '26-03-05', 1))).toBe('date');
    expect(refusedField(() => pesFileName('21349999900017', '2026-03-05', -1))).toBe('counter');
    expect(refusedField(() => pesFileName('21349999900017', '2026-03-05', 1.5))).toBe('counter');
  });
});

describe('pMsg', () => {
  it('writes PES#<CodCol>#<IdPost>#<CodBud>, with an empty CodBud when the file has none', () => {
    expect(pMsg('123', '034000', '01')).toBe('PES#123#034000#01');
    expect(pMsg('123', '034000')).toBe('PES#123#034000#');
  });

  it('refuses an empty CodCol or IdPost, and a part that would break the command', () => {
    expect(refusedField(() => pMsg('', '034000'))).toBe('codCol');
    expect(refusedField(() => pMsg('123', ''))).toBe('idPost');
    expect(refusedField(() => pMsg('123', '034000', '0#1'))).toBe('codBud');
    expect(refusedField(() => pMsg('1 3', '034000'))).toBe('codCol');
  });
});
