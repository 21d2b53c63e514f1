import type { ErrorCode } from '../../shared/errors.js';

/** An error with a stable code, an HTTP status and a Chinese message that says what to do. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown; details?: Array<{ path: string; message: string }> },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.details = options?.details;
  }
  readonly details: Array<{ path: string; message: string }> | undefined;
}

export const notFound = (code: ErrorCode, message: string): AppError => new AppError(code, 404, message);
