import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { AnnulationHandler, type AnnulationAccepted } from './annulation.handler.js';

/** A collectivité cancelling one of its own actes (API.md, `POST /api/v1/actes/{id}/annulation`). */
@Controller('api/v1/actes')
@Roles('collectivite')
export class AnnulationController {
  constructor(private readonly handler: AnnulationHandler) {}

  /** 202 once the request is recorded; the acte becomes `cancelled` when the préfecture's 6-2 arrives. */
  @Post(':id/annulation')
  @HttpCode(202)
  request(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AnnulationAccepted> {
    return this.handler.request(id, principal);
  }
}
