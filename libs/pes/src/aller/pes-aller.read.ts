import { sniffEncoding, streamingDecoder, type StreamingDecoder } from '../xml/xml-encoding.js';
import { PesAllerSaxReader } from './pes-aller.sax.js';
import type { PesAllerSummary, ReadPesAllerOptions } from './pes-aller.types.js';

const DEFAULT_PIECE_BYTES = 64 * 1024;
const DEFAULT_MAX_INFLATED_PJ_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a PES_Aller as it streams in and gathers what the operator checks need (DOMAIN.md §2.2–2.3):
 * the enveloppe and header identifiers, every bordereau with its pièces' triplets, every PJ with
 * whether its content gunzips, and which blocks are there. Memory stays bounded whatever the size: the
 * input is cut into pieces of `pieceBytes`, decoded piece by piece (ISO-8859-1 or UTF-8, from the XML
 * declaration), parsed by a SAX parser that keeps no text, and each PJ's base64 is decoded and gunzipped
 * on the fly with its output only counted. Only the summary grows: a few short strings per pièce and PJ.
 * A DOCTYPE is refused before any entity could be declared, let alone expanded.
 * @throws PesReadError `PES.ENCODING_UNSUPPORTED`, `PES.ENCODING_INVALID`, `PES.DOCTYPE_FORBIDDEN`,
 *   `PES.MALFORMED_XML` (with line and column). Errors of the source itself propagate as they are.
 */
export async function readPesAller(source: AsyncIterable<Uint8Array>, options: ReadPesAllerOptions = {}): Promise<PesAllerSummary> {
  const pieceBytes = options.pieceBytes ?? DEFAULT_PIECE_BYTES;
  if (!Number.isSafeInteger(pieceBytes) || pieceBytes < 1) throw new RangeError(`pieceBytes must be a positive integer, not ${pieceBytes}`);
  const reader = new PesAllerSaxReader(options.verifyPjContent ?? true, options.maxInflatedPjBytes ?? DEFAULT_MAX_INFLATED_PJ_BYTES);
  let decoder: StreamingDecoder | undefined;
  let pending: Uint8Array[] = [];
  let bytes = 0;

  const feed = async (using: StreamingDecoder, chunk: Uint8Array): Promise<void> => {
    for (let offset = 0; offset < chunk.byteLength; offset += pieceBytes) {
      await reader.write(using.decode(chunk.subarray(offset, Math.min(chunk.byteLength, offset + pieceBytes))));
    }
  };
  const decide = async (complete: boolean): Promise<void> => {
    const prefix = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
    const sniffed = sniffEncoding(prefix, complete);
    if (sniffed === undefined) return;
    decoder = streamingDecoder(sniffed.encoding);
    reader.setEncoding(sniffed.encoding, sniffed.declared);
    pending = [];
    await feed(decoder, prefix.subarray(sniffed.bomLength));
  };

  try {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      if (decoder !== undefined) {
        await feed(decoder, chunk);
        continue;
      }
      pending.push(chunk);
      await decide(false);
    }
    if (decoder === undefined) await decide(true);
    return await reader.end(decoder?.end() ?? '', bytes);
  } catch (error) {
    reader.abort();
    throw error;
  }
}
