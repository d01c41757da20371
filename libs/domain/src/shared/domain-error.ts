/**
 * A refusal by the domain. `code` is stable and namespaced (`TRANSMISSION.NOT_FOUND`): callers branch
 * on it, and only the transport edge turns it into an HTTP status or a retry decision.
 */
export class DomainError<Code extends string = string> extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: Code,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a DomainError, optionally with the given code. */
export function isDomainError(error: unknown, code?: string): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
