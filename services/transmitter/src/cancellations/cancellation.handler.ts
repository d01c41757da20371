import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ActesArchiveError, buildAnnulationArchive } from '@relais/actes';
import type { Transmission } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { findEndpoint } from '@relais/routing';
import { loadCollectivite } from '@relais/service-kit';
import { dayIn } from '../archives/archive-input.js';
import { PackagingErrorCode } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import { MessageSender, recordSent } from '../messages/message-sender.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import type { CancellationRecord } from './cancellation-registry.js';

/**
 * Sends the 6-1 Annulation of a transmission whose cancellation was asked: the archive is built once
 * (its own envelope number) and claimed in `transmitter_cancellations` before any sending, so every
 * attempt, in any replica, POSTs the same stored bytes under the same name to the acte's endpoint.
 * Once the State took it, it is marked sent and recorded (TransmissionMessageSent 6-1); a redelivered
 * message finding it recorded does nothing, one finding it only marked records the event. The acte
 * becomes `cancelled` when the préfecture's 6-2 is read from the mailbox (the reply poller), which the
 * domain takes only once the 6-1 is recorded as sent.
 */
@Injectable()
export class CancellationHandler {
  private readonly logger = new Logger('Cancellation');

  constructor(
    private readonly resources: TransmitterResources,
    private readonly sender: MessageSender,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** One attempt; rejects with `MessagePostponedError` to be brought again, `PermanentError` when it never can. */
  async send(transmissionId: string, messageId: string): Promise<void> {
    const { state: t } = await this.resources.commands.load(transmissionId);
    if (t.status === 'none') throw new PermanentError(`transmission ${transmissionId} does not exist`, 'TRANSMISSION.NOT_FOUND');
    if (t.cancellation === undefined || t.cancellation.sent !== undefined || t.status === 'cancelled') return;
    if (t.route?.channel !== 'actes') {
      throw new PermanentError(`transmission ${transmissionId}: only an @ctes acte can be cancelled`, 'TRANSMITTER.CHANNEL_NOT_SUPPORTED');
    }
    const record = (await this.resources.cancellations.byTransmission(t.id)) ?? (await this.build(t, t.cancellation.idActe));
    let sentAt = record.sentAt;
    if (sentAt === undefined) {
      const endpointId = t.route.endpointId;
      const endpoint = findEndpoint(await this.resources.routing.current(), endpointId);
      const what = `transmission ${t.id}: 6-1 ${record.fileName} for ${record.idActe}`;
      await this.sender.send({ what, file: record, refusedCode: 'TRANSMITTER.CANCELLATION_REFUSED' }, endpoint, `endpoint ${endpointId} is not in the routing table`);
      sentAt = new Date();
      await this.resources.cancellations.markSent(t.id, sentAt);
    }
    await recordSent(`transmission ${t.id}: ${record.fileName}`, () =>
      this.resources.commands.execute(
        {
          type: 'RecordMessageSent',
          data: { transmissionId: t.id, at: sentAt.toISOString(), code: '6-1', fileName: record.fileName, sha256: record.sha256 },
        },
        { causationId: messageId, actor: 'transmitter' },
      ),
    );
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
