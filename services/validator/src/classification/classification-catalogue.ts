import { readFile } from 'node:fs/promises';
import { ActesXmlError, parseActesXml } from '@relais/actes';

/** A préfecture's classification (matières) as its 7-2 `RetourClassification` lists it. */
export interface ClassificationCatalogue {
  /** `DateClassification`: the version an acte's `ClassificationDateVersion` names. */
  readonly version: string;
  /** Every listed code, each level joined by dots: `7`, `7.1`, `7.1.2`… */
  readonly codes: ReadonlySet<string>;
}

/** A 7-2 file that cannot serve as a classification. */
export class ClassificationFileError extends Error {
  readonly code = 'VALIDATOR.CLASSIFICATION_FILE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ClassificationFileError';
  }
}

const LEVELS = ['Matiere1', 'Matiere2', 'Matiere3', 'Matiere4', 'Matiere5'] as const;
const CODE = /^\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const isLevel = (name: string): boolean => (LEVELS as readonly string[]).includes(name);

/**
 * Reads a `RetourClassification` (7-2) file: its version and the code of every matière at every level.
 * The file is ISO-8859-1 (as @ctes writes it); codes and dates are ASCII, so the labels' encoding never
 * matters here. A DOCTYPE is refused: no @ctes message has one.
 */
export function parseRetourClassification(bytes: Uint8Array): ClassificationCatalogue {
  const root = record(readXml(bytes)['RetourClassification']);
  const version = root['DateClassification'];
  if (typeof version !== 'string' || !DATE.test(version.trim())) {
    throw new ClassificationFileError('DateClassification is missing or not a YYYY-MM-DD date');
  }
  const codes = new Set<string>();
  collect(record(root['Matieres']), 0, '', codes);
  if (codes.size === 0) throw new ClassificationFileError('no Matiere1 element');
  return { version: version.trim(), codes };
}

/**
 * The platform's own form of a classification: `{version, codes}` in JSON (the default one ships in
 * `config/classification-default.json`, the codes of the 7-2 sample API.md names).
 */
export function parseClassificationJson(text: string): ClassificationCatalogue {
  const value = JSON.parse(text) as unknown;
  const root = record(value);
  const { version, codes } = root;
  if (typeof version !== 'string' || !DATE.test(version)) throw new ClassificationFileError('version is missing or not a YYYY-MM-DD date');
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string' && /^\d+(\.\d+){0,4}$/.test(c))) {
    throw new ClassificationFileError('codes must be a non-empty list of dotted matière codes');
  }
  return { version, codes: new Set(codes as string[]) };
}

/** The JSON form of a catalogue, codes in file order. */
export function classificationJson(catalogue: ClassificationCatalogue): string {
  return `${JSON.stringify({ version: catalogue.version, codes: [...catalogue.codes] }, null, 2)}\n`;
}

/** Reads a classification from disk: the platform's JSON form, or a préfecture's 7-2 XML. */
export async function loadClassificationFile(path: string): Promise<ClassificationCatalogue> {
  try {
    if (path.endsWith('.json')) return parseClassificationJson(await readFile(path, 'utf8'));
    return parseRetourClassification(await readFile(path));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClassificationFileError(`${path}: ${reason}`);
  }
}

/**
 * Whether `levels` (two to five matière codes, top first) name a matière of the catalogue: every
 * level must exist under the one above it. Stopping above the deepest level is allowed, as @ctes
 * requires only the first two.
 */
export function isKnownClassification(catalogue: ClassificationCatalogue, levels: readonly number[]): boolean {
  return catalogue.codes.has(levels.join('.'));
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
    return parseActesXml(bytes, { isArray: isLevel, checkWellFormed: false });
  } catch (error) {
    if (error instanceof ActesXmlError) throw new ClassificationFileError(error.message);
    throw error;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
