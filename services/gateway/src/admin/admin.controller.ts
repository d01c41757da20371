import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { PostgresEventStore } from '@relais/event-store';
import { loadCollectivite, registerCollectivite, type Collectivite } from '@relais/service-kit';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { TokenRepository, type IssuedToken } from '../auth/token.repository.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { CreateCollectiviteDto } from './collectivite.dto.js';
import { CreateTokenDto } from './token.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The administrator's calls: registering collectivités, issuing and revoking tokens. */
@Controller('api/v1/admin')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly tokens: TokenRepository,
  ) {}

  @Post('collectivites')
  @HttpCode(201)
  registerCollectivite(
    @Body(bodyValidation) body: CreateCollectiviteDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Collectivite> {
    return registerCollectivite(this.store, {
      siren: body.siren,
      nom: body.nom,
      departement: body.departement,
      arrondissement: body.arrondissement,
      nature: body.nature,
      helios: (body.helios ?? []).map(({ idPost, codCol, codBud, siret }) => ({ idPost, codCol, codBud, siret })),
      registeredBy: actorOf(principal),
    });
  }

  @Post('tokens')
  @HttpCode(201)
  async issueToken(@Body(bodyValidation) body: CreateTokenDto): Promise<IssuedToken> {
    if (body.role === 'collectivite') {
      if (body.siren === undefined) {
        throw ApiError.of(422, GatewayErrorCode.SirenRequired, 'A collectivite token needs the siren it acts for', 'siren');
      }
      if ((await loadCollectivite(this.store, body.siren)) === undefined) {
        throw ApiError.of(422, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${body.siren} is registered`, 'siren');
      }
    } else if (body.siren !== undefined) {
      throw ApiError.of(422, GatewayErrorCode.SirenNotAllowed, `A ${body.role} token is not bound to a siren`, 'siren');
    }
    const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
    if (expiresAt !== undefined && expiresAt.getTime() <= Date.now()) {
      throw ApiError.of(422, GatewayErrorCode.ExpiryInPast, 'expiresAt must be in the future', 'expiresAt');
    }
    return this.tokens.issue(body.role, body.siren, expiresAt);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  async revokeToken(@Param('id') id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.tokens.revoke(id))) {
      throw ApiError.of(404, GatewayErrorCode.TokenNotFound, `No token ${id}`);
    }
  }
}
