import { PDF_MARKER_WINDOW, sniffFormat, type ActeFileInput } from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';

/** How many bytes of each end the rules look at (sniffFormat wants 1024 at the start, hasPdfEnd 1024 at the end). */
const WINDOW = PDF_MARKER_WINDOW;

/**
 * The first and last bytes of a stored file, as the acte rules read it; undefined when the blob store
 * has no such file. The head comes from the first chunk. Only a PDF needs its tail (the `%%EOF` of a
 * file cut short in transit): the blob store streams from the start, so reaching the tail reads the
 * whole file, chunk by chunk in bounded memory; any other format stops after the head.
 */
export async function readFileEnds(blobs: BlobStore, file: FileRef): Promise<ActeFileInput | undefined> {
  const stat = await blobs.stat(file.sha256);
  if (stat === null) return undefined;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let wantsTail = true;
  for await (const piece of await blobs.get(file.sha256)) {
    const chunk = piece as Buffer;
    if (head.length < WINDOW) {
      head = Buffer.concat([head, chunk.subarray(0, WINDOW - head.length)]);
      if (head.length >= WINDOW || head.length === stat.size) wantsTail = sniffFormat(head) === 'pdf';
    }
    if (!wantsTail) break;
    tail = chunk.length >= WINDOW ? Buffer.from(chunk.subarray(chunk.length - WINDOW)) : Buffer.concat([tail, chunk]).subarray(-WINDOW);
  }
  return { name: file.name, size: stat.size, head, ...(wantsTail ? { tail } : {}) };
}
