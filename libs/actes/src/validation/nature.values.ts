import type { ActeNature } from '@relais/domain';

/** The @ctes `CodeNatureActe`. */
export type NatureCode = 1 | 2 | 3 | 4 | 5 | 6;

/** A nature under both its names: the code of the XML and the abbreviation of file names and IDActe. */
export interface Nature {
  readonly code: NatureCode;
  readonly abbreviation: ActeNature;
}

const codes: Readonly<Record<ActeNature, NatureCode>> = { DE: 1, AR: 2, AI: 3, CC: 4, BF: 5, AU: 6 };

const byCode: Readonly<Record<NatureCode, ActeNature>> = { 1: 'DE', 2: 'AR', 3: 'AI', 4: 'CC', 5: 'BF', 6: 'AU' };

/** The generic piece type of each nature (API.md), used when the collectivité gives none. */
const genericTypePJ: Readonly<Record<ActeNature, string>> = {
  DE: '99_DE',
  AR: '99_AR',
  AI: '99_AI',
  CC: '99_DC',
  BF: '99_BU',
  AU: '99_AU',
};

function isNatureCode(value: number): value is NatureCode {
  return Number.isInteger(value) && value >= 1 && value <= 6;
}

function isAbbreviation(value: string): value is ActeNature {
  return Object.hasOwn(codes, value);
}

/**
 * The nature a client gave, as the integer 1..6 or the exact abbreviation (`DE`, `AR`, `AI`, `CC`,
 * `BF`, `AU`); anything else (`'1'`, `'de'`, 7, 1.5) is undefined.
 */
export function natureFromInput(input: number | string): Nature | undefined {
  if (typeof input === 'number') {
    return isNatureCode(input) ? { code: input, abbreviation: byCode[input] } : undefined;
  }
  return isAbbreviation(input) ? { code: codes[input], abbreviation: input } : undefined;
}

/** The piece type of the nature's generic piece (DE `99_DE` … CC `99_DC`, BF `99_BU`), by either name. */
export function defaultTypePJ(nature: ActeNature | NatureCode): string {
  return genericTypePJ[typeof nature === 'number' ? byCode[nature] : nature];
}
