import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { PostgresEventStore } from '@relais/event-store';
import { registerCollectivite, type Collectivite } from '@relais/service-kit';
import type pg from 'pg';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { checkRoleSiren } from '../auth/role-siren.js';
import { rotateToken } from '../auth/token-rotation.js';
import { ROLES } from '../auth/token.js';
import { TokenRepository, type IssuedToken, type RotatedToken, type TokenInfo } from '../auth/token.repository.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { PG_POOL } from '../tokens.js';
import { withAdminAction } from './admin-actions.js';
import { CreateCollectiviteDto } from './collectivite.dto.js';
import { invalidQuery, queryOneOf, queryText, UUID } from '../query-params.js';
import { CreateTokenDto, RotateTokenDto } from './token.dto.js';

/** The most tokens one list answers (a collectivité has a handful; the whole platform, a few thousand). */
const MAX_TOKENS = 1_000;

/** The administrator's calls: registering collectivités; issuing, listing, rotating and revoking tokens. */
@Controller('api/v1/admin')
@Roles('admin')
export class AdminController {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly tokens: TokenRepository,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
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
  async issueToken(@Body(bodyValidation) body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<IssuedToken> {
    await checkRoleSiren(this.store, 'token', body.role, body.siren);
    const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
    if (expiresAt !== undefined && expiresAt.getTime() <= Date.now()) {
      throw ApiError.of(422, GatewayErrorCode.ExpiryInPast, 'expiresAt must be in the future', 'expiresAt');
    }
    const id = randomUUID();
    // The token and the record of who issued it commit together; the secret is in neither.
    const details = {
      role: body.role,
      ...(body.siren === undefined ? {} : { siren: body.siren }),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
      ...(body.label === undefined ? {} : { label: body.label }),
    };
    return withAdminAction(this.pool, { action: 'token.issue', actor: actorOf(principal), target: `token:${id}`, details }, (client) =>
      this.tokens.issue(body.role, body.siren, expiresAt, { id, db: client, ...(body.label === undefined ? {} : { label: body.label }) }),
    );
  }

  /** Tokens, newest first (a collectivité's with `siren`), with their state and last use; never their secrets. */
  @Get('tokens')
  async listTokens(@Query() query: Record<string, unknown>): Promise<{ items: TokenInfo[] }> {
    const siren = queryText('siren', query['siren']);
    if (siren !== undefined && !/^[0-9]{9}$/.test(siren)) throw invalidQuery('siren', 'siren must be 9 digits');
    const role = queryOneOf('role', query['role'], ROLES);
    const state = queryOneOf('state', query['state'], ['active', 'expired', 'revoked'] as const);
    const limitText = queryText('limit', query['limit']);
    const limit = limitText === undefined ? MAX_TOKENS : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOKENS) throw invalidQuery('limit', `limit must be a whole number from 1 to ${String(MAX_TOKENS)}`);
    return { items: await this.tokens.list({ ...(siren && { siren }), ...(role && { role }), ...(state && { state }), limit }) };
  }

  /** A new token for the same holder; the old one works on for `graceSeconds` (a day by default). */
  @Post('tokens/:id/rotate')
  @HttpCode(201)
  rotateToken(@Param('id') id: string, @Body(bodyValidation) body: RotateTokenDto, @CurrentPrincipal() principal: Principal): Promise<RotatedToken> {
    if (!UUID.test(id)) throw ApiError.of(404, GatewayErrorCode.TokenNotFound, `No token ${id}`);
    return rotateToken(this.pool, this.tokens, id.toLowerCase(), actorOf(principal), body);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  async revokeToken(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const missing = (): ApiError => ApiError.of(404, GatewayErrorCode.TokenNotFound, `No token ${id}`);
    if (!UUID.test(id)) throw missing();
    // Throwing inside rolls the record back: revoking no token leaves no event.
    await withAdminAction(this.pool, { action: 'token.revoke', actor: actorOf(principal), target: `token:${id.toLowerCase()}` }, async (client) => {
      if (!(await this.tokens.revoke(id, client))) throw missing();
    });
  }
}
