import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import {
  ActeErrorCode,
  ActesImportError,
  ActesImportErrorCode,
  DEFAULT_ACTES_RULES,
  DEFAULT_OPERATOR_TRIGRAM,
  type ImportedActeArchive,
  type ImportedActeFile,
  natureActeAbbreviation,
  readActeArchive,
  validateActe,
} from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import type { ActeSubmission, ErrorDetail, FileRef } from '@relais/domain';
import type { PersonalData } from '@relais/privacy';
import type { TransmissionCommands } from '@relais/service-kit';
import { actorOf, type Principal } from '../auth/principal.js';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import type { IdempotencyRepository, StoredAnswer } from '../actes/idempotency.repository.js';
import { submitIdempotently } from '../actes/idempotent-submission.js';

/** The codes this route answers with beyond the gateway's own and `ACTES.ARCHIVE_*`/`ACTE.ARCHIVE_*`. */
export const ArchiveImportErrorCode = {
  /** The envelope's `Emetteur/IDCL@SIREN` is not the caller's collectivité. */
  SirenMismatch: 'ARCHIVE.SIREN_MISMATCH',
} as const;

const GZIP = /^application\/(x-)?gzip\s*(;|$)/i;
/** `Content-Disposition: attachment; filename="TRI-EACT--SIREN--YYYYMMDD-N.tar.gz"`, optional. */
const FILENAME = /(?:^|;)\s*filename\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;
/** Envelope, 1-1 message, document, and the 100 annexes `POST /api/v1/actes` allows. */
const MAX_ENTRIES = 2 + 101;
/** Room for the XML messages and the tar headers, beyond the files themselves. */
const XML_AND_HEADERS_BYTES = 1024 * 1024;

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
};

/** HTTP status of each refusal of the archive reader: unreadable 400, too big 413, the rest 422. */
function statusOf(code: ActesImportErrorCode): number {
  if (code === ActesImportErrorCode.NotGzip || code === ActesImportErrorCode.NotTar) return 400;
  if (code === ActesImportErrorCode.TooLarge) return 413;
  return 422;
}

/**
 * `POST /api/v1/actes/archive`: reads the body (bounded), unpacks and reads the @ctes archive as the
 * ministry would (`readActeArchive`: in memory, no path, no link, bounded bytes and entries, ISO-8859-1,
 * no DOCTYPE), checks that it is the caller's and that its names are @ctes names, stores the document
 * and the annexes in the blob store and executes the same SubmitActe as a form submission, its personal
 * fields sealed. Nothing is stored or recorded for a refused archive. Under an Idempotency-Key, as
 * `POST /api/v1/actes`.
 */
export class ArchiveImportHandler {
  constructor(
    private readonly config: GatewayConfig,
    private readonly blobs: BlobStore,
    private readonly commands: TransmissionCommands,
    private readonly keys: IdempotencyRepository,
    private readonly personalData: PersonalData,
  ) {}

  import(request: IncomingMessage, principal: Principal, idempotencyKey: string | undefined): Promise<StoredAnswer> {
    return submitIdempotently(this.keys, request, principal, idempotencyKey, this.maxBodyBytes, (transmissionId, causationId) =>
      this.accept(request, principal, transmissionId, causationId),
    );
  }

  /** The body may hold the 150 MiB of files (the upload limit) plus the XML and the tar headers. */
  private get maxBodyBytes(): number {
    return this.config.maxUploadBytes + XML_AND_HEADERS_BYTES;
  }

  private async accept(
    request: IncomingMessage,
    principal: Principal,
    transmissionId: string,
    causationId: string | undefined,
  ): Promise<StoredAnswer> {
    const siren = principal.siren;
    if (siren === undefined) throw new Error('A collectivite principal without a siren');
    const contentType = request.headers['content-type'] ?? '';
    if (!GZIP.test(contentType)) {
      throw ApiError.of(415, GatewayErrorCode.UnsupportedMediaType, `The body must be application/gzip, not « ${contentType} »`);
    }
    const archiveName = filenameOf(request.headers['content-disposition']);
    const body = await readBoundedBody(request, this.maxBodyBytes);
    const archive = await this.read(archiveName, body);
    if (archive.siren !== siren) {
      throw ApiError.of(403, ArchiveImportErrorCode.SirenMismatch, `The archive is sent by SIREN ${archive.siren}, not by the caller's collectivité`, 'archive');
    }
    const nameErrors = namingErrors(archive);
    if (nameErrors.length > 0) throw new ApiError(422, nameErrors);
    const acte = await this.personalData.sealActe(transmissionId, await this.submission(archive));
    const { state } = await this.commands.execute(
      { type: 'SubmitActe', data: { transmissionId, siren, at: new Date().toISOString(), acte } },
      { actor: actorOf(principal), ...(causationId === undefined ? {} : { causationId }) },
    );
    return { status: 202, body: { id: transmissionId, status: state.status === 'none' ? 'received' : state.status } };
  }

  private async read(archiveName: string | undefined, body: Buffer): Promise<ImportedActeArchive> {
    try {
      return await readActeArchive(archiveName, body, { maxInflatedBytes: this.maxBodyBytes, maxEntries: MAX_ENTRIES });
    } catch (error) {
      if (error instanceof ActesImportError) throw ApiError.of(statusOf(error.code), error.code, error.message, 'archive');
      throw error;
    }
  }

  /** The acte as a form would have submitted it, its files stored first. */
  private async submission(archive: ImportedActeArchive): Promise<ActeSubmission> {
    const { acte } = archive;
    const document = await this.store(acte.document);
    const annexes = [];
    for (const annexe of acte.annexes) {
      const file = await this.store(annexe);
      annexes.push(annexe.typePJ === undefined ? { file } : { file, typePJ: annexe.typePJ });
    }
    return {
      kind: 'acte',
      numeroInterne: acte.numeroInterne,
      dateDecision: acte.dateDecision,
      nature: natureActeAbbreviation(acte.nature),
      classification: acte.classification,
      objet: acte.objet,
      documentPapier: acte.documentPapier === 'O',
      ...(acte.document.typePJ === undefined ? {} : { typePJ: acte.document.typePJ }),
      document,
      annexes,
    };
  }

  private async store(file: ImportedActeFile): Promise<FileRef> {
    const { sha256, size } = await this.blobs.put(Readable.from([file.content]));
    const extension = file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase();
    return { sha256, size, name: file.name, mediaType: MEDIA_TYPES[extension] ?? 'application/octet-stream' };
  }
}

/**
 * The @ctes naming rules of an imported acte (DOMAIN.md §1.7: the archive's name, and each file named
 * after this acte), as validation states them; the other rules are the validator's, after the 202. An
 * archive received without its name is checked under its envelope's name.
 */
function namingErrors(archive: ImportedActeArchive): ErrorDetail[] {
  const { acte } = archive;
  const described = (file: ImportedActeFile) => ({ name: file.name, size: file.content.length, head: file.content.subarray(0, 1024) });
  const name = archive.archiveName ?? `${DEFAULT_OPERATOR_TRIGRAM}-${archive.envelopeName.slice(0, -'.xml'.length)}.tar.gz`;
  const result = validateActe(
    {
      metadata: {
        numeroInterne: acte.numeroInterne,
        dateDecision: acte.dateDecision,
        nature: acte.nature,
        classification: acte.classification,
        objet: acte.objet,
      },
      document: described(acte.document),
      annexes: acte.annexes.map(described),
      archive: { name },
    },
    { today: '9999-12-31', existingNumerosInternes: new Set(), rules: DEFAULT_ACTES_RULES },
  );
  if (result.ok) return [];
  const naming = new Set<string>([ActeErrorCode.ArchiveNameInvalid, ActeErrorCode.ArchiveFileNameInvalid]);
  return result.errors.filter((error) => naming.has(error.code));
}

function filenameOf(disposition: string | undefined): string | undefined {
  if (disposition === undefined) return undefined;
  const match = FILENAME.exec(disposition);
  const name = match?.[1] ?? match?.[2];
  return name === undefined || name === '' ? undefined : name;
}

/** The request body in memory, refused (413) as soon as it passes `maxBytes`. */
async function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        throw ApiError.of(413, GatewayErrorCode.UploadTooLarge, `The archive exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.of(400, GatewayErrorCode.ClientAborted, `The request broke off: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Buffer.concat(chunks, size);
}
