import { readFile } from 'node:fs/promises';
import type { ActeNature } from '@relais/domain';

import type { ActesClassification } from '../validation/acte-validation.types.js';
import { natureFromInput } from '../validation/nature.values.js';
import { ActesXmlError, parseActesXml } from '../xml/actes-xml.read.js';
import { ClassificationFileError } from './classification.errors.js';

const LEVELS = ['Matiere1', 'Matiere2', 'Matiere3', 'Matiere4', 'Matiere5'] as const;
const LISTS: readonly string[] = [...LEVELS, 'NatureActe', 'TypePJNatureActe'];
const CODE = /^\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A CodeTypePJ as S²LOW accepts it from a 7-2 (`99_DE`, `41_NC`); the acte rules check the stricter `NN_XX`. */
const TYPE_PJ = /^[A-Z0-9_]{5}$/;
/** The JSON form lists natures in this order. */
const NATURE_ORDER: readonly ActeNature[] = ['DE', 'AR', 'AI', 'CC', 'BF', 'AU'];

const isList = (name: string): boolean => LISTS.includes(name);

/**
 * Reads a `RetourClassification` (7-2) file into the classification the acte rules check against: its
 * version (`DateClassification`, what an acte's `ClassificationDateVersion` names), the code of every
 * matière at every level (`7`, `7.1`, `7.1.2`…) and the piece types of each nature
 * (`NaturesActes/NatureActe@CodeNatureActe/TypePJNatureActe@CodeTypePJ`). The file is ISO-8859-1 (as
 * @ctes writes it); codes and dates are ASCII, so the labels' encoding never matters here. A DOCTYPE is
 * refused: no @ctes message has one.
 * @throws ClassificationFileError `ACTES.CLASSIFICATION_INVALID`
 */
export function parseRetourClassification(bytes: Uint8Array): ActesClassification {
  const root = record(readXml(bytes)['RetourClassification']);
  const version = root['DateClassification'];
  if (typeof version !== 'string' || !DATE.test(version.trim())) {
    throw new ClassificationFileError('DateClassification is missing or not a YYYY-MM-DD date');
  }
  const codes = new Set<string>();
  collect(record(root['Matieres']), 0, '', codes);
  if (codes.size === 0) throw new ClassificationFileError('no Matiere1 element');
  const natures = readNatures(record(root['NaturesActes']));
  return { version: version.trim(), codes, ...(natures === undefined ? {} : { natures }) };
}

/**
 * The piece types per nature, each nature under its abbreviation, types in file order without
 * repeats; undefined when the file lists no piece type at all (a 7-2 from before the Actes V2 typology).
 */
function readNatures(naturesActes: Record<string, unknown>): ReadonlyMap<ActeNature, ReadonlySet<string>> | undefined {
  const natures = new Map<ActeNature, Set<string>>();
  const list = naturesActes['NatureActe'];
  for (const entry of Array.isArray(list) ? list : []) {
    const node = record(entry);
    const code = node['@_CodeNatureActe'];
    const nature = typeof code === 'string' && CODE.test(code) ? natureFromInput(Number(code)) : undefined;
    if (nature === undefined) throw new ClassificationFileError(`a NatureActe has no CodeNatureActe from 1 to 6: ${String(code)}`);
    const abbreviation = node['@_TypeAbrege'];
    if (abbreviation !== undefined && abbreviation !== nature.abbreviation) {
      throw new ClassificationFileError(`NatureActe ${String(code)} has TypeAbrege ${JSON.stringify(abbreviation)}, not ${nature.abbreviation}`);
    }
    const types = natures.get(nature.abbreviation) ?? new Set<string>();
    const typePJs = node['TypePJNatureActe'];
    for (const typePJ of Array.isArray(typePJs) ? typePJs : []) {
      const value = record(typePJ)['@_CodeTypePJ'];
      if (typeof value !== 'string' || !TYPE_PJ.test(value)) {
        throw new ClassificationFileError(`a TypePJNatureActe of nature ${nature.abbreviation} has no CodeTypePJ of five letters, digits or _`);
      }
      types.add(value);
    }
    natures.set(nature.abbreviation, types);
  }
  return [...natures.values()].some((types) => types.size > 0) ? natures : undefined;
}

/**
 * Reads the platform's own form of a classification: `{version, codes, natures?}` in JSON, `natures`
 * mapping each nature's abbreviation to its piece types (`{"DE": ["99_DE", …], …}`). It is what a
 * service ships as its default, smaller and easier to review than a 7-2.
 * @throws ClassificationFileError `ACTES.CLASSIFICATION_INVALID`; SyntaxError when the text is not JSON
 */
export function parseClassificationJson(text: string): ActesClassification {
  const value = JSON.parse(text) as unknown;
  const root = record(value);
  const { version, codes, natures } = root;
  if (typeof version !== 'string' || !DATE.test(version)) throw new ClassificationFileError('version is missing or not a YYYY-MM-DD date');
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string' && /^\d+(\.\d+){0,4}$/.test(c))) {
    throw new ClassificationFileError('codes must be a non-empty list of dotted matière codes');
  }
  if (natures === undefined) return { version, codes: new Set(codes as string[]) };
  if (typeof natures !== 'object' || natures === null || Array.isArray(natures)) {
    throw new ClassificationFileError('natures must map nature abbreviations (DE, AR, AI, CC, BF, AU) to lists of piece types');
  }
  const byNature = new Map<ActeNature, ReadonlySet<string>>();
  for (const [key, types] of Object.entries(natures)) {
    const nature = natureFromInput(key);
    if (nature === undefined) throw new ClassificationFileError(`natures: ${key} is not DE, AR, AI, CC, BF or AU`);
    if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && TYPE_PJ.test(t))) {
      throw new ClassificationFileError(`natures.${key} must be a list of piece types (five letters, digits or _, e.g. 99_DE)`);
    }
    byNature.set(nature.abbreviation, new Set(types as string[]));
  }
  return { version, codes: new Set(codes as string[]), natures: byNature };
}

/**
 * The JSON form of a classification, the inverse of {@link parseClassificationJson}: codes in their
 * order; natures DE to AU, each one's piece types in their order; two-space indented, ending in a newline,
 * so that a file written from a 7-2 diffs cleanly.
 */
export function classificationJson(classification: ActesClassification): string {
  const { version, codes, natures } = classification;
  const byNature =
    natures === undefined
      ? {}
      : {
          natures: Object.fromEntries(
            NATURE_ORDER.flatMap((nature) => {
              const types = natures.get(nature);
              return types === undefined ? [] : [[nature, [...types]]];
            }),
          ),
        };
  return `${JSON.stringify({ version, codes: [...codes], ...byNature }, null, 2)}\n`;
}

/**
 * Reads a classification from disk: the platform's JSON form when the path ends in `.json`, else a
 * préfecture's 7-2 XML. The only I/O of the library, for the services that load a default at start-up.
 * @throws ClassificationFileError `ACTES.CLASSIFICATION_INVALID`, the path in its message, the cause kept
 */
export async function loadClassificationFile(path: string): Promise<ActesClassification> {
  try {
    if (path.endsWith('.json')) return parseClassificationJson(await readFile(path, 'utf8'));
    return parseRetourClassification(await readFile(path));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClassificationFileError(`${path}: ${reason}`, { cause: error });
  }
}

function collect(parent: Record<string, unknown>, depth: number, prefix: string, codes: Set<string>): void {
  const level = LEVELS[depth];
  if (level === undefined) return;
  const children = parent[level];
  if (!Array.isArray(children)) return;
  for (const child of children) {
    const node = record(child);
    const code = node['@_CodeMatiere'];
    if (typeof code !== 'string' || !CODE.test(code)) {
      throw new ClassificationFileError(`a ${level} has no numeric CodeMatiere under "${prefix}"`);
    }
    // Codes are compared as numbers (an acte's `07.1` is `7.1`), as validateActe normalises them.
    const path = prefix === '' ? String(Number(code)) : `${prefix}.${String(Number(code))}`;
    codes.add(path);
    collect(node, depth + 1, path, codes);
  }
}

/** The parsed file; only codes and a date are read from it, so no entity needs decoding. */
function readXml(bytes: Uint8Array): Record<string, unknown> {
  try {
    // The parser alone judges well-formedness here: whatever it can read yields the codes it finds.
    return parseActesXml(bytes, { isArray: isList, checkWellFormed: false });
  } catch (error) {
    if (error instanceof ActesXmlError) throw new ClassificationFileError(error.message, { cause: error });
    throw error;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
