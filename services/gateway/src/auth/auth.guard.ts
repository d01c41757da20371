import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { CLOCK, GATEWAY_CONFIG } from '../tokens.js';
import { sessionIdOf } from '../web/cookies.js';
import { isSafeMethod, isSameOrigin } from '../web/request-origin.js';
import { SessionRepository, type SessionRefusal } from '../web/session.repository.js';
import { WebErrorCode } from '../web/web-error-codes.js';
import { AuthFailureLimiter } from './auth-failures.js';
import type { AuthenticatedRequest, Principal } from './principal.js';
import { RateLimiter, type Clock } from './rate-limiter.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import { bearerToken, type Role } from './token.js';
import { TokenRepository } from './token.repository.js';

const refusals = {
  unknown: 'The token is not known',
  revoked: 'The token was revoked',
  expired: 'The token has expired',
} as const;

const sessionRefusals: Readonly<Record<SessionRefusal, string>> = {
  unknown: 'The session is not known (signed out, or never opened); sign in again',
  idle: 'The session ended after a while without use; sign in again',
  expired: 'The session reached its longest lifetime; sign in again',
  token_revoked: 'The token of this session was revoked',
  token_expired: 'The token of this session has expired',
};

/**
 * Every route needs a bearer token unless marked `@Public()`: no token or an unknown, revoked or
 * expired one is 401; a role the route's `@Roles(...)` does not list is 403; past its rate a token
 * is answered 429. A route without `@Roles` is open to every role.
 *
 * Without an `Authorization` header, the web session cookie stands for the token it was opened with
 * (the same role, the same rate bucket); a session that ended is 401 AUTH.SESSION_ENDED, and a request
 * that changes something must come from one of our own pages (`Origin`, else `Referer`, naming this
 * host), else 403 AUTH.CROSS_ORIGIN.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly failures: AuthFailureLimiter,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst, clock);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
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

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const credential = bearerToken(request.headers.authorization);
    if (credential.kind === 'none') return this.session(request);
    const allowance = this.failures.allowed(request);
    if (!allowance.allowed) throw AuthFailureLimiter.refusal(allowance);
    if (credential.kind === 'malformed') {
      this.failures.failed(request);
      throw ApiError.of(401, GatewayErrorCode.InvalidToken, 'The Authorization header is not a bearer token');
    }
    const principal = await this.tokens.authenticate(credential.token);
    if (typeof principal === 'string') {
      this.failures.failed(request);
      throw ApiError.of(401, GatewayErrorCode.InvalidToken, refusals[principal]);
    }
    return principal;
  }

  /** The principal of the session cookie, for a request that carries no Authorization header. */
  private async session(request: AuthenticatedRequest): Promise<Principal> {
    const sessionId = sessionIdOf(request.headers.cookie);
    if (sessionId === undefined) {
      throw ApiError.of(401, GatewayErrorCode.MissingToken, 'This call needs an Authorization: Bearer <token> header (or a signed-in web session)');
    }
    // The cookie rides along with any request the browser makes to us: one that changes something
    // must come from our own pages (SameSite=Strict already keeps other sites' requests away).
    if (!isSafeMethod(request.method) && !isSameOrigin(request.headers)) {
      throw ApiError.of(403, WebErrorCode.CrossOrigin, 'A request made with the session cookie must come from this site’s own pages (Origin header)');
    }
    const principal = await this.sessions.authenticate(sessionId);
    if (typeof principal === 'string') throw ApiError.of(401, WebErrorCode.SessionEnded, sessionRefusals[principal]);
    return principal;
  }
}
