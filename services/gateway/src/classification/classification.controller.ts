import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { ClassificationRequestDto } from './classification-request.dto.js';
import { ClassificationHandler, type ClassificationRequestAccepted } from './classification.handler.js';
import type { ClassificationView } from './classification-view.js';

/** A collectivité's @ctes classification: the one in force, and asking the préfecture for it (7-1). */
@Controller('api/v1/classification')
export class ClassificationController {
  constructor(private readonly handler: ClassificationHandler) {}

  /** A collectivité's own; the other roles name it with `?siren=`. */
  @Get()
  @Roles('collectivite', 'admin', 'supervisor', 'auditor')
  view(@CurrentPrincipal() principal: Principal, @Query('siren') siren: unknown): Promise<ClassificationView> {
    return this.handler.view(principal, siren);
  }

  /** 202 `{id, status}`: the request recorded, or the one already open. */
  @Post('requests')
  @HttpCode(202)
  @Roles('collectivite', 'admin')
  request(
    @CurrentPrincipal() principal: Principal,
    @Body(bodyValidation) body: ClassificationRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ClassificationRequestAccepted> {
    return this.handler.request(principal, body.siren, idempotencyKey);
  }
}
