import { Controller, Headers, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import type { JsonResponse } from '../http.js';
import { Expensive } from '../load/workload.decorator.js';
import { SubmitPesHandler } from './submit-pes.handler.js';

/** A collectivité's PES files (API.md, "Submitting"). */
@Controller('api/v1/pes')
export class PesController {
  constructor(private readonly handler: SubmitPesHandler) {}

  /** 202 `{id, status}`, or the first answer replayed under an Idempotency-Key. */
  @Post()
  @Roles('collectivite')
  @Expensive('upload')
  async submit(
    @Req() request: IncomingMessage,
    @Res() response: JsonResponse,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<void> {
    const answer = await this.handler.submit(request, principal, idempotencyKey);
    response.status(answer.status).json(answer.body);
  }
}
