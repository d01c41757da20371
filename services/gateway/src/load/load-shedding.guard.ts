import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { PUBLIC_KEY } from '../auth/roles.decorator.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { overloaded } from './overload.js';
import { WORKLOAD_KEY, type Workload } from './workload.decorator.js';

/**
 * Runs before the token guard: when more requests already wait for a database connection than
 * `dbMaxWaiting`, a call that needs a token (and so the database, to check it) is answered
 * 503 SERVICE.OVERLOADED at once rather than joining the pool's queue. Public routes (`/health`,
 * the web pages' assets) are left to answer.
 */
@Injectable()
export class DatabasePressureGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true) return true;
    if (this.pool.waitingCount > this.config.limits.dbMaxWaiting) {
      throw overloaded(`${this.pool.waitingCount} requests already wait for the database; try again shortly`);
    }
    return true;
  }
}

/**
 * A route marked `@Expensive(kind)` takes one of that kind's slots for as long as its response is
 * open, and is answered 503 SERVICE.OVERLOADED with Retry-After when none is free. Runs before the
 * token guard, so that a refusal under overload costs no database query; a request the token guard
 * then refuses (401, 403, 429) gives its slot back at once. The slot is freed when the response
 * closes, whichever way it ends (answered, refused, the client gone).
 */
@Injectable()
export class WorkloadGuard implements CanActivate {
  private readonly limiters: Readonly<Record<Workload, ConcurrencyLimiter>>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.limiters = {
      upload: new ConcurrencyLimiter(config.limits.maxConcurrentUploads),
      query: new ConcurrencyLimiter(config.limits.maxConcurrentQueries),
    };
  }

  /** Slots of each kind taken now (for the metrics and the tests). */
  active(workload: Workload): number {
    return this.limiters[workload].active;
  }

  canActivate(context: ExecutionContext): boolean {
    const workload = this.reflector.getAllAndOverride<Workload | undefined>(WORKLOAD_KEY, [context.getHandler(), context.getClass()]);
    if (workload === undefined) return true;
    const limiter = this.limiters[workload];
    const release = limiter.tryAcquire();
    if (release === undefined) {
      throw overloaded(`The gateway is handling ${limiter.capacity} ${workload === 'upload' ? 'uploads' : 'heavy queries'} already; try again shortly`);
    }
    const response = context.switchToHttp().getResponse<ServerResponse>();
    // A client that left while the token was checked has closed its response already.
    if (response.closed) release();
    else response.once('close', release);
    return true;
  }
}
