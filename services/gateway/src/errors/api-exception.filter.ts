import { Catch, HttpException, HttpStatus, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { BlobTooLargeError } from '@relais/blob-store';
import { TransmissionError, TransmissionErrorCode, type ErrorDetail } from '@relais/domain';
import { isPrivacyError, PrivacyErrorCode } from '@relais/privacy';
import { TransmissionQueryError } from '@relais/read-models';
import { CollectiviteExistsError, CollectiviteNotFoundError } from '@relais/service-kit';
import type { GatewayConfig } from '../config.js';
import type { JsonResponse } from '../http.js';
import { unavailable } from '../load/overload.js';
import { unavailableDependency } from '../load/unavailable-dependency.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { ApiError } from './api-error.js';
import { drainRequest } from './drain.js';
import { GatewayErrorCode } from './error-codes.js';

/** What an error becomes on the wire. */
export interface ErrorAnswer {
  readonly status: number;
  readonly errors: readonly ErrorDetail[];
  readonly headers?: Readonly<Record<string, string>>;
}

const transmissionStatus: Readonly<Record<TransmissionErrorCode, number>> = {
  [TransmissionErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [TransmissionErrorCode.AlreadyExists]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.InvalidTransition]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.ConflictingFact]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.KindMismatch]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.CancellationNotAllowed]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.InvalidCommand]: HttpStatus.UNPROCESSABLE_ENTITY,
  [TransmissionErrorCode.ExchangeNotFound]: HttpStatus.NOT_FOUND,
  [TransmissionErrorCode.ReplyNotAllowed]: HttpStatus.CONFLICT,
  [TransmissionErrorCode.UndecodableEvent]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const codeByStatus: Readonly<Partial<Record<number, string>>> = {
  [HttpStatus.NOT_FOUND]: GatewayErrorCode.RouteNotFound,
  [HttpStatus.METHOD_NOT_ALLOWED]: GatewayErrorCode.MethodNotAllowed,
  [HttpStatus.PAYLOAD_TOO_LARGE]: GatewayErrorCode.BodyTooLarge,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: GatewayErrorCode.UnsupportedMediaType,
};

/**
 * Body-parser's errors carry a `type`, `entity.parse.failed` for a malformed JSON body; Nest's Express
 * adapter hands them over wrapped in a BadRequestException (as its `cause`).
 */
function isParseFailure(error: unknown): boolean {
  const parseFailed = (value: unknown): boolean =>
    typeof value === 'object' && value !== null && 'type' in value && value.type === 'entity.parse.failed';
  return parseFailed(error) || (error instanceof Error && parseFailed(error.cause));
}

/** Maps anything thrown under a controller (or by body parsing) to a status and stable codes. Pure. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) return { status: error.status, errors: error.errors, headers: error.headers };
  if (error instanceof TransmissionError) {
    return { status: transmissionStatus[error.code], errors: [{ code: error.code, message: error.message }] };
  }
  if (isPrivacyError(error, PrivacyErrorCode.Shredded)) {
    // A submission retried under its key after the transmission's personal data were shredded.
    return { status: HttpStatus.CONFLICT, errors: [{ code: error.code, message: error.message }] };
  }
  if (error instanceof CollectiviteExistsError) {
    return { status: HttpStatus.CONFLICT, errors: [{ code: error.code, message: error.message, field: 'siren' }] };
  }
  if (error instanceof CollectiviteNotFoundError) {
    return { status: HttpStatus.NOT_FOUND, errors: [{ code: error.code, message: error.message }] };
  }
  if (error instanceof TransmissionQueryError) {
    const field = error.code === 'TRANSMISSIONS.INVALID_LIMIT' ? 'limit' : 'after';
    return { status: HttpStatus.BAD_REQUEST, errors: [{ code: error.code, message: error.message, field }] };
  }
  if (error instanceof BlobTooLargeError) {
    return { status: HttpStatus.PAYLOAD_TOO_LARGE, errors: [{ code: GatewayErrorCode.UploadTooLarge, message: error.message }] };
  }
  const dependency = unavailableDependency(error);
  if (dependency !== undefined) {
    const refusal = unavailable(dependency);
    return { status: refusal.status, errors: refusal.errors, headers: refusal.headers };
  }
  if (isParseFailure(error)) {
    return { status: HttpStatus.BAD_REQUEST, errors: [{ code: GatewayErrorCode.InvalidJson, message: 'The body is not valid JSON' }] };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeByStatus[status] ?? (status < 500 ? GatewayErrorCode.BadRequest : GatewayErrorCode.Internal);
    return { status, errors: [{ code, message: error.message }] };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, errors: [{ code: GatewayErrorCode.Internal, message: 'Internal error' }] };
}

/**
 * The one error shape of the API (`{errors: [{code, message, field?}]}`) for every status. A refusal
 * sent before the request body was read first drains the body, so a client still uploading gets it.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage>();
    const response = http.getResponse<JsonResponse>();
    const answer = errorAnswer(exception);
    // A refusal the gateway chose (503 SERVICE.OVERLOADED) is not a fault, and under overload a line
    // each would add to the load; a dependency out of reach is one line, not a stack per request.
    if (answer.status >= 500 && !(exception instanceof ApiError)) {
      if (answer.errors[0]?.code === GatewayErrorCode.Unavailable) {
        this.logger.warn(`${answer.errors[0].message}: ${exception instanceof Error ? exception.message : String(exception)}`);
      } else {
        this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      }
    }
    void drainRequest(request, this.config.maxUploadBytes).then((ended) => {
      // A file stream that broke after its first bytes: cut the connection so the client sees it.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
      if (!ended) response.setHeader('Connection', 'close');
      response.status(answer.status).json({ errors: answer.errors });
    });
  }
}
