import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import { TransmissionErrorCode, type CollectiviteReplyCode } from '@relais/domain';
import { TransmissionCommands } from '@relais/service-kit';
import { IdempotencyRepository, type StoredAnswer } from '../actes/idempotency.repository.js';
import { submitIdempotently } from '../actes/idempotent-submission.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { isTransmissionId, notFound } from '../transmissions/transmissions.reader.js';
import { metadataJson, readMultipartUpload } from '../uploads/multipart-upload.js';
import { REPLY_DOCUMENT_WINDOW, replyFromUpload } from './reply-metadata.js';

/** What `POST /api/v1/actes/{id}/exchanges/{number}/replies` answers. */
export interface ReplyAccepted {
  readonly id: string;
  readonly exchange: number;
  readonly code: CollectiviteReplyCode;
  readonly status: 'requested';
}

const MAX_METADATA_BYTES = 16 * 1024;
/** A 3-4 may carry several documents; as many as an acte's annexes. */
const MAX_DOCUMENTS = 100;
/** Exchanges are numbered from 1; anything else names none. */
const EXCHANGE_NUMBER = /^[1-9][0-9]{0,8}$/;

/**
 * The collectivité answers a préfecture letter (2-2 to a 2-1; 3-3 or 3-4 to a 3-1; 4-3 or 4-4 to a
 * 4-1): its documents are streamed into the blob store and judged by their bytes, then RequestReply is
 * executed on the acte's stream; the transmitter sends it. Another collectivité's acte answers 404 as
 * an unknown one, before the body is read. What the domain refuses passes through with its code: 404
 * TRANSMISSION.EXCHANGE_NOT_FOUND, 409 TRANSMISSION.REPLY_NOT_ALLOWED (an answer that does not fit the
 * letter, a letter answered already, a cancelled acte), 409 TRANSMISSION.INVALID_TRANSITION (no AR
 * yet). Refused, the stored documents stay in the content-addressed store, referenced by nothing, as
 * with a refused acte upload. Under an Idempotency-Key (kept per exchange), a retry gets the first answer.
 */
@Injectable()
export class ReplyHandler {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly blobs: PostgresBlobStore,
    private readonly commands: TransmissionCommands,
    private readonly keys: IdempotencyRepository,
  ) {}

  async reply(request: IncomingMessage, principal: Principal, id: string, number: string, idempotencyKey: string | undefined): Promise<StoredAnswer> {
    if (!isTransmissionId(id)) throw notFound(id);
    const { state } = await this.commands.load(id);
    if (state.status === 'none' || principal.siren === undefined || state.siren !== principal.siren) throw notFound(id);
    if (!EXCHANGE_NUMBER.test(number)) throw ApiError.of(404, TransmissionErrorCode.ExchangeNotFound, `Transmission ${id} has no exchange ${number}`);
    const exchange = Number(number);
    return submitIdempotently(
      this.keys,
      request,
      principal,
      idempotencyKey,
      this.config.maxUploadBytes,
      (_derivedId, causationId) => this.accept(request, principal, id, exchange, causationId),
      `reply:${id}:${exchange}`,
    );
  }

  private async accept(request: IncomingMessage, principal: Principal, id: string, exchange: number, causationId: string | undefined): Promise<StoredAnswer> {
    const upload = await readMultipartUpload(request, this.blobs, {
      maxUploadBytes: this.config.maxUploadBytes,
      maxMetadataBytes: MAX_METADATA_BYTES,
      maxFiles: MAX_DOCUMENTS,
      maxFileNameBytes: this.config.limits.maxFileNameBytes,
      fileFields: { documents: 'many' },
      keepEnds: REPLY_DOCUMENT_WINDOW,
    });
    const reply = replyFromUpload(metadataJson(upload.metadata), upload.files);
    if (!reply.ok) throw new ApiError(422, reply.errors);
    const { code, documents } = reply;
    const actor = actorOf(principal);
    const { events } = await this.commands.execute(
      { type: 'RequestReply', data: { transmissionId: id, at: new Date().toISOString(), exchange, code, requestedBy: actor, documents } },
      { actor, ...(causationId === undefined ? {} : { causationId }) },
    );
    // The domain records the very same answer once and takes it again silently, for a retry; without
    // an Idempotency-Key to say so, a second request is a second answer, which a letter does not take.
    if (events.length === 0 && causationId === undefined) {
      throw ApiError.of(409, TransmissionErrorCode.ReplyNotAllowed, `Exchange ${exchange} of transmission ${id} was answered already with this ${code}`);
    }
    const accepted: ReplyAccepted = { id, exchange, code, status: 'requested' };
    return { status: 202, body: accepted };
  }
}
