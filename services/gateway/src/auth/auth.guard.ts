import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { CLOCK, GATEWAY_CONFIG } from '../tokens.js';
import type { AuthenticatedRequest } from './principal.js';
import { RateLimiter, type Clock } from './rate-limiter.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import { bearerToken, type Role } from './token.js';
import { TokenRepository } from './token.repository.js';

const refusals = {
  unknown: 'The token is not known',
  revoked: 'The token was revoked',
  expired: 'The token has expired',
} as const;

/**
 * Every route needs a bearer token unless marked `@Public()`: no token or an unknown, revoked or
 * expired one is 401; a role the route's `@Roles(...)` does not list is 403; past its rate a token
 * is answered 429. A route without `@Roles` is open to every role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRepository,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst, clock);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = bearerToken(request.headers.authorization);
    if (credential.kind === 'none') {
      throw ApiError.of(401, GatewayErrorCode.MissingToken, 'This call needs an Authorization: Bearer <token> header');
    }
    if (credential.kind === 'malformed') {
      throw ApiError.of(401, GatewayErrorCode.InvalidToken, 'The Authorization header is not a bearer token');
    }
    const principal = await this.tokens.authenticate(credential.token);
    if (typeof principal === 'string') throw ApiError.of(401, GatewayErrorCode.InvalidToken, refusals[principal]);
    const decision = this.limiter.take(principal.tokenId);
    if (!decision.allowed) {
      throw new ApiError(
        429,
        { code: GatewayErrorCode.RateLimited, message: 'Too many requests for this token; slow down' },
        { 'Retry-After': decision.retryAfterSeconds.toString() },
      );
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles !== undefined && !roles.includes(principal.role)) {
      throw ApiError.of(403, GatewayErrorCode.Forbidden, `The ${principal.role} role may not make this call`);
    }
    request.principal = principal;
    return true;
  }
}
