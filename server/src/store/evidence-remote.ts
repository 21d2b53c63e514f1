/**
 * Where evidence files live when several instances serve them (PostgreSQL: store/pg/pg-evidence.ts).
 * Each instance keeps its data directory as a cache: a file stored through one is written here as
 * well, and one asked of another is fetched from here into its cache first.
 */
export interface EvidenceRemote {
  /** Stores the file at `path` (its content hash `sha256`) unless it is there already. */
  put(sha256: string, path: string): Promise<void>;
  /** Writes the file to `path` (created, durable) and returns true; false when it is not stored. */
  fetch(sha256: string, path: string): Promise<boolean>;
  /** Forgets the file (housekeeping of uploads never attached). */
  remove(sha256: string): Promise<void>;
  /** The hashes stored (moving a data directory's files in: which are missing). */
  has(sha256: string): Promise<boolean>;
}
