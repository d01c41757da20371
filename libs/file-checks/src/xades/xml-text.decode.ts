/** The encodings a PES may declare; anything else is not read. */
export type XmlEncoding = 'ISO-8859-1' | 'UTF-8';

const ENCODING_NAMES: Readonly<Record<string, XmlEncoding>> = {
  'ISO-8859-1': 'ISO-8859-1',
  'ISO8859-1': 'ISO-8859-1',
  ISO_8859_1: 'ISO-8859-1',
  'ISO_8859-1': 'ISO-8859-1',
  LATIN1: 'ISO-8859-1',
  'UTF-8': 'UTF-8',
  UTF8: 'UTF-8',
};

const DECLARATION = /^<\?xml[^>]*?\?>/;
const ENCODING = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/** An XML file as text, or why it could not be turned into text. */
export type DecodedXml = { readonly text: string; readonly encoding: XmlEncoding } | { readonly problem: string };

/**
 * Decodes an XML file according to its declaration: ISO-8859-1 byte for byte (each byte is its code
 * point; `TextDecoder('iso-8859-1')` would apply windows-1252 to 0x80–0x9F), UTF-8 strictly (a UTF-8
 * byte order mark is skipped), UTF-8 when nothing is declared. Line ends are normalised to `\n` as
 * an XML processor must before parsing (XML 1.0 §2.11), so that the DOM and the digests see what any
 * conformant signer saw.
 */
export function decodeXml(bytes: Uint8Array): DecodedXml {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe) || bytes[0] === 0 || (bytes[0] === 0x3c && bytes[1] === 0)) {
    return { problem: 'the file is UTF-16 or UTF-32: a PES is ISO-8859-1 or UTF-8' };
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 512)).toString('latin1');
  const match = ENCODING.exec(DECLARATION.exec(head)?.[0] ?? '');
  const declared = match?.[1] ?? match?.[2];
  const encoding = declared === undefined ? 'UTF-8' : ENCODING_NAMES[declared.toUpperCase()];
  if (encoding === undefined) return { problem: `the declared encoding "${declared ?? ''}" is neither ISO-8859-1 nor UTF-8` };
  if (bom !== 0 && encoding !== 'UTF-8') return { problem: `the file starts with a UTF-8 byte order mark but declares ${encoding}` };
  let text: string;
  if (encoding === 'ISO-8859-1') {
    text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return { problem: 'the file declares UTF-8 but holds bytes that are not UTF-8' };
    }
  }
  return { text: text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, encoding };
}
