import { Controller, Headers, Inject, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { PostgresBlobStore } from '@relais/blob-store';
import { PersonalData } from '@relais/privacy';
import { TransmissionCommands } from '@relais/service-kit';
import { IdempotencyRepository } from '../actes/idempotency.repository.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import type { GatewayConfig } from '../config.js';
import type { JsonResponse } from '../http.js';
import { Expensive } from '../load/workload.decorator.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { ArchiveImportHandler } from './archive-import.handler.js';

/** A collectivité's import of a ready @ctes archive (API.md, "Submitting"). */
@Controller('api/v1/actes/archive')
@Roles('collectivite')
export class ArchiveImportController {
  private readonly handler: ArchiveImportHandler;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    blobs: PostgresBlobStore,
    commands: TransmissionCommands,
    keys: IdempotencyRepository,
    personalData: PersonalData,
  ) {
    this.handler = new ArchiveImportHandler(config, blobs, commands, keys, personalData);
  }

  /** 202 `{id, status}`, or the first answer replayed under an Idempotency-Key. */
  @Post()
  @Expensive('upload')
  async import(
    @Req() request: IncomingMessage,
    @Res() response: JsonResponse,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<void> {
    const answer = await this.handler.import(request, principal, idempotencyKey);
    response.status(answer.status).json(answer.body);
  }
}
