import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import type pg from 'pg';
import { RotateTokenDto } from '../admin/token.dto.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { bodyValidation } from '../errors/validation.pipe.js';
import { PG_POOL } from '../tokens.js';
import { CurrentPrincipal } from './principal.decorator.js';
import { actorOf, type Principal } from './principal.js';
import { Roles } from './roles.decorator.js';
import { rotateToken } from './token-rotation.js';
import { type RotatedToken, TokenRepository, type TokenInfo } from './token.repository.js';

/**
 * The presented token, seen by its holder: when it expires and when it was last used, and its own
 * rotation, so that software can replace its token without an administrator and without downtime.
 */
@Controller('api/v1/tokens/current')
@Roles('admin', 'collectivite', 'supervisor', 'auditor')
export class TokensController {
  constructor(
    private readonly tokens: TokenRepository,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  @Get()
  async current(@CurrentPrincipal() principal: Principal): Promise<TokenInfo & { collectiviteAdmin?: true; followedSirens?: readonly string[] }> {
    const info = await this.tokens.describe(principal.tokenId);
    if (info === undefined) throw ApiError.of(404, GatewayErrorCode.TokenNotFound, 'The token was removed');
    // The web app shows the users-and-tokens section to a collectivité's administrators, and a group administrator's collectivités.
    return {
      ...info,
      ...(principal.collectiviteAdmin === true ? { collectiviteAdmin: true as const } : {}),
      ...(principal.followedSirens === undefined ? {} : { followedSirens: principal.followedSirens }),
    };
  }

  @Post('rotate')
  @HttpCode(201)
  rotate(@Body(bodyValidation) body: RotateTokenDto, @CurrentPrincipal() principal: Principal): Promise<RotatedToken> {
    return rotateToken(this.pool, this.tokens, principal.tokenId, actorOf(principal), body);
  }
}
