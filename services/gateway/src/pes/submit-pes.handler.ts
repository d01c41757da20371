import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import { TransmissionCommands } from '@relais/service-kit';
import { IdempotencyRepository, type StoredAnswer } from '../actes/idempotency.repository.js';
import { submitIdempotently } from '../actes/idempotent-submission.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { isPesBodyType, pesSubmissionOf } from './pes-submission.js';
import { readPesUpload } from './pes-upload.js';

/** The idempotency keys of PES submissions are their own: a key used for an acte is not answered here. */
const OPERATION = 'pes';

/**
 * `POST /api/v1/pes`: the body (a PES_Aller) streamed into the blob store and through the PES reader
 * at once; a file that cannot be a PES_Aller at all is refused there (nothing recorded), any other is
 * recorded as a SubmitPes with the identifiers its header gives, for the validator to check every
 * operator rule. Under an Idempotency-Key, as `POST /api/v1/actes`.
 */
@Injectable()
export class SubmitPesHandler {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly blobs: PostgresBlobStore,
    private readonly commands: TransmissionCommands,
    private readonly keys: IdempotencyRepository,
  ) {}

  submit(request: IncomingMessage, principal: Principal, idempotencyKey: string | undefined): Promise<StoredAnswer> {
    return submitIdempotently(
      this.keys,
      request,
      principal,
      idempotencyKey,
      this.config.pesMaxUploadBytes,
      (transmissionId, causationId) => this.accept(request, principal, transmissionId, causationId),
      OPERATION,
    );
  }

  private async accept(request: IncomingMessage, principal: Principal, transmissionId: string, causationId: string | undefined): Promise<StoredAnswer> {
    const siren = principal.siren;
    if (siren === undefined) throw new Error('A collectivite principal without a siren');
    const contentType = request.headers['content-type'] ?? '';
    if (!isPesBodyType(contentType)) {
      throw ApiError.of(415, GatewayErrorCode.UnsupportedMediaType, `The body must be application/xml (or text/xml, application/octet-stream), not « ${contentType} »`);
    }
    const maxBytes = this.config.pesMaxUploadBytes;
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) throw ApiError.of(413, GatewayErrorCode.UploadTooLarge, `The file exceeds ${maxBytes} bytes`);
    const { sha256, size, summary } = await readPesUpload(request, this.blobs, maxBytes);
    const submission = pesSubmissionOf(summary, { sha256, size });
    if (!submission.ok) throw new ApiError(422, submission.errors);
    const { state } = await this.commands.execute(
      { type: 'SubmitPes', data: { transmissionId, siren, at: new Date().toISOString(), pes: submission.pes } },
      { actor: actorOf(principal), ...(causationId === undefined ? {} : { causationId }) },
    );
    return { status: 202, body: { id: transmissionId, status: state.status === 'none' ? 'received' : state.status } };
  }
}
