import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PackagedFile, PesSubmission, Transmission } from '@relais/domain';
import type { ExecuteOptions } from '@relais/service-kit';
import { dayIn } from '../archives/archive-input.js';
import { PackagingError, PackagingErrorCode } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import type { PesFileRecord } from './pes-file-registry.js';
import { pesFileRecord, pesRouting } from './pes-package.js';

/**
 * Names a PES transmission's file once and records it (TransmissionPackaged) before any delivery
 * attempt: the counter allocated for (IdColl, day in `TRANSMITTER_TIME_ZONE`), the name claimed in
 * `transmitter_pes_files`, then recorded. The bytes are the submitted file's, already in the blob store
 * under its hash: nothing is copied. A crash anywhere in between is resumed from the registry, never
 * named again: every later attempt sends these bytes under this name.
 */
@Injectable()
export class PesPackager {
  private readonly logger = new Logger('PesPackager');

  constructor(
    private readonly resources: TransmitterResources,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** The file every attempt sends: the one recorded, else the one claimed, else a new one. */
  async ensurePackaged(t: Transmission, options: ExecuteOptions): Promise<PackagedFile> {
    if (t.package !== undefined) return t.package;
    if (t.submission.kind !== 'pes') {
      throw new PackagingError(PackagingErrorCode.NotAPesFile, `transmission ${t.id} is a ${t.submission.kind}, not a PES file`);
    }
    const pes = t.submission;
    // A file whose header gives no usable route would be named for nothing.
    pesRouting(pes);
    const record = (await this.resources.pesFiles.byTransmission(t.id)) ?? (await this.name(t.id, pes));
    const packaged: PackagedFile = { fileName: record.fileName, sha256: record.sha256, size: record.size };
    await this.resources.commands.execute(
      { type: 'RecordPackage', data: { transmissionId: t.id, at: new Date().toISOString(), ...packaged } },
      options,
    );
    return packaged;
  }

  private async name(transmissionId: string, pes: PesSubmission): Promise<PesFileRecord> {
    const stored = await this.resources.blobs.stat(pes.file.sha256);
    if (stored === null) {
      throw new PackagingError(PackagingErrorCode.FileMissing, `${pes.file.name} (${pes.file.sha256}) is not in the blob store`);
    }
    if (stored.size !== pes.file.size) {
      throw new PackagingError(PackagingErrorCode.FileCorrupt, `${pes.file.name}: ${stored.size} bytes stored, ${pes.file.size} recorded`);
    }
    const day = dayIn(this.config.timeZone, new Date());
    const number = await this.resources.pesFiles.nextNumber(pes.idColl, day);
    const mine = pesFileRecord(transmissionId, pes, day, number);
    const claimed = await this.resources.pesFiles.claim(mine);
    if (claimed.fileName === mine.fileName) this.logger.log(`transmission ${transmissionId}: PES file ${pes.nomFic} named ${claimed.fileName}`);
    return claimed;
  }
}
