import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';
import { readMultipartUpload, type UploadLimits } from '../uploads/multipart-upload.js';

export type { UploadLimits } from '../uploads/multipart-upload.js';

/** What a multipart acte body held: the metadata as text, the files stored in the blob store. */
export interface ActeUpload {
  readonly metadata: string | undefined;
  readonly document: FileRef | undefined;
  readonly annexes: readonly FileRef[];
}

/**
 * Reads a `POST /api/v1/actes` body (`readMultipartUpload`): one `document` file part, any number of
 * `annexes`, in the order they came. The files are judged by the validator, after the 202.
 */
export async function readActeUpload(request: IncomingMessage, blobs: BlobStore, limits: UploadLimits): Promise<ActeUpload> {
  const { metadata, files } = await readMultipartUpload(request, blobs, { ...limits, fileFields: { document: 'single', annexes: 'many' } });
  return {
    metadata,
    document: files.find((part) => part.field === 'document')?.ref,
    annexes: files.filter((part) => part.field === 'annexes').map((part) => part.ref),
  };
}
