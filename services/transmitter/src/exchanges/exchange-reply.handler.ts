import { Inject, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ActesArchiveError, buildReplyArchive } from '@relais/actes';
import type { FileRef, ReplyCode, Transmission } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { findEndpoint } from '@relais/routing';
import { loadCollectivite, type ExecuteOptions } from '@relais/service-kit';
import { dayIn } from '../archives/archive-input.js';
import { Packager } from '../archives/packager.js';
import { PackagingError, PackagingErrorCode } from '../archives/packaging.errors.js';
import type { TransmitterConfig } from '../config.js';
import { TransmitterResources } from '../database/transmitter-resources.js';
import type { MessageRecord } from '../messages/message-registry.js';
import { MessageSender, recordSent } from '../messages/message-sender.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { replyArchiveInput, replyPlan } from './exchange-reply.js';

/** An answer to a letter the log asked to send (TransmissionReplyRequested). */
export interface ReplyRequest {
  readonly transmissionId: string;
  readonly exchange: number;
  readonly code: ReplyCode;
  /** The message's idempotency key: the events it causes carry it. */
  readonly messageId: string;
}

/** The answer an archive is built for: the letter it answers and its documents. */
interface AnswerToBuild {
  readonly exchange: number;
  readonly code: ReplyCode;
  readonly idActe: string;
  readonly dateCourrierPref: string;
  readonly documents: readonly FileRef[];
}

/**
 * Sends an answer to a préfecture letter (the automatic 3-2 / 4-2, the collectivité's 2-2, 3-3, 3-4,
 * 4-3, 4-4): the archive is built once (its own envelope number, the letter's DateCourrierPref, the
 * documents from the blob store) and claimed in `transmitter_messages` before any sending, so every
 * attempt, in any replica, POSTs the same bytes under the same name to the acte's endpoint. Once the
 * State took it: marked sent, then TransmissionMessageSent; a redelivered request whose answer the log
 * says sent does nothing, one the table says sent records only the event.
 */
@Injectable()
export class ExchangeReplyHandler {
  private readonly logger = new Logger('ExchangeReply');

  constructor(
    private readonly resources: TransmitterResources,
    private readonly packager: Packager,
    private readonly sender: MessageSender,
    @Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig,
  ) {}

  /** One attempt; rejects with `MessagePostponedError` to be brought again, `PermanentError` when it never can. */
  async send(request: ReplyRequest): Promise<void> {
    const { transmissionId, exchange, code } = request;
    const { state: t } = await this.resources.commands.load(transmissionId);
    if (t.status === 'none') throw new PermanentError(`transmission ${transmissionId} does not exist`, 'TRANSMISSION.NOT_FOUND');
    const plan = replyPlan(t, exchange, code);
    if (plan.kind === 'sent') return;
    if (plan.kind === 'impossible') throw new PermanentError(plan.why, 'TRANSMITTER.REPLY_NOT_ASKED');
    if (t.route?.channel !== 'actes') {
      throw new PermanentError(`transmission ${t.id}: only an @ctes acte has letters to answer`, 'TRANSMITTER.CHANNEL_NOT_SUPPORTED');
    }
    const record =
      (await this.resources.messages.reply(t.id, exchange, code)) ??
      (await this.build(t, { exchange, code, idActe: plan.idActe, dateCourrierPref: plan.exchange.dateCourrierPref, documents: plan.reply.documents }));
    let sentAt = record.sentAt;
    if (sentAt === undefined) {
      const endpointId = t.route.endpointId;
      const endpoint = findEndpoint(await this.resources.routing.current(), endpointId);
      const what = `transmission ${t.id}: ${code} ${record.fileName} (exchange ${exchange})`;
      await this.sender.send({ what, file: record, refusedCode: 'TRANSMITTER.REPLY_REFUSED' }, endpoint, `endpoint ${endpointId} is not in the routing table`);
      sentAt = new Date();
      await this.resources.messages.markSent(record.fileName, sentAt);
    }
    const options: ExecuteOptions = { causationId: request.messageId, actor: 'transmitter' };
    await recordSent(`transmission ${t.id}: ${record.fileName}`, () =>
      this.resources.commands.execute(
        {
          type: 'RecordMessageSent',
          data: { transmissionId: t.id, at: sentAt.toISOString(), code, exchange, fileName: record.fileName, sha256: record.sha256 },
        },
        options,
      ),
    );
  }

  private async build(t: Transmission, answer: AnswerToBuild): Promise<MessageRecord> {
    const collectivite = await loadCollectivite(this.resources.store, t.siren);
    if (collectivite === undefined) {
      throw new PermanentError(`no collectivité is registered with SIREN ${t.siren}`, PackagingErrorCode.CollectiviteUnknown);
    }
    const dateEnvoi = dayIn(this.config.timeZone, new Date());
    let sequence = 0;
    let archive;
    try {
      const documents = await Promise.all(answer.documents.map(async (file) => ({ file, content: await this.packager.fileBytes(file) })));
      sequence = await this.resources.archives.nextNumber(t.siren, dateEnvoi);
      archive = await buildReplyArchive(
        replyArchiveInput({ collectivite, ...answer, documents, dateEnvoi, sequence, settings: this.config }),
      );
    } catch (error) {
      if (error instanceof PackagingError || error instanceof ActesArchiveError) {
        throw new PermanentError(`transmission ${t.id}: the ${answer.code} cannot be built: ${error.message}`, error.code, { cause: error });
      }
      throw error;
    }
    await this.resources.blobs.put(Readable.from([archive.bytes]), { expectedSha256: archive.sha256 });
    const claimed = await this.resources.messages.claim({
      kind: 'reply',
      code: answer.code,
      transmissionId: t.id,
      exchange: answer.exchange,
      idActe: answer.idActe,
      dateCourrierPref: answer.dateCourrierPref,
      fileName: archive.name,
      siren: t.siren,
      day: dateEnvoi,
      number: sequence,
      sha256: archive.sha256,
      size: archive.bytes.length,
    });
    if (claimed.fileName === archive.name) this.logger.log(`transmission ${t.id}: ${answer.code} of exchange ${answer.exchange} packaged as ${archive.name}`);
    return claimed;
  }
}
