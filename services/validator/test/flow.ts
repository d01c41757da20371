import { Readable } from 'node:stream';
import type { PostgresBlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';

/** Stores `bytes` in the blob store and describes them as a submission's file. */
export async function storeFile(blobs: PostgresBlobStore, name: string, bytes: Buffer, mediaType = 'application/pdf'): Promise<FileRef> {
  const { sha256, size } = await blobs.put(Readable.from([bytes]));
  return { sha256, size, name, mediaType };
}

/** A small but complete PDF: header, one object, cross-reference table and `%%EOF`. */
export function pdfBytes(text = 'Budget primitif'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Title (${text}) >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n70\n%%EOF\n`,
    'latin1',
  );
}

