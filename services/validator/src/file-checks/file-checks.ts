import { Inject, Injectable, Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BlobNotFoundError } from '@relais/blob-store';
import type { ActeSubmission, ErrorDetail, FileRef, PesSubmission } from '@relais/domain';
import {
  ClamdScanner,
  FILE_CHECK_ERRORS,
  FileCheckError,
  verifyDetachedSignature,
  verifyPesSignatures,
  type PesSignaturesResult,
} from '@relais/file-checks';
import type { ValidatorConfig } from '../config.js';
import { VALIDATOR_CONFIG } from '../tokens.js';
import { FileNotStoredError } from '../validation/file-not-stored.error.js';
import { ValidatorResources } from '../validator.resources.js';
import { pesSignatureErrors, signatureError, virusError, type CheckedFile } from './file-checks.verdict.js';

/**
 * The checks before sending (DOMAIN.md §1.8 and §2.3, issue 6), run by validation so that a failure is
 * a clear code on the transmission and nothing leaves: every file (document, annexes, their
 * signatures, a PES file) scanned by ClamAV where a daemon is configured; an acte's detached
 * signatures verified against the file they sign; a PES file's XAdES signatures verified. A file with
 * a virus is reported alone: nothing else is read of it. A daemon that does not answer is not a
 * verdict: the message is handed back to the broker and tried again later.
 */
@Injectable()
export class FileChecks {
  private readonly logger = new Logger('FileChecks');
  private readonly scanner: ClamdScanner | undefined;
  private trusted: Promise<string> | undefined;

  constructor(
    private readonly resources: ValidatorResources,
    @Inject(VALIDATOR_CONFIG) private readonly config: ValidatorConfig,
  ) {
    this.scanner =
      config.clamd === undefined ? undefined : new ClamdScanner({ address: config.clamd, streamMaxLength: config.clamdStreamMaxBytes, timeoutMs: 120_000 });
    if (this.scanner === undefined) this.logger.warn('no ClamAV daemon configured (RELAIS_CLAMD): files are not scanned for viruses');
  }

  /** Whether the antivirus answers (for readiness); true when none is configured. */
  async antivirusReady(): Promise<boolean> {
    if (this.scanner === undefined) return true;
    await this.scanner.ping();
    return true;
  }

  /** The problems of an acte's files: a virus, else each detached signature that does not verify. */
  async ofActe(transmissionId: string, submission: ActeSubmission): Promise<ErrorDetail[]> {
    const files: CheckedFile[] = [
      { file: submission.document, field: 'document' },
      ...submission.annexes.map((annexe, i) => ({ file: annexe.file, field: `annexes[${i.toString()}]` })),
    ];
    const signatures = files.flatMap(({ file, field }) => (file.signature === undefined ? [] : [{ file: file.signature, field: `${field}.signature` }]));
    const viruses = await this.scan(transmissionId, [...files, ...signatures]);
    if (viruses.length > 0) return viruses;
    const errors: ErrorDetail[] = [];
    for (const { file, field } of files) {
      if (file.signature === undefined) continue;
      const result = await verifyDetachedSignature(
        await this.bytes(transmissionId, file),
        await this.bytes(transmissionId, file.signature),
        await this.trustedCertificates(),
      );
      const error = signatureError(result, file, `${field}.signature`);
      if (error !== undefined) errors.push(error);
    }
    return errors;
  }

  /** The problems of a PES file: a virus, else each XAdES signature that does not verify. */
  async ofPes(transmissionId: string, submission: PesSubmission): Promise<ErrorDetail[]> {
    const { file } = submission;
    const limit = this.config.pesSignatureMaxBytes;
    // A file whose signatures are verified is read once, for the antivirus and the verification both.
    const bytes = file.size > limit ? undefined : await this.bytes(transmissionId, file);
    const viruses = await this.scan(transmissionId, [{ file, field: 'file', ...(bytes === undefined ? {} : { bytes }) }]);
    if (viruses.length > 0) return viruses;
    if (bytes === undefined) {
      this.logger.warn(`transmission ${transmissionId}: ${file.name} (${file.size.toString()} bytes) is above ${limit.toString()} bytes: its signatures are not verified`);
      return [];
    }
    const result: PesSignaturesResult = verifyPesSignatures(bytes, { maxDomBytes: limit });
    if (result.signed === 'unknown') {
      this.logger.warn(`transmission ${transmissionId}: signatures not verified: ${result.reason}`);
      return [];
    }
    return pesSignatureErrors(result);
  }

  /** Scans each file, from its bytes when the caller has them already, else streamed from the blob store. */
  private async scan(transmissionId: string, files: readonly (CheckedFile & { readonly bytes?: Buffer })[]): Promise<ErrorDetail[]> {
    const { scanner } = this;
    if (scanner === undefined) return [];
    const errors: ErrorDetail[] = [];
    for (const { file, field, bytes } of files) {
      if (file.size > this.config.clamdStreamMaxBytes) {
        errors.push({ code: 'FILE.TOO_LARGE_TO_SCAN', message: `« ${file.name} » (${file.size.toString()} octets) dépasse la taille que l'antivirus peut analyser`, field });
        continue;
      }
      try {
        const verdict = await scanner.scan(bytes ?? (await this.stream(transmissionId, file)));
        if (verdict.verdict === 'infected') errors.push(virusError(file, field, verdict.signature));
      } catch (error) {
        if (error instanceof FileCheckError && error.code === FILE_CHECK_ERRORS.ANTIVIRUS_SIZE_LIMIT) {
          errors.push({ code: 'FILE.TOO_LARGE_TO_SCAN', message: `« ${file.name} » dépasse la taille que l'antivirus peut analyser`, field });
        } else throw error; // unavailable or failed: no verdict, the broker brings the message again
      }
    }
    return errors;
  }

  private async stream(transmissionId: string, file: FileRef): Promise<Readable> {
    try {
      return await this.resources.blobs.get(file.sha256);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new FileNotStoredError(transmissionId, file.sha256);
      throw error;
    }
  }

  private async bytes(transmissionId: string, file: FileRef): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(transmissionId, file)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async trustedCertificates(): Promise<{ trustedCertificates?: string[] }> {
    const file = this.config.signatureTrustFile;
    if (file === undefined) return {};
    // The bundle as it is: the verifier takes every certificate of a PEM text.
    this.trusted ??= readFile(file, 'utf8');
    return { trustedCertificates: [await this.trusted] };
  }
}
