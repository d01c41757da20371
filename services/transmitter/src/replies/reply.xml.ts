import { ActesXmlError, decodeXmlText, isXmlElement, parseActesXml } from '@relais/actes';

/** A reply that cannot be read as @ctes XML. */
export class ReplyFormatError extends Error {
  override readonly name = 'ReplyFormatError';
  readonly code = 'TRANSMITTER.REPLY_UNREADABLE';
}

/** A parsed element: its children by local name, its attributes as `@_Name`. */
export type XmlNode = Readonly<Record<string, unknown>>;

/** The root element of an ISO-8859-1 @ctes file: its local name and its content. */
export function parseLatin1Root(fileName: string, bytes: Uint8Array): { readonly name: string; readonly node: XmlNode } {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseActesXml(bytes);
  } catch (error) {
    if (error instanceof ActesXmlError) throw new ReplyFormatError(`${fileName}: ${error.message}`, { cause: error });
    throw error;
  }
  const roots = Object.keys(parsed).filter((key) => key !== '?xml');
  const [name] = roots;
  const node = name === undefined ? undefined : parsed[name];
  if (roots.length !== 1 || name === undefined) throw new ReplyFormatError(`${fileName}: expected one root element`);
  return { name, node: isXmlElement(node) ? node : {} };
}

/** The child element `name` of `node` (the first, when repeated). */
export function child(node: XmlNode | undefined, name: string): XmlNode | string | undefined {
  const value = node?.[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  return isXmlElement(first) ? first : undefined;
}

/** The decoded attribute `name` of `node`. */
export function attribute(node: XmlNode | string | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

/** The decoded text of an element (`''` for an empty one), undefined when absent. */
export function text(node: XmlNode | string | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return decodeXmlText(node);
  const value = node['#text'];
  return typeof value === 'string' ? decodeXmlText(value) : '';
}
