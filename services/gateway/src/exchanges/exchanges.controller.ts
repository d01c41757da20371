import { Controller, Headers, Param, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import type { JsonResponse } from '../http.js';
import { Expensive } from '../load/workload.decorator.js';
import { ReplyHandler } from './reply.handler.js';

/** A collectivité answering the préfecture's letters about one of its actes. */
@Controller('api/v1/actes')
@Roles('collectivite')
export class ExchangesController {
  constructor(private readonly handler: ReplyHandler) {}

  /** 202 `{id, exchange, code, status: "requested"}`, or the first answer replayed under an Idempotency-Key. */
  @Post(':id/exchanges/:number/replies')
  @Expensive('upload')
  async reply(
    @Req() request: IncomingMessage,
    @Res() response: JsonResponse,
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('number') number: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<void> {
    const answer = await this.handler.reply(request, principal, id, number, idempotencyKey);
    response.status(answer.status).json(answer.body);
  }
}
