import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ActesArchiveError, buildAnnulationArchive } from '@relais/actes';
import type { Transmission } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { findEndpoint } from '@relais/routing';
import { loadCollectivite } from '@relais/service-kit';
import { dayIn } from '../archives/archive-input.js';
import { Packager } from '../archives/packager.js';
import { PackagingError, PackagingErrorCode } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { postArchive } from '../delivery/archive-post.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import type { CancellationRecord } from './cancellation-registry.js';

/** Thrown when the 6-1 did not get through this time: the broker brings the message back after its delay. */
export class CancellationPostponedError extends Error {
  override readonly name = 'CancellationPostponedError';
  readonly code = 'TRANSMITTER.CANCELLATION_POSTPONED';
}

/**
 * Sends the 6-1 Annulation of a transmission whose cancellation was asked: the archive is built once
 * (its own envelope number) and claimed in `transmitter_cancellations` before any sending, so every
 * attempt, in any replica, POSTs the same stored bytes under the same name to the acte's endpoint.
 * Once the State took it, it is marked sent and a redelivered message does nothing. The acte becomes
 * `cancelled` when the préfecture's 6-2 is read from the mailbox (the reply poller).
 */
@Injectable()
export class CancellationHandler {
  private readonly logger = new Logger('Cancellation');

  constructor(
    private readonly resources: TransmitterResources,
    private readonly packager: Packager,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** One attempt; rejects with {@link CancellationPostponedError} to be brought again, `PermanentError` when it never can. */
  async send(transmissionId: string): Promise<void> {
    const { state: t } = await this.resources.commands.load(transmissionId);
    if (t.status === 'none') throw new PermanentError(`transmission ${transmissionId} does not exist`, 'TRANSMISSION.NOT_FOUND');
    if (t.cancellation === undefined || t.status === 'cancelled') return;
    if (t.route?.channel !== 'actes') {
      throw new PermanentError(`transmission ${transmissionId}: only an @ctes acte can be cancelled`, 'TRANSMITTER.CHANNEL_NOT_SUPPORTED');
    }
    const record = (await this.resources.cancellations.byTransmission(t.id)) ?? (await this.build(t, t.cancellation.idActe));
    if (record.sentAt !== undefined) return;
    let bytes: Buffer;
    try {
      bytes = await this.packager.bytesOf({ fileName: record.fileName, sha256: record.sha256, size: record.size });
    } catch (error) {
      if (error instanceof PackagingError) throw new PermanentError(`transmission ${t.id}: 6-1 ${record.fileName}: ${error.message}`, error.code, { cause: error });
      throw error;
    }
    const endpointId = t.route.endpointId;
    const endpoint = findEndpoint(await this.resources.routing.current(), endpointId);
    if (endpoint === undefined) throw new CancellationPostponedError(`endpoint ${endpointId} is not in the routing table`);
    const outcome = await postArchive(endpoint.url, record.fileName, bytes, this.config.deliveryTimeoutMs);
    switch (outcome.kind) {
      case 'taken':
        await this.resources.cancellations.markSent(t.id, new Date());
        this.logger.log(`transmission ${t.id}: 6-1 ${record.fileName} for ${record.idActe} taken by the State`);
        return;
      case 'unavailable':
        this.logger.warn(`transmission ${t.id}: 6-1 ${record.fileName} did not get through (${outcome.reason}); trying again later`);
        throw new CancellationPostponedError(`transmission ${t.id}: 6-1 ${record.fileName}: ${outcome.reason}`);
      case 'refused':
        this.logger.error(`transmission ${t.id}: 6-1 ${record.fileName} refused by the State: ${outcome.reason}`);
        throw new PermanentError(`transmission ${t.id}: 6-1 ${record.fileName} refused: ${outcome.reason}`, 'TRANSMITTER.CANCELLATION_REFUSED');
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown attempt outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async build(t: Transmission, idActe: string): Promise<CancellationRecord> {
    const collectivite = await loadCollectivite(this.resources.store, t.siren);
    if (collectivite === undefined) {
      throw new PermanentError(`no collectivité is registered with SIREN ${t.siren}`, PackagingErrorCode.CollectiviteUnknown);
    }
    const dateEnvoi = dayIn(this.config.timeZone, new Date());
    const sequence = await this.resources.archives.nextNumber(t.siren, dateEnvoi);
    let archive;
    try {
      archive = await buildAnnulationArchive({
        operatorTrigram: this.config.operatorTrigram,
        sequence,
        dateEnvoi,
        collectivite: {
          siren: collectivite.siren,
          departement: collectivite.departement,
          arrondissement: collectivite.arrondissement,
          nature: collectivite.nature,
        },
        adressesRetour: [this.config.returnAddress],
        idActe,
      });
    } catch (error) {
      if (error instanceof ActesArchiveError) {
        throw new PermanentError(`transmission ${t.id}: the 6-1 cannot be built: ${error.message}`, error.code);
      }
      throw error;
    }
    await this.resources.blobs.put(Readable.from([archive.bytes]), { expectedSha256: archive.sha256 });
    const claimed = await this.resources.cancellations.claim({
      transmissionId: t.id,
      fileName: archive.name,
      siren: t.siren,
      idActe,
      day: dateEnvoi,
      number: sequence,
      sha256: archive.sha256,
      size: archive.bytes.length,
    });
    if (claimed.fileName === archive.name) this.logger.log(`transmission ${t.id}: 6-1 packaged as ${archive.name}`);
    return claimed;
  }
}
