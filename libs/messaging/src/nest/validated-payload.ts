import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { MessageDecoder } from '../consumer/message-context.js';
import { DecodeError } from '../errors.js';

/**
 * A decoder for a class-validator DTO: the envelope's `data` made into an instance of `dto` and
 * validated (unknown properties refused). A failure is a `DecodeError` listing the violations, and the
 * message goes to the dead-letter subject.
 */
export function validatedPayload<T extends object>(dto: ClassConstructor<T>): MessageDecoder<T> {
  return async (envelope) => {
    const payload = plainToInstance(dto, envelope.data);
    const errors = await validate(payload, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new DecodeError(`${dto.name} invalid: ${violations(errors).join('; ')}`);
    return payload;
  };
}

/** The constraint messages of a validation, nested properties included ("pages must not be less than 1"). */
function violations(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...violations(error.children ?? [])]);
}
