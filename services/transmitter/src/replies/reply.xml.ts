import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A reply that cannot be read as @ctes XML. */
export class ReplyFormatError extends Error {
  override readonly name = 'ReplyFormatError';
  readonly code = 'TRANSMITTER.REPLY_UNREADABLE';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // No entity is ever expanded by the parser; the predefined ones and character references are decoded
  // afterwards, and a DOCTYPE (the only way to declare others) is refused before parsing.
  processEntities: false,
});

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(ENTITY, (match, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name] ?? match;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}

/** A parsed element: its children by local name, its attributes as `@_Name`. */
export type XmlNode = Readonly<Record<string, unknown>>;

/** The root element of an ISO-8859-1 @ctes file: its local name and its content. */
export function parseLatin1Root(fileName: string, bytes: Uint8Array): { readonly name: string; readonly node: XmlNode } {
  const text = Buffer.from(bytes).toString('latin1');
  if (/<!DOCTYPE/i.test(text)) throw new ReplyFormatError(`${fileName}: a DOCTYPE is not accepted`);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the workspace has no other validator; the parser alone is lenient
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ReplyFormatError(`${fileName}: not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  const parsed: unknown = parser.parse(text);
  if (!isNode(parsed)) throw new ReplyFormatError(`${fileName}: no root element`);
  const roots = Object.keys(parsed).filter((key) => key !== '?xml');
  const [name] = roots;
  const node = name === undefined ? undefined : parsed[name];
  if (roots.length !== 1 || name === undefined) throw new ReplyFormatError(`${fileName}: expected one root element`);
  return { name, node: isNode(node) ? node : {} };
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child element `name` of `node` (the first, when repeated). */
export function child(node: XmlNode | undefined, name: string): XmlNode | string | undefined {
  const value = node?.[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  return isNode(first) ? first : undefined;
}

/** The decoded attribute `name` of `node`. */
export function attribute(node: XmlNode | string | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? decode(value) : undefined;
}

/** The decoded text of an element (`''` for an empty one), undefined when absent. */
export function text(node: XmlNode | string | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return decode(node);
  const value = node['#text'];
  return typeof value === 'string' ? decode(value) : '';
}
