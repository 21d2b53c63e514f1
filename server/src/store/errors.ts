/** The data directory cannot be used as it is. The message says what is wrong and what to do. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'STATE_CORRUPT'
      | 'LEDGER_CORRUPT'
      | 'LOCKED'
      | 'STATE_MISSING'
      | 'WRITE_FAILED'
      | 'STATE_BEHIND_LEDGER'
      /** The database's schema is older than this program's migrations (a read-only tool does not migrate). */
      | 'SCHEMA_BEHIND'
      /** The stored state was written by a newer version of the program (a rolling upgrade): refused, not misread. */
      | 'SCHEMA_NEWER'
      /** Another instance wrote first: reload and compute the transaction again. */
      | 'STATE_STALE'
      /** A restore into a directory that holds something: refused, never mixed with live data. */
      | 'RESTORE_NOT_EMPTY',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
