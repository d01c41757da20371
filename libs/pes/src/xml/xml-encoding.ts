import { PesErrorCode, PesReadError } from '../pes.errors.js';

/** The encodings a PES file may declare; the DGFiP's files and S²LOW's checks use ISO-8859-1. */
export type PesEncoding = 'ISO-8859-1' | 'UTF-8';

/** The encodings in the order checks prefer them. */
export const PES_ENCODINGS: readonly PesEncoding[] = ['ISO-8859-1', 'UTF-8'];

const ALIASES: Readonly<Record<string, PesEncoding>> = {
  'ISO-8859-1': 'ISO-8859-1',
  'ISO8859-1': 'ISO-8859-1',
  ISO_8859_1: 'ISO-8859-1',
  'ISO_8859-1': 'ISO-8859-1',
  LATIN1: 'ISO-8859-1',
  'UTF-8': 'UTF-8',
  UTF8: 'UTF-8',
};

/** The encoding a declared name stands for (any case, the usual aliases), or undefined for any other. */
export function pesEncodingOf(declared: string): PesEncoding | undefined {
  return ALIASES[declared.toUpperCase()];
}

/** What the start of a file says about its encoding. */
export interface SniffedEncoding {
  /** The encoding to decode with: the declared one, or UTF-8 (XML's default) when none is declared. */
  readonly encoding: PesEncoding;
  /** The encoding name as the declaration wrote it; undefined without a declaration or an `encoding` in it. */
  readonly declared: string | undefined;
  /** Bytes of a UTF-8 byte order mark to skip (0 or 3). */
  readonly bomLength: number;
}

/** The most bytes read before deciding: a declaration longer than this is left to the XML parser to refuse. */
export const DECLARATION_SNIFF_BYTES = 512;

const DECLARATION = /^<\?xml[\s\S]*?\?>/;
const ENCODING_PSEUDO_ATTRIBUTE = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/**
 * Reads the encoding from the start of a file: a UTF-8 byte order mark, then the XML declaration's
 * `encoding`. Returns undefined while `prefix` is too short to tell (a declaration not yet closed).
 * @throws PesReadError `PES.ENCODING_UNSUPPORTED` for a UTF-16/32 mark or any encoding but ISO-8859-1 and UTF-8
 */
export function sniffEncoding(prefix: Uint8Array, complete: boolean): SniffedEncoding | undefined {
  const utf16or32 =
    (prefix[0] === 0xfe && prefix[1] === 0xff) || (prefix[0] === 0xff && prefix[1] === 0xfe) || prefix[0] === 0 || (prefix[0] === 0x3c && prefix[1] === 0);
  if (utf16or32) {
    throw new PesReadError(PesErrorCode.EncodingUnsupported, 'le fichier est en UTF-16 ou UTF-32 : seuls ISO-8859-1 et UTF-8 sont acceptés');
  }
  const bomLength = prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf ? 3 : 0;
  const head = Buffer.from(prefix.subarray(bomLength, bomLength + DECLARATION_SNIFF_BYTES)).toString('latin1');
  if (!complete && head.length < 5 && '<?xml'.startsWith(head)) return undefined;
  if (!head.startsWith('<?xml')) return { encoding: 'UTF-8', declared: undefined, bomLength };
  const declaration = DECLARATION.exec(head)?.[0];
  if (declaration === undefined) {
    // Not closed yet: read on, unless there is no more to read (the parser will say what is wrong).
    return !complete && prefix.byteLength < DECLARATION_SNIFF_BYTES ? undefined : { encoding: 'UTF-8', declared: undefined, bomLength };
  }
  const match = ENCODING_PSEUDO_ATTRIBUTE.exec(declaration);
  const declared = match?.[1] ?? match?.[2];
  if (declared === undefined) return { encoding: 'UTF-8', declared: undefined, bomLength };
  const encoding = pesEncodingOf(declared);
  if (encoding === undefined) {
    throw new PesReadError(PesErrorCode.EncodingUnsupported, `l'encodage déclaré « ${declared} » n'est pas accepté : seuls ISO-8859-1 et UTF-8 le sont`, { line: 1 });
  }
  if (bomLength !== 0 && encoding !== 'UTF-8') {
    throw new PesReadError(PesErrorCode.EncodingInvalid, `le fichier commence par une marque UTF-8 mais déclare « ${declared} »`, { line: 1 });
  }
  return { encoding, declared, bomLength };
}

/** Turns bytes into text piece by piece, a character split across two pieces included. */
export interface StreamingDecoder {
  /** @throws PesReadError `PES.ENCODING_INVALID` when the bytes are not valid in the encoding */
  decode(bytes: Uint8Array): string;
  /** What is left at the end. @throws PesReadError `PES.ENCODING_INVALID` for a character cut short */
  end(): string;
}

/**
 * A decoder for `encoding`. ISO-8859-1 is decoded byte for byte (each byte is the code point), not
 * by `TextDecoder('iso-8859-1')`, which the WHATWG Encoding standard maps to windows-1252 and would turn
 * the C1 bytes 0x80–0x9F into `€`, `‚`… UTF-8 goes through a fatal, streaming `TextDecoder`.
 */
export function streamingDecoder(encoding: PesEncoding): StreamingDecoder {
  if (encoding === 'ISO-8859-1') {
    return {
      decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
      end: () => '',
    };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const invalid = (): PesReadError =>
    new PesReadError(PesErrorCode.EncodingInvalid, 'le fichier déclare UTF-8 mais contient des octets qui ne sont pas de l’UTF-8 valide');
  return {
    decode: (bytes) => {
      try {
        return decoder.decode(bytes, { stream: true });
      } catch {
        throw invalid();
      }
    },
    end: () => {
      try {
        return decoder.decode();
      } catch {
        throw invalid();
      }
    },
  };
}

/** A whole small file as text, with what its start said about the encoding. */
export interface DecodedText {
  readonly text: string;
  readonly sniffed: SniffedEncoding;
}

/**
 * Decodes a whole (small) file: the declared encoding, or UTF-8 without one.
 * @throws PesReadError `PES.ENCODING_UNSUPPORTED`, `PES.ENCODING_INVALID`
 */
export function decodeWhole(bytes: Uint8Array): DecodedText {
  const sniffed = sniffEncoding(bytes, true);
  if (sniffed === undefined) throw new Error('sniffEncoding always decides on complete input');
  const decoder = streamingDecoder(sniffed.encoding);
  const text = decoder.decode(bytes.subarray(sniffed.bomLength)) + decoder.end();
  return { text, sniffed };
}
