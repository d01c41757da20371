import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { prefectureMessageTypes, transmissionStatuses, type ErrorDetail } from '@relais/domain';
import { ArrayMaxSize, IsArray, IsIn, IsString } from 'class-validator';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { validationDetails } from '../errors/validation.pipe.js';

/** More names than there are is a mistake, not a choice. */
const MAX_NAMES = 20;

/** `PUT /api/v1/users/me/notices`: what the signed-in user wants e-mailed, both lists replaced. */
export class NoticePreferencesDto {
  @IsArray({ message: 'statuses must be an array of status names' })
  @ArrayMaxSize(MAX_NAMES, { message: `statuses must have at most ${MAX_NAMES} names` })
  @IsString({ each: true, message: 'statuses must be an array of status names' })
  @IsIn(transmissionStatuses, { each: true, message: 'statuses must name transmission statuses' })
  statuses!: string[];

  @IsArray({ message: 'messageTypes must be an array of message types' })
  @ArrayMaxSize(MAX_NAMES, { message: `messageTypes must have at most ${MAX_NAMES} names` })
  @IsString({ each: true, message: 'messageTypes must be an array of message types' })
  @IsIn(prefectureMessageTypes, { each: true, message: 'messageTypes must name messages of the préfecture' })
  messageTypes!: string[];
}

/** The names each list accepts, and the code of one it does not know. */
const VOCABULARY: Readonly<Record<string, { readonly names: readonly string[]; readonly code: string; readonly what: string }>> = {
  statuses: { names: transmissionStatuses, code: GatewayErrorCode.NoticeUnknownStatus, what: 'a transmission status' },
  messageTypes: { names: prefectureMessageTypes, code: GatewayErrorCode.NoticeUnknownMessageType, what: 'a message type of the préfecture' },
};

/** One 422 detail per name a list does not know, `field` its place (`statuses[1]`). */
function unknownNames(error: ValidationError): ErrorDetail[] | undefined {
  const vocabulary = VOCABULARY[error.property];
  const broken = Object.keys(error.constraints ?? {});
  if (vocabulary === undefined || broken.length !== 1 || broken[0] !== 'isIn' || !Array.isArray(error.value)) return undefined;
  return (error.value as unknown[]).flatMap((name, index) =>
    vocabulary.names.includes(name as string)
      ? []
      : [{ code: vocabulary.code, message: `${String(name).slice(0, 40)} is not ${vocabulary.what} (${vocabulary.names.join(', ')})`, field: `${error.property}[${String(index)}]` }],
  );
}

/**
 * The pipe of the preferences' body: a malformed body (not two arrays of strings, another property)
 * is 400 REQUEST.INVALID_BODY as elsewhere; well-formed lists naming something unknown are 422, one
 * error per unknown name with its own code.
 */
export const noticePreferencesValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const unknown = errors.map(unknownNames);
    if (unknown.every((details) => details !== undefined)) return new ApiError(422, unknown.flat());
    return new ApiError(400, validationDetails(errors.filter((_error, i) => unknown[i] === undefined)));
  },
});
