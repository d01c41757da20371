import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import { ActesArchiveError, buildActeArchive } from '@relais/actes';
import { BlobNotFoundError } from '@relais/blob-store';
import type { ActeSubmission, FileRef, PackagedFile, Transmission } from '@relais/domain';
import { isPrivacyError } from '@relais/privacy';
import { loadCollectivite, type ExecuteOptions } from '@relais/service-kit';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { cmsDer } from '@relais/file-checks';
import { archiveInput, dayIn } from './archive-input.js';
import type { ArchiveRecord } from './archive-registry.js';
import { PackagingError, PackagingErrorCode } from './packaging.errors.js';

/**
 * Builds a transmission's archive once and records it (TransmissionPackaged) before any delivery
 * attempt: number allocated, archive built and stored in the blob store, claimed in the registry,
 * then recorded. A crash anywhere in between is resumed from the registry, never rebuilt under
 * another name: every later attempt sends these bytes under this name.
 */
@Injectable()
export class Packager {
  private readonly logger = new Logger('Packager');

  constructor(
    private readonly resources: TransmitterResources,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** The file every attempt sends: the one recorded, else the one claimed, else a new one. */
  async ensurePackaged(t: Transmission, options: ExecuteOptions): Promise<PackagedFile> {
    if (t.package !== undefined) return t.package;
    if (t.submission.kind !== 'acte') {
      throw new PackagingError(PackagingErrorCode.NotAnActe, `transmission ${t.id} is a ${t.submission.kind}, not an acte`);
    }
    const record = (await this.resources.archives.byTransmission(t.id)) ?? (await this.build(t, t.submission));
    const packaged: PackagedFile = { fileName: record.fileName, sha256: record.sha256, size: record.size };
    await this.resources.commands.execute(
      { type: 'RecordPackage', data: { transmissionId: t.id, at: new Date().toISOString(), ...packaged } },
      options,
    );
    return packaged;
  }

  /**
   * The bytes of a packaged file as a stream for one delivery attempt, never held whole: its presence and
   * size are checked before the first byte is sent, and its hash as it flows, the last chunk held back
   * until the hash is known, so that bytes which are not the recorded ones never reach the State whole
   * (the attempt fails instead, and the State sees a cut upload).
   * @throws PackagingError `FileMissing` or `FileCorrupt` (size) before anything is sent
   */
  async streamOf(file: PackagedFile): Promise<AsyncIterable<Uint8Array>> {
    await this.checkStored(file);
    return verifiedChunks(await this.resources.blobs.get(file.sha256), file);
  }

  /** @throws PackagingError `FileMissing` or `FileCorrupt` (size) when the packaged file cannot be sent. */
  async checkStored(file: PackagedFile): Promise<void> {
    const stat = await this.resources.blobs.stat(file.sha256);
    if (stat === null) throw new PackagingError(PackagingErrorCode.FileMissing, `${file.fileName} (${file.sha256}) is not in the blob store`);
    if (stat.size !== file.size) {
      throw new PackagingError(PackagingErrorCode.FileCorrupt, `${file.fileName}: ${stat.size} bytes stored, ${file.size} recorded`);
    }
  }

  /** The stored bytes of a packaged file, checked against its recorded size and hash. */
  async bytesOf(file: PackagedFile): Promise<Buffer> {
    const bytes = await this.readFile(file.sha256, file.fileName);
    if (bytes.length !== file.size) {
      throw new PackagingError(PackagingErrorCode.FileCorrupt, `${file.fileName}: ${bytes.length} bytes stored, ${file.size} recorded`);
    }
    return bytes;
  }

  /** A file's detached signature as DER (it may have come as PEM or base64), for the 1-1's `Signature` element. */
  private async signatureDer(file: FileRef): Promise<Uint8Array | undefined> {
    if (file.signature === undefined) return undefined;
    const der = cmsDer(await this.fileBytes(file.signature));
    // Validation verified it; a signature that is no CMS at all cannot have passed.
    if (der === undefined) throw new PackagingError(PackagingErrorCode.FileCorrupt, `${file.signature.name} is not a CMS signature`);
    return der;
  }

  /**
   * The acte with its personal fields in clear, as the 1-1 carries them.
   * @throws PackagingError `PRIVACY.PERSONAL_DATA_SHREDDED` (shredded before the archive was built), `PRIVACY.KEY_MISSING`
   */
  private async opened(t: Transmission, acte: ActeSubmission): Promise<ActeSubmission> {
    try {
      return await this.resources.personalData.openActe(t.id, acte);
    } catch (error) {
      if (isPrivacyError(error)) throw new PackagingError(error.code, error.message, { cause: error });
      throw error;
    }
  }

  private async build(t: Transmission, sealed: ActeSubmission): Promise<ArchiveRecord> {
    const acte = await this.opened(t, sealed);
    const collectivite = await loadCollectivite(this.resources.store, t.siren);
    if (collectivite === undefined) {
      throw new PackagingError(PackagingErrorCode.CollectiviteUnknown, `no collectivité is registered with SIREN ${t.siren}`);
    }
    const document = await this.fileBytes(acte.document);
    const annexes = await Promise.all(acte.annexes.map((annexe) => this.fileBytes(annexe.file)));
    const signatures = {
      document: await this.signatureDer(acte.document),
      annexes: await Promise.all(acte.annexes.map((annexe) => this.signatureDer(annexe.file))),
    };
    const currentClassification = (await this.resources.classifications.load(t.siren)).state.current?.dateClassification;
    const dateEnvoi = dayIn(this.config.timeZone, new Date());
    const sequence = await this.resources.archives.nextNumber(t.siren, dateEnvoi);
    let archive;
    try {
      archive = await buildActeArchive(
        archiveInput({ acte, collectivite, document, annexes, signatures, dateEnvoi, sequence, settings: this.config, currentClassification }),
      );
    } catch (error) {
      if (error instanceof ActesArchiveError) throw new PackagingError(error.code, error.message, { cause: error });
      throw error;
    }
    await this.resources.blobs.put(Readable.from([archive.bytes]), { expectedSha256: archive.sha256 });
    const claimed = await this.resources.archives.claim({
      fileName: archive.name,
      transmissionId: t.id,
      siren: t.siren,
      numeroInterne: acte.numeroInterne,
      idActe: archive.idActe,
      day: dateEnvoi,
      number: sequence,
      sha256: archive.sha256,
      size: archive.bytes.length,
    });
    if (claimed.fileName === archive.name) this.logger.log(`transmission ${t.id}: packaged as ${archive.name}`);
    return claimed;
  }

  /**
   * The stored bytes of a file the log refers to, checked against its hash.
   * @throws PackagingError `TRANSMITTER.FILE_MISSING`, `TRANSMITTER.FILE_CORRUPT`
   */
  fileBytes(file: FileRef): Promise<Buffer> {
    return this.readFile(file.sha256, file.name);
  }

  private async readFile(sha256: string, name: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await buffer(await this.resources.blobs.get(sha256));
    } catch (error) {
      if (error instanceof BlobNotFoundError) {
        throw new PackagingError(PackagingErrorCode.FileMissing, `${name} (${sha256}) is not in the blob store`, { cause: error });
      }
      throw error;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new PackagingError(PackagingErrorCode.FileCorrupt, `${name}: the stored bytes do not hash to ${sha256}`);
    }
    return bytes;
  }
}

/** `source`'s chunks, the last one held back until the whole has hashed to the recorded sha256 and size. */
export async function* verifiedChunks(source: AsyncIterable<unknown>, file: PackagedFile): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    const bytes = chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk));
    hash.update(bytes);
    size += bytes.length;
    if (held !== undefined) yield held;
    held = bytes;
  }
  if (size !== file.size || hash.digest('hex') !== file.sha256) {
    throw new PackagingError(PackagingErrorCode.FileCorrupt, `${file.fileName}: the stored bytes are not the ${file.size} recorded bytes of ${file.sha256}`);
  }
  if (held !== undefined) yield held;
}
