import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ActesArchiveError, buildClassificationRequestArchive } from '@relais/actes';
import type { ClassificationRequest } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { routeActe } from '@relais/routing';
import { loadCollectivite, type Collectivite } from '@relais/service-kit';
import { dayIn } from '../archives/archive-input.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import type { MessageRecord } from '../messages/message-registry.js';
import { MessageSender, recordSent } from '../messages/message-sender.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { classificationRequestInput, requestPlan } from './classification-request.js';

/** A 7-1 the log asked to send (ClassificationRequested). */
export interface ClassificationRequestToSend {
  readonly siren: string;
  readonly requestId: string;
  /** The message's idempotency key: the events it causes carry it. */
  readonly messageId: string;
}

/**
 * Sends a collectivité's 7-1 DemandeClassification to the @ctes endpoint of its département and
 * arrondissement (the routing table's rules for actes): the archive is built once (its own envelope
 * number, the date of the classification held or the platform default's) and claimed in
 * `transmitter_messages` before any sending, so every attempt POSTs the same bytes under the same
 * name. Once the State took it: marked sent, then ClassificationRequestSent in the collectivité's stream.
 */
@Injectable()
export class ClassificationRequestHandler {
  private readonly logger = new Logger('ClassificationRequest');

  constructor(
    private readonly resources: TransmitterResources,
    private readonly sender: MessageSender,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** One attempt; rejects with `MessagePostponedError` to be brought again, `PermanentError` when it never can. */
  async send(toSend: ClassificationRequestToSend): Promise<void> {
    const { siren, requestId } = toSend;
    const [loaded, collectivite] = await Promise.all([
      this.resources.classifications.load(siren),
      loadCollectivite(this.resources.store, siren),
    ]);
    if (!loaded.registered || collectivite === undefined) {
      throw new PermanentError(`no collectivité is registered with SIREN ${siren}`, 'COLLECTIVITE.NOT_FOUND');
    }
    const plan = requestPlan(loaded.state, siren, requestId);
    if (plan.kind === 'sent') return;
    if (plan.kind === 'impossible') throw new PermanentError(plan.why, 'CLASSIFICATION.UNKNOWN_REQUEST');
    const record = (await this.resources.messages.classificationRequest(siren, requestId)) ?? (await this.build(collectivite, plan.request));
    let sentAt = record.sentAt;
    if (sentAt === undefined) {
      const endpoint = routeActe(await this.resources.routing.current(), collectivite);
      const what = `collectivité ${siren}: 7-1 ${record.fileName} (request ${requestId})`;
      const none = `no @ctes endpoint for département ${collectivite.departement}, arrondissement ${collectivite.arrondissement}`;
      await this.sender.send({ what, file: record, refusedCode: 'TRANSMITTER.CLASSIFICATION_REQUEST_REFUSED' }, endpoint, none);
      sentAt = new Date();
      await this.resources.messages.markSent(record.fileName, sentAt);
    }
    const at = sentAt.toISOString();
    await recordSent(`collectivité ${siren}: ${record.fileName}`, () =>
      this.resources.classifications.execute(
        { type: 'RecordClassificationRequestSent', data: { siren, at, requestId, fileName: record.fileName, sha256: record.sha256 } },
        { causationId: toSend.messageId, actor: 'transmitter' },
      ),
    );
  }

  private async build(collectivite: Collectivite, request: ClassificationRequest): Promise<MessageRecord> {
    const { siren } = collectivite;
    const dateEnvoi = dayIn(this.config.timeZone, new Date());
    const sequence = await this.resources.archives.nextNumber(siren, dateEnvoi);
    let archive;
    try {
      archive = await buildClassificationRequestArchive(classificationRequestInput({ collectivite, request, dateEnvoi, sequence, settings: this.config }));
    } catch (error) {
      if (error instanceof ActesArchiveError) {
        throw new PermanentError(`collectivité ${siren}: the 7-1 cannot be built: ${error.message}`, error.code, { cause: error });
      }
      throw error;
    }
    await this.resources.blobs.put(Readable.from([archive.bytes]), { expectedSha256: archive.sha256 });
    const claimed = await this.resources.messages.claim({
      kind: 'classification',
      code: '7-1',
      requestId: request.id,
      fileName: archive.name,
      siren,
      day: dateEnvoi,
      number: sequence,
      sha256: archive.sha256,
      size: archive.bytes.length,
    });
    if (claimed.fileName === archive.name) this.logger.log(`collectivité ${siren}: 7-1 of request ${request.id} packaged as ${archive.name}`);
    return claimed;
  }
}
