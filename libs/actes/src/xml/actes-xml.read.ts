import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The stable codes of a refusal to read an @ctes XML file. */
export const ActesXmlErrorCode = {
  /** The file carries a DOCTYPE: no @ctes message has one, and it is the only way to declare entities. */
  Doctype: 'ACTES.XML_DOCTYPE',
  /** The file is not well-formed XML. */
  Malformed: 'ACTES.XML_MALFORMED',
  /** The file parses to no element at all. */
  NoRoot: 'ACTES.XML_NO_ROOT',
} as const;

/** One of the XML reading error codes. */
export type ActesXmlErrorCode = (typeof ActesXmlErrorCode)[keyof typeof ActesXmlErrorCode];

/**
 * A refusal to read an @ctes XML file. `code` is stable; `message` says why without naming the file
 * (`a DOCTYPE is not accepted`, `not well-formed XML (<reason>, line <n>)`, `no root element`), so that
 * callers can prefix it and raise their own error.
 */
export class ActesXmlError extends Error {
  override readonly name = 'ActesXmlError';

  constructor(
    readonly code: ActesXmlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** How {@link parseActesXml} reads a file. */
export interface ActesXmlOptions {
  /** Elements that always parse as lists, even when they appear once (`Annexe`, `Matiere1`…). */
  readonly isArray?: (name: string) => boolean;
  /**
   * Whether the text is checked to be well-formed before parsing (default true). The parser alone is
   * lenient: without the check, some broken files parse to a partial tree.
   */
  readonly checkWellFormed?: boolean;
}

/** A parsed element: its children by local name, its attributes as `@_Name`, its text as `#text`. */
export type ActesXmlTree = Record<string, unknown>;

/**
 * Parses an @ctes XML file, which is ISO-8859-1 (as @ctes writes every message; the declaration is not
 * consulted), into plain objects: namespace prefixes dropped, attributes as `@_Name` and every value
 * kept as a string. No entity is expanded by the parser: a DOCTYPE, the only way to declare one, is
 * refused before parsing, and the predefined entities and character references are left for
 * {@link decodeXmlText}. The result holds the root element under its local name (and `?xml` for the
 * declaration).
 * @throws ActesXmlError `ACTES.XML_DOCTYPE`, `ACTES.XML_MALFORMED`, `ACTES.XML_NO_ROOT`
 */
export function parseActesXml(bytes: Uint8Array, options: ActesXmlOptions = {}): ActesXmlTree {
  const text = Buffer.from(bytes).toString('latin1');
  if (/<!DOCTYPE/i.test(text)) throw new ActesXmlError(ActesXmlErrorCode.Doctype, 'a DOCTYPE is not accepted');
  if (options.checkWellFormed ?? true) {
    // fast-xml-validator, its successor, is not among the workspace's packages; the parser alone is lenient.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new ActesXmlError(ActesXmlErrorCode.Malformed, `not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  }
  const parsed = parseOrRefuse(parserFor(options.isArray), text);
  if (!isXmlElement(parsed)) throw new ActesXmlError(ActesXmlErrorCode.NoRoot, 'no root element');
  return parsed;
}

/**
 * The validator passes a few things the parser then throws a bare `Error` on (a processing instruction
 * whose target starts with a quote, `<?"x?>`, found by fuzzing): those are malformed too.
 */
function parseOrRefuse(parser: XMLParser, text: string): unknown {
  try {
    return parser.parse(text);
  } catch (error) {
    throw new ActesXmlError(ActesXmlErrorCode.Malformed, `not well-formed XML (${error instanceof Error ? error.message : String(error)})`);
  }
}

function newParser(isArray?: (name: string) => boolean): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    ...(isArray === undefined ? {} : { isArray }),
  });
}

const plainParser = newParser();
/** One parser per `isArray` function: callers pass a module-level one, so each is built once. */
const parsers = new WeakMap<(name: string) => boolean, XMLParser>();

function parserFor(isArray: ((name: string) => boolean) | undefined): XMLParser {
  if (isArray === undefined) return plainParser;
  let parser = parsers.get(isArray);
  if (parser === undefined) {
    parser = newParser(isArray);
    parsers.set(isArray, parser);
  }
  return parser;
}

/** Whether `value` is a parsed element (children, attributes or text), not a bare string or a list. */
export function isXmlElement(value: unknown): value is ActesXmlTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and the character references {@link parseActesXml} left as
 * they were; anything else (an unknown entity, a reference beyond U+10FFFF) stays as written.
 */
export function decodeXmlText(value: string): string {
  return value.replace(ENTITY, (match, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? match;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}
