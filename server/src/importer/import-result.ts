import type { DraftTable } from './draft.js';
import type { Assignment } from '../../../shared/schemas/assignment.js';
import type { Plan, ProseObligation, Section } from '../../../shared/schemas/plan.js';
import type { Task } from '../../../shared/schemas/task.js';
import type { Unit, UnitGroup } from '../../../shared/schemas/unit.js';

export type ImportWarningCode =
  | 'UNKNOWN_UNIT'
  | 'UNKNOWN_GROUP'
  | 'UNPARSED_TIME'
  | 'ASSUMED_YEAR'
  | 'NO_TIME'
  | 'DEADLINE_IN_TEXT'
  | 'NO_UNITS'
  | 'SKIPPED_LINE'
  | 'DUPLICATE_NUMBER'
  | 'OBLIGATION_UNRESOLVED'
  | 'NO_MEASURE_LINK'
  | 'NO_TASKS'
  | 'NO_TITLE'
  /** The title names no year: the period is the year of issue until the 督考办 confirms it. */
  | 'PERIOD_ASSUMED'
  | 'NO_PERIOD';

export interface ImportWarning {
  code: ImportWarningCode;
  /** Line (text) or row (xlsx) of the source, when there is one. */
  line?: number;
  message: string;
}

export interface ImportReport {
  source: { name: string; format: 'text' | 'xlsx' | 'docx' | 'pdf'; sha256: string };
  counts: {
    sections: number;
    measures: number;
    keyTasks: number;
    assignments: number;
    toDesignate: number;
    unitsReached: number;
    provisionalUnits: number;
    obligations: number;
    proseLines: number;
    skippedLines: number;
  };
  /** How unit lists without △ were read. */
  roleConvention: 'marked' | 'firstIsLead';
  /** Conventions the document states (a header note, a 下同 note in a unit list, a closing 注) and what the import did with each. */
  conventions: Array<{ line: number; text: string; effect: string }>;
  warnings: ImportWarning[];
}

export interface ImportResult {
  plan: Plan;
  sections: Section[];
  tasks: Task[];
  assignments: Assignment[];
  obligations: ProseObligation[];
  /** Units created for names the directory does not know; review and merge them. */
  provisionalUnits: Unit[];
  /** Unknown 各… phrases, kept as groups to be designated. */
  provisionalGroups: UnitGroup[];
  /** Where each task starts in the document (line, row or paragraph), by task id: warnings name these lines. */
  lines: Record<string, number>;
  report: ImportReport;
  /** Each table as read (its first rows, header, columns): the import page's column step. */
  tables: DraftTable[];
  /** A traditional-character document: the original text of each line or row, for display. */
  originals?: Record<number, string>;
}
