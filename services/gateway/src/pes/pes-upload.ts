import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '@relais/blob-store';
import { PesReadError, readPesAller, type PesAllerSummary } from '@relais/pes';
import { fanOutRequest } from '../uploads/request-fan-out.js';
import { pesReadRefusal } from './pes-submission.js';

/** A PES file as it came: stored, and read. */
export interface PesUpload {
  readonly sha256: string;
  readonly size: number;
  readonly summary: PesAllerSummary;
}

/**
 * Reads a PES file from the request body in one pass, never holding it whole: each chunk goes to the
 * content-addressed blob store and to the streaming PES reader at once. A file the reader refuses (a
 * DOCTYPE, broken XML, an unsupported encoding) stops the upload at that point and leaves nothing
 * stored; so does a body past `maxBytes` (413). The PJ content is not decoded here
 * (`verifyPjContent: false`): the validator reads the stored file again and checks it with every rule.
 */
export async function readPesUpload(request: IncomingMessage, blobs: BlobStore, maxBytes: number): Promise<PesUpload> {
  try {
    const [stored, summary] = await fanOutRequest(
      request,
      { maxBytes },
      (source) => blobs.put(source, { maxBytes }),
      (source) => readPesAller(source, { verifyPjContent: false }),
    );
    return { sha256: stored.sha256, size: stored.size, summary };
  } catch (error) {
    if (error instanceof PesReadError) throw pesReadRefusal(error);
    throw error;
  }
}
