import { PDF_MARKER_WINDOW, PDF_TRAILER_WINDOW, sniffFormat, type ActeFileInput } from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';

/**
 * How many bytes of each end the rules look at: sniffFormat wants 1024 at the start, hasPdfEnd 1024
 * at the end, isEncryptedPdf the trailers, which PDF_TRAILER_WINDOW of each end holds.
 */
const WINDOW = Math.max(PDF_MARKER_WINDOW, PDF_TRAILER_WINDOW);

/**
 * The first and last bytes of a stored file, as the acte rules read it; undefined when the blob store
 * has no such file. The head comes from the first chunks. Only a PDF needs its tail (the `%%EOF` of a
 * file cut short in transit, the trailer of an encrypted one): the blob store streams from the start,
 * so reaching the tail reads the whole file, chunk by chunk in bounded memory (the last chunks that
 * cover the window are kept, older ones dropped); any other format stops after the head.
 */
export async function readFileEnds(blobs: BlobStore, file: FileRef): Promise<ActeFileInput | undefined> {
  const stat = await blobs.stat(file.sha256);
  if (stat === null) return undefined;
  let head = Buffer.alloc(0);
  const last: Buffer[] = [];
  let lastBytes = 0;
  let wantsTail = true;
  for await (const piece of await blobs.get(file.sha256)) {
    const chunk = piece as Buffer;
    if (head.length < WINDOW) {
      head = Buffer.concat([head, chunk.subarray(0, WINDOW - head.length)]);
      if (head.length >= WINDOW || head.length === stat.size) wantsTail = sniffFormat(head) === 'pdf';
    }
    if (!wantsTail) break;
    last.push(chunk);
    lastBytes += chunk.length;
    // Drop the oldest chunks while the others still cover the window.
    while (last.length > 1 && lastBytes - (last[0]?.length ?? 0) >= WINDOW) lastBytes -= last.shift()?.length ?? 0;
  }
  const tail = Buffer.concat(last).subarray(-WINDOW);
  return { name: file.name, size: stat.size, head, ...(wantsTail ? { tail } : {}) };
}
