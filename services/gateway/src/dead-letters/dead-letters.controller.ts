import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { parseDeadLetterQuery, type RawDeadLetterQuery } from './dead-letter-query.js';
import { DeadLettersHandler, type DeadLetterPage, type DeadLetterRetried } from './dead-letters.handler.js';

const SEQ = /^[1-9]\d{0,14}$/;

/** The messages consumers gave up on, for the operators who run the platform (admin, supervisor). */
@Controller('api/v1/admin/dead-letters')
@Roles('admin', 'supervisor')
export class DeadLettersController {
  constructor(private readonly handler: DeadLettersHandler) {}

  @Get()
  list(@Query() query: RawDeadLetterQuery): Promise<DeadLetterPage> {
    return this.handler.list(parseDeadLetterQuery(query));
  }

  /** 202 once the message is back on its subject; 409 when it was retried already, 404 when unknown. */
  @Post(':seq/retry')
  @HttpCode(202)
  retry(@CurrentPrincipal() principal: Principal, @Param('seq') seq: string): Promise<DeadLetterRetried> {
    if (!SEQ.test(seq)) throw ApiError.of(404, GatewayErrorCode.DeadLetterNotFound, `No dead letter at sequence ${seq}`);
    return this.handler.retry(Number(seq), actorOf(principal));
  }
}
