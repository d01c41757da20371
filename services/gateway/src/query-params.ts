import { ApiError } from './errors/api-error.js';
import { GatewayErrorCode } from './errors/error-codes.js';

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

/** 400 REQUEST.INVALID_QUERY naming the parameter at fault. */
export function invalidQuery(field: string, message: string): ApiError {
  return ApiError.of(400, GatewayErrorCode.InvalidQuery, message, field);
}
