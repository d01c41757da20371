import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import type { Dependency } from './unavailable-dependency.js';

/** Seconds a client is told to wait after SERVICE.OVERLOADED: slots free up as fast as uploads end. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;
/** Seconds a client is told to wait after SERVICE.UNAVAILABLE: a restarted database or broker takes a few. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** 503 SERVICE.OVERLOADED with Retry-After: the gateway has as much of this work as it takes at once. */
export function overloaded(message: string): ApiError {
  return new ApiError(
    503,
    { code: GatewayErrorCode.Overloaded, message },
    { 'Retry-After': OVERLOADED_RETRY_AFTER_SECONDS.toString() },
  );
}

const names: Readonly<Record<Dependency, string>> = { database: 'The database', broker: 'The message broker' };

/** 503 SERVICE.UNAVAILABLE with Retry-After: `dependency` cannot be reached or gave no connection in time. */
export function unavailable(dependency: Dependency): ApiError {
  return new ApiError(
    503,
    { code: GatewayErrorCode.Unavailable, message: `${names[dependency]} cannot be reached now; nothing was recorded, try again` },
    { 'Retry-After': UNAVAILABLE_RETRY_AFTER_SECONDS.toString() },
  );
}
