import { isIsoDay } from './day.js';
import { type NatureAbbreviation, isNatureAbbreviation } from './classification.labels.js';

/** A nature of acte and the piece types allowed with it, in the catalogue's order. */
export interface ClassificationNature {
  readonly abbreviation: NatureAbbreviation;
  readonly typesPJ: readonly string[];
}

/**
 * The classification the simulated préfecture holds: the shape of `config/classification-default.json`
 * (its `version`, the matière codes `7`, `7.1`, `7.1.2`… and the piece types of each nature).
 */
export interface Classification {
  readonly version: string;
  readonly codes: readonly string[];
  readonly natures: readonly ClassificationNature[];
}

const CODE = /^[1-9][0-9]*(?:\.[1-9][0-9]*){0,4}$/;
const TYPE_PJ = /^[0-9]{2}_[A-Z]{2}$/;

/**
 * Checks a parsed classification file and returns it typed. Every code's parent is there and every
 * level-1 matière has at least one level-2 one, as `RetourClassification` requires.
 * @throws Error naming the first thing that is wrong, prefixed with `source`.
 */
export function parseClassification(value: unknown, source: string): Classification {
  const bad = (message: string): Error => new Error(`${source}: ${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected a JSON object.');
  const { version, codes, natures } = value as Record<string, unknown>;
  if (typeof version !== 'string' || !isIsoDay(version)) throw bad('version must be a YYYY-MM-DD date.');
  if (!Array.isArray(codes) || codes.length === 0) throw bad('codes must be a non-empty list.');
  const seen = new Set<string>();
  for (const code of codes as unknown[]) {
    if (typeof code !== 'string' || !CODE.test(code)) throw bad(`${JSON.stringify(code)} is not a matière code such as 7.1.2.`);
    if (seen.has(code)) throw bad(`${code} is listed twice.`);
    const parent = code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : undefined;
    if (parent !== undefined && !seen.has(parent)) throw bad(`${code} comes without its parent ${parent} before it.`);
    seen.add(code);
  }
  const level1 = [...seen].filter((code) => !code.includes('.'));
  const bare = level1.find((code) => ![...seen].some((other) => other.startsWith(`${code}.`)));
  if (bare !== undefined) throw bad(`matière ${bare} has no level-2 matière.`);
  if (typeof natures !== 'object' || natures === null || Array.isArray(natures)) throw bad('natures must be an object.');
  const entries = Object.entries(natures as Record<string, unknown>);
  if (entries.length === 0) throw bad('natures is empty.');
  return {
    version,
    codes: [...seen],
    natures: entries.map(([abbreviation, typesPJ]) => {
      if (!isNatureAbbreviation(abbreviation)) throw bad(`${abbreviation} is not a nature (DE, AR, AI, CC, BF, AU).`);
      if (!Array.isArray(typesPJ) || typesPJ.length === 0) throw bad(`natures.${abbreviation} must be a non-empty list.`);
      const list = (typesPJ as unknown[]).map((code) => {
        if (typeof code !== 'string' || !TYPE_PJ.test(code)) throw bad(`natures.${abbreviation}: ${JSON.stringify(code)} is not a piece type.`);
        return code;
      });
      return { abbreviation, typesPJ: list };
    }),
  };
}
