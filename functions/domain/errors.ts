/**
 * Domain errors. Every failure a caller can cause has a stable `code`; the HTTP layer maps codes to
 * status codes (`errorResponse` in functions/http/api.ts). Anything that is not a DomainError is a fault: logged
 * without payload and answered with a generic 500.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'NO_CHANGES'
  | 'VERSION_CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'RATE_LIMITED';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const validationFailed = (message: string, details: ErrorDetail[] = []) =>
  new DomainError('VALIDATION_FAILED', message, details);
export const notFound = (message: string) => new DomainError('NOT_FOUND', message);

/** Raised by a store when a write-once item already exists (a lost conditional-write race). */
export class ItemExistsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ItemExistsError';
  }
}

/**
 * Stored data that no longer matches the hash it is kept under (a tampered or lost chunk). A fault, not
 * the caller's mistake: it is answered as a 500 and never served as if it were the text.
 */
export class IntegrityError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IntegrityError';
  }
}
