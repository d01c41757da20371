import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ErrorDetail } from '@relais/domain';
import { ApiError } from './api-error.js';
import { GatewayErrorCode } from './error-codes.js';

/** Every broken constraint of a body, each with the path of its field (`helios[0].siret`). */
export function validationDetails(errors: readonly ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ code: GatewayErrorCode.InvalidBody, message, field }));
    return [...own, ...validationDetails(error.children ?? [], field)];
  });
}

/** The pipe of JSON bodies: class-validator DTOs, unknown properties refused, 400 with every field at fault. */
export const bodyValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => new ApiError(400, validationDetails(errors)),
});
