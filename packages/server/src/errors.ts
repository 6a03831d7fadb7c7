import { ERRORS, type ErrorBody, type ErrorCode } from '@parley/protocol';

/** The one error type domain code throws; edges turn it into an HTTP reply or an error frame. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.status = ERRORS[code];
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export const invalid = (message: string) => new AppError('invalid_request', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message: string) => new AppError('forbidden', message);
