import {
  DEFAULT_ACTES_RULES,
  hasPdfEnd,
  isEncryptedPdf,
  PDF_MARKER_WINDOW,
  PDF_TRAILER_WINDOW,
  sniffFormat,
  type ActesRules,
  type FileFormat,
} from '@relais/actes';
import { collectiviteReplyCodes, replyDocuments, type CollectiviteReplyCode, type ErrorDetail, type FileRef } from '@relais/domain';
import { GatewayErrorCode } from '../errors/error-codes.js';

/** The stable codes of a reply the gateway refuses (422) before anything is recorded. */
export const ReplyErrorCode = {
  /** `code` is not one of the collectivité's answers: 2-2, 3-3, 3-4, 4-3, 4-4. */
  InvalidCode: 'REPLY.INVALID_CODE',
  /** Not the number of documents the answer carries: one for 2-2, 3-3, 4-3, 4-4; one or more for 3-4. */
  DocumentCount: 'REPLY.DOCUMENT_COUNT',
  /** An empty file. */
  DocumentEmpty: 'REPLY.DOCUMENT_EMPTY',
  /** The bytes are none of PDF, XML, PNG, JPEG (DOMAIN.md §1.8: reply documents are MIME-sniffed). */
  DocumentFormatInvalid: 'REPLY.DOCUMENT_FORMAT_INVALID',
  /** Named or sent as a PDF (`.pdf`, `application/pdf`), its bytes are not one. */
  DocumentNotPdf: 'REPLY.DOCUMENT_NOT_PDF',
  /** A PDF without its `%%EOF` end marker: cut short. */
  DocumentTruncated: 'REPLY.DOCUMENT_TRUNCATED',
  /** An encrypted PDF: the préfecture could not read it. */
  DocumentEncrypted: 'REPLY.DOCUMENT_ENCRYPTED',
} as const;

/** How many bytes of each end of a document the checks read: the PDF header and end marker, and its trailers. */
export const REPLY_DOCUMENT_WINDOW = Math.max(PDF_MARKER_WINDOW, PDF_TRAILER_WINDOW);

/** A stored document part with the first and last bytes ({@link REPLY_DOCUMENT_WINDOW} of each) its checks read. */
export interface ReplyDocumentPart {
  readonly ref: FileRef;
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
}

/** Either the answer with its documents (media types from their bytes), or every reason it cannot be one. */
export type ReplyMapping =
  | { readonly ok: true; readonly code: CollectiviteReplyCode; readonly documents: readonly FileRef[] }
  | { readonly ok: false; readonly errors: readonly ErrorDetail[] };

const mediaTypes: Readonly<Record<FileFormat, string>> = { pdf: 'application/pdf', xml: 'application/xml', png: 'image/png', jpeg: 'image/jpeg' };

/**
 * The `metadata` part (`{code}`) and the `documents` parts of a reply to a préfecture letter, checked
 * as far as they can be without the letter: a collectivité's answer code, its number of documents,
 * and each document by its bytes as the acte rules judge an annexe (`rules.annexeFormats`: PDF, XML,
 * PNG or JPEG; a PDF whole and, unless the rules allow it, unencrypted; a file that says it is a PDF
 * must be one). Whether the code answers that
 * letter is the domain's to say. Each document is recorded under the media type its bytes show. Pure.
 */
export function replyFromUpload(metadata: unknown, parts: readonly ReplyDocumentPart[], rules: ActesRules = DEFAULT_ACTES_RULES): ReplyMapping {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return { ok: false, errors: [{ code: GatewayErrorCode.InvalidMetadata, message: 'metadata must be a JSON object: {"code": "2-2"}', field: 'metadata' }] };
  }
  const value = (metadata as Readonly<Record<string, unknown>>)['code'];
  const allowed = collectiviteReplyCodes.join(', ');
  if (value === undefined || value === null) {
    return { ok: false, errors: [{ code: GatewayErrorCode.MissingField, message: `metadata.code is required (${allowed})`, field: 'code' }] };
  }
  const code = collectiviteReplyCodes.find((candidate) => candidate === value);
  if (code === undefined) {
    return { ok: false, errors: [{ code: ReplyErrorCode.InvalidCode, message: `metadata.code ${JSON.stringify(value)} is not one of ${allowed}`, field: 'code' }] };
  }
  const errors: ErrorDetail[] = [];
  const { min, max } = replyDocuments[code];
  if (parts.length < min || parts.length > max) {
    const expected = min === max ? `${min} document` : `at least ${min} document`;
    errors.push({ code: ReplyErrorCode.DocumentCount, message: `A ${code} carries ${expected}, not ${parts.length}`, field: 'documents' });
  }
  const documents = parts.flatMap((part, i) => {
    const checked = checkDocument(part, `documents[${i}]`, rules);
    if ('code' in checked) {
      errors.push(checked);
      return [];
    }
    return [{ ...part.ref, mediaType: mediaTypes[checked.format] }];
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, code, documents };
}

/** Whether the client said the file is a PDF, by its name or its part's type. */
function saysPdf(ref: FileRef): boolean {
  return /\.pdf$/i.test(ref.name) || /^application\/pdf\s*(;|$)/i.test(ref.mediaType);
}

function checkDocument(part: ReplyDocumentPart, field: string, rules: ActesRules): ErrorDetail | { readonly format: FileFormat } {
  const { ref, head, tail } = part;
  const name = JSON.stringify(ref.name);
  if (ref.size === 0) return { code: ReplyErrorCode.DocumentEmpty, message: `The document ${name} is empty`, field };
  const format = sniffFormat(head);
  if (format !== 'pdf' && saysPdf(ref)) {
    return { code: ReplyErrorCode.DocumentNotPdf, message: `The document ${name} is presented as a PDF, but its bytes are not a PDF`, field };
  }
  if (format === undefined || !rules.annexeFormats.includes(format)) {
    const allowed = rules.annexeFormats.map((f) => f.toUpperCase()).join(', ');
    return { code: ReplyErrorCode.DocumentFormatInvalid, message: `The document ${name} is not in an accepted format (${allowed}); its bytes were examined, not its name`, field };
  }
  if (format !== 'pdf') return { format };
  if (!hasPdfEnd(tail)) {
    return { code: ReplyErrorCode.DocumentTruncated, message: `The document ${name} is incomplete (the end of the PDF is missing)`, field };
  }
  if (!rules.allowEncryptedPdf && isEncryptedPdf(head, tail)) {
    return { code: ReplyErrorCode.DocumentEncrypted, message: `The document ${name} is an encrypted PDF, which the préfecture could not read`, field };
  }
  return { format };
}
