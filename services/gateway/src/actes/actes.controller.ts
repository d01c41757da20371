import { Controller, Headers, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import type { JsonResponse } from '../http.js';
import { Expensive } from '../load/workload.decorator.js';
import { SubmitActeHandler } from './submit-acte.handler.js';

/** A collectivité's submissions (API.md, "Submitting"). */
@Controller('api/v1/actes')
@Roles('collectivite')
export class ActesController {
  constructor(private readonly handler: SubmitActeHandler) {}

  /** The answer's status comes from the handler: 202, or the first answer replayed under an Idempotency-Key. */
  @Post()
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
