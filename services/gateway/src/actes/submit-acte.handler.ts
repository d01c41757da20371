import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import { PersonalData } from '@relais/privacy';
import { TransmissionCommands } from '@relais/service-kit';
import type { GatewayConfig } from '../config.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { metadataJson } from '../uploads/multipart-upload.js';
import { acteFromMetadata } from './acte-metadata.js';
import { readActeUpload } from './acte-upload.js';
import { IdempotencyRepository, type StoredAnswer } from './idempotency.repository.js';
import { submitIdempotently } from './idempotent-submission.js';

/** What `POST /api/v1/actes` answers on success. */
export interface Accepted {
  readonly id: string;
  readonly status: string;
}

/**
 * `POST /api/v1/actes`: reserves the idempotency key if one is given, streams the files into the
 * blob store, forms the SubmitActe, seals its personal fields with the transmission's own key and
 * executes it on the event log. Under a key, the transmission id is derived from the key, so that
 * even a retry the reservation cannot see (after a crash) lands on the same stream, is sealed the
 * same way, and records nothing new.
 */
@Injectable()
export class SubmitActeHandler {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly blobs: PostgresBlobStore,
    private readonly commands: TransmissionCommands,
    private readonly keys: IdempotencyRepository,
    private readonly personalData: PersonalData,
  ) {}

  submit(request: IncomingMessage, principal: Principal, idempotencyKey: string | undefined): Promise<StoredAnswer> {
    return submitIdempotently(this.keys, request, principal, idempotencyKey, this.config.maxUploadBytes, (transmissionId, causationId) =>
      this.accept(request, principal, transmissionId, causationId),
    );
  }

  private async accept(
    request: IncomingMessage,
    principal: Principal,
    transmissionId: string,
    causationId: string | undefined,
  ): Promise<StoredAnswer> {
    const siren = principal.siren;
    if (siren === undefined) throw new Error('A collectivite principal without a siren');
    const upload = await readActeUpload(request, this.blobs, {
      maxUploadBytes: this.config.maxUploadBytes,
      maxMetadataBytes: this.config.limits.maxMetadataBytes,
      maxFiles: this.config.limits.maxFiles,
      maxFileNameBytes: this.config.limits.maxFileNameBytes,
    });
    const metadata = metadataJson(upload.metadata);
    if (upload.document === undefined) {
      throw ApiError.of(400, GatewayErrorCode.MissingDocument, 'The document part is missing', 'document');
    }
    const mapping = acteFromMetadata(metadata, upload.document, upload.annexes);
    if (!mapping.ok) throw new ApiError(422, mapping.errors);
    const acte = await this.personalData.sealActe(transmissionId, mapping.acte);
    const { state } = await this.commands.execute(
      { type: 'SubmitActe', data: { transmissionId, siren, at: new Date().toISOString(), acte } },
      { actor: actorOf(principal), ...(causationId === undefined ? {} : { causationId }) },
    );
    const accepted: Accepted = { id: transmissionId, status: state.status === 'none' ? 'received' : state.status };
    return { status: 202, body: accepted };
  }
}
