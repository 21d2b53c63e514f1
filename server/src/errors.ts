import type { ErrorCode } from '../../shared/errors.js';

/**
 * An error with a stable code and a Chinese message that says what to do. The code is the whole
 * contract: its HTTP status is chosen at the edge (http/status.ts), so the domain says what went
 * wrong and never how the web answers it.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Array<{ path: string; message: string }> },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.details = options?.details;
  }
  readonly details: Array<{ path: string; message: string }> | undefined;
}

/** Codes that say the server could not do it now (not that the request was wrong): try again later. */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set(['INTERNAL', 'UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_BUSY']);
export const isServerSide = (e: AppError): boolean => SERVER_SIDE.has(e.code);

export const notFound = (code: ErrorCode, message: string): AppError => new AppError(code, message);
