import type { ErrorDetail } from '@relais/domain';

/**
 * A refusal the gateway answers itself: an HTTP status and one or more `{code, message, field?}`.
 * Thrown anywhere under a controller; the global filter writes it.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly errors: readonly ErrorDetail[];

  constructor(
    readonly status: number,
    errors: ErrorDetail | readonly ErrorDetail[],
    /** Extra response headers (`Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    const list: readonly ErrorDetail[] = Array.isArray(errors) ? errors : [errors as ErrorDetail];
    super(list.map((e) => e.message).join('; '));
    this.errors = list;
  }

  /** One error, `field` only when given. */
  static of(status: number, code: string, message: string, field?: string): ApiError {
    return new ApiError(status, field === undefined ? { code, message } : { code, message, field });
  }
}
