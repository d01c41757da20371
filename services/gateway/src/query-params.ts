import { ApiError } from './errors/api-error.js';
import { GatewayErrorCode } from './errors/error-codes.js';

/** A UUID as the API's ids are written (any case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A query string parameter given at most once: its text, or undefined when absent or empty. */
export function queryText(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidQuery(name, `${name} must be given once`);
  return value;
}

/** A parameter that must be one of `allowed`, when given. */
export function queryOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  const given = queryText(name, value);
  if (given === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === given);
  if (found === undefined) throw invalidQuery(name, `${name} must be one of ${allowed.join(', ')}`);
  return found;
}

/** An instant with its zone (`2026-03-01T09:30:00Z`, `…+01:00`). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An optional instant parameter: undefined when absent, else a Date; 400 naming it when malformed. */
export function queryInstant(name: string, value: unknown): Date | undefined {
  const given = queryText(name, value);
  if (given === undefined) return undefined;
  const instant = new Date(given);
  if (!INSTANT.test(given) || Number.isNaN(instant.getTime())) {
    throw invalidQuery(name, `${name} must be an ISO 8601 instant with its zone, such as 2026-03-01T09:30:00Z`);
  }
  return instant;
}

/** 400 REQUEST.INVALID_QUERY naming the parameter at fault. */
export function invalidQuery(field: string, message: string): ApiError {
  return ApiError.of(400, GatewayErrorCode.InvalidQuery, message, field);
}
