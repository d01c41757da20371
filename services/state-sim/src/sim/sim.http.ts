import { HttpException, HttpStatus } from '@nestjs/common';

import { SimErrorCode } from './sim.errors.js';

/** The simulator's error body: `{errors: [{code, message}]}`, with its status. */
export function failure(status: HttpStatus, code: SimErrorCode, message: string): HttpException {
  return new HttpException({ errors: [{ code, message }] }, status);
}

/** The HTTP status of a refusal. */
export function statusOf(code: SimErrorCode): HttpStatus {
  if (code === SimErrorCode.ArchiveTooLarge) return HttpStatus.PAYLOAD_TOO_LARGE;
  if (code === SimErrorCode.UnsupportedMediaType) return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
  if (code === SimErrorCode.UnknownIdActe || code === SimErrorCode.UnknownCourrier) return HttpStatus.UNPROCESSABLE_ENTITY;
  return HttpStatus.BAD_REQUEST;
}

/** An integer query or path parameter, `fallback` when absent. @throws HttpException 400 `SIM.INVALID_QUERY` */
export function integerParam(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw failure(HttpStatus.BAD_REQUEST, SimErrorCode.InvalidQuery, `${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Characters XML 1.0 cannot carry, even as references, and lone surrogates. */
export const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The media type of a `Content-Type` header, lower-cased, without its parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
