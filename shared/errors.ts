import { z } from 'zod';

/** Stable error codes. Clients branch on `code`; `message` is Chinese and says what to do. */
export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'PLAN_NOT_FOUND',
  'TASK_NOT_FOUND',
  'UNIT_NOT_FOUND',
  'SECTION_NOT_FOUND',
  'UNAUTHENTICATED',
  'AUTH_CODE_INVALID',
  'ASSIGNMENT_NOT_FOUND',
  'EVIDENCE_NOT_FOUND',
  /** A report or request names a file that was never (completely) uploaded. */
  'EVIDENCE_NOT_UPLOADED',
  'UPLOAD_INCOMPLETE',
  'BAD_FILE_NAME',
  'FORBIDDEN',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
  'STORE_UNAVAILABLE',
  /** Several instances: a write lost the race to others too many times in a row (retry). */
  'STORE_BUSY',
  /** A rolling upgrade: the database was upgraded by a newer version than this server runs. */
  'STORE_UPGRADING',
  'NO_EARLIER_REPORT',
  'OBLIGATION_NOT_OPEN',
  'NOTHING_TO_EXTEND',
  /** A 延期 that could mean several items: choose one (details list them: path = item id, message = its name). */
  'WHICH_ITEM',
  /** A task number that two running plans share: name the plan (details list them). */
  'WHICH_PLAN',
  /** A person of several units carrying the task: name the unit (details list them). */
  'WHICH_UNIT',
  /** A unit with nothing due in the year: not scored, not ranked (本年度无考评事项). */
  'NO_ASSESSMENT_ITEMS',
  'EXTENSION_DATE_INVALID',
  'REQUEST_PENDING',
  'REQUEST_NOT_FOUND',
  'REQUEST_NOT_PENDING',
  'IMAGE_TOO_LARGE',
  'CLOCK_BACKWARDS',
  'REVIEW_NOT_FOUND',
  'REVIEW_DECIDED',
  'COMMENT_REQUIRED',
  'NOT_PERMITTED',
  'ASSIGNMENT_CLOSED',
  'DESIGNATION_INVALID',
  /** The group is not waiting to be named, or every unit chosen already carries the task. */
  'DESIGNATION_CONFLICT',
  'IMPORT_BINARY',
  'IMPORT_NOT_XLSX',
  'IMPORT_NOT_DOCX',
  'IMPORT_NOT_PDF',
  'IMPORT_PDF_NO_TEXT',
  'IMPORT_TOO_LARGE',
  'IMPORT_EMPTY',
  'IMPORT_DROPS_TASKS',
  'IMPORT_CORRECTION',
  'IMPORT_UPLOAD_EXPIRED',
  'BAD_IDEMPOTENCY_KEY',
  'IDEMPOTENCY_KEY_REUSED',
  'REQUEST_RUNNING',
  'IMPORT_LOSES_TASKS',
  'IMPORT_TOO_SLOW',
  'IMPORT_NO_TITLE_COLUMN',
  /** An address /o/<id>/… naming no organisation of this deployment. */
  'ORG_NOT_FOUND',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Field-level details for validation errors: where and what. */
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
