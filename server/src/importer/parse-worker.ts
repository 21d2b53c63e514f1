/**
 * A worker thread of the parse pool (parse-pool.ts): reads one document and hands back what it
 * gives, or the importer's refusal as data (an error class does not cross the thread boundary).
 */
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { ImportError } from './import-error.js';
import { importPlan } from './import-plan.js';
import type { ImportResult } from './import-result.js';
import type { ColumnChoice } from './draft.js';

export interface ParseTask {
  name: string;
  content: Uint8Array;
  directory: UnitDirectory;
  columns?: readonly ColumnChoice[];
}

export type ParseOutcome =
  { ok: true; result: ImportResult } | { ok: false; code: ImportError['code']; message: string };

export default async function parseDocument(task: ParseTask): Promise<ParseOutcome> {
  try {
    return {
      ok: true,
      result: await importPlan({ name: task.name, content: task.content }, task.directory, {
        ...(task.columns ? { columns: task.columns } : {}),
      }),
    };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
