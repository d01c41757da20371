import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { GatewayConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { CLOCK, GATEWAY_CONFIG } from '../tokens.js';
import { RateLimiter, type Clock, type RateDecision } from './rate-limiter.js';

/** The client address a request came from, as the socket says (a proxy's header can be written by anyone). */
export function clientAddress(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * Counts the refused tokens each client address presents, on the API or in the sign-in form: past
 * `authFailureBurst` at once (refilled at `authFailuresPerMinute`) the address is answered 429
 * AUTH.TOO_MANY_FAILURES before its token is even looked up, so that guessing tokens, or a client
 * looping on a revoked one, costs the database nothing. Good tokens and missing ones count for nothing:
 * only refusals do. Kept in memory, per replica, like the per-token limiter.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limiter: RateLimiter;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, @Inject(CLOCK) clock: Clock) {
    this.limiter = new RateLimiter((config.authFailuresPerMinute ?? 30) / 60, config.authFailureBurst ?? 20, clock);
  }

  /** Whether the address may still present a token. */
  allowed(request: IncomingMessage): RateDecision {
    return this.limiter.peek(clientAddress(request));
  }

  /** Counts one refused token from the address. */
  failed(request: IncomingMessage): void {
    this.limiter.take(clientAddress(request));
  }

  /** The 429 answered to an address past its allowance. */
  static refusal(decision: RateDecision & { readonly allowed: false }): ApiError {
    return new ApiError(
      429,
      { code: GatewayErrorCode.TooManyFailures, message: 'Too many refused tokens from this address; wait before trying again' },
      { 'Retry-After': decision.retryAfterSeconds.toString() },
    );
  }
}
