import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { readMultipartUpload, type UploadLimits } from '../uploads/multipart-upload.js';

export type { UploadLimits } from '../uploads/multipart-upload.js';

/** What a multipart acte body held: the metadata as text, the files stored in the blob store. */
export interface ActeUpload {
  readonly metadata: string | undefined;
  readonly document: FileRef | undefined;
  readonly annexes: readonly FileRef[];
}

/** The names a detached signature of `name` may have: `acte.pdf.p7s`, `acte.pdf.pkcs7`, `acte.pdf.sig`. */
const SIGNATURE_SUFFIXES = ['.p7s', '.pkcs7', '.sig'];

/**
 * Reads a `POST /api/v1/actes` body (`readMultipartUpload`): one `document` file part, any number of
 * `annexes`, in the order they came, and the detached signatures (CMS / PKCS#7) that come with them:
 * `documentSignature` for the document, `annexesSignatures` each named after the annexe it signs plus
 * `.p7s` (or `.pkcs7`, `.sig`). The files and signatures are judged by the validator, after the 202.
 * @throws ApiError 422 `REQUEST.SIGNATURE_UNMATCHED` for a signature that signs no file of the request
 */
export async function readActeUpload(request: IncomingMessage, blobs: BlobStore, limits: UploadLimits): Promise<ActeUpload> {
  const { metadata, files } = await readMultipartUpload(request, blobs, {
    ...limits,
    fileFields: { document: 'single', annexes: 'many', documentSignature: 'single', annexesSignatures: 'many' },
  });
  const document = files.find((part) => part.field === 'document')?.ref;
  const documentSignature = files.find((part) => part.field === 'documentSignature')?.ref;
  const annexes = files.filter((part) => part.field === 'annexes').map((part) => part.ref);
  const signatures = files.filter((part) => part.field === 'annexesSignatures').map((part) => part.ref);
  return {
    metadata,
    document: document === undefined || documentSignature === undefined ? document : { ...document, signature: documentSignature },
    annexes: withSignatures(annexes, signatures),
  };
}

/** Each annexe with the signature named after it; a signature that names none is refused. Pure. */
export function withSignatures(annexes: readonly FileRef[], signatures: readonly FileRef[]): FileRef[] {
  const signedName = (signature: FileRef): string | undefined => {
    const suffix = SIGNATURE_SUFFIXES.find((end) => signature.name.toLowerCase().endsWith(end));
    return suffix === undefined ? undefined : signature.name.slice(0, -suffix.length);
  };
  for (const signature of signatures) {
    const name = signedName(signature);
    if (name === undefined || !annexes.some((annexe) => annexe.name === name)) {
      throw ApiError.of(
        422,
        GatewayErrorCode.SignatureUnmatched,
        `The signature « ${signature.name} » signs no annexe of this request: name it after its annexe plus .p7s (« plan.pdf.p7s »)`,
        'annexesSignatures',
      );
    }
  }
  return annexes.map((annexe) => {
    const signature = signatures.find((candidate) => signedName(candidate) === annexe.name);
    return signature === undefined ? annexe : { ...annexe, signature };
  });
}
