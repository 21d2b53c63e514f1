import type { ImportColumn } from '../../../shared/schemas/import.js';
/**
 * What the layout parsers (plain text, .xlsx) produce before units and time requirements are
 * resolved: the document's structure with every piece of text kept, and every line accounted for.
 */
export interface DraftTask {
  kind: 'measure' | 'key';
  number: number;
  label: string;
  title: string;
  body: string;
  /** 责任单位 text where the document does not say who leads (△ / first-is-lead rules apply). */
  unitsText?: string;
  /** 牵头单位 / 牵头责任单位 text: all lead. */
  leadText?: string;
  /** 配合单位 / 协同责任单位 text: all co. */
  coText?: string;
  timeText?: string;
  leaders: string[];
  sectionNumber?: number;
  /** 1-based line (text) or row (xlsx) where the item starts. */
  line: number;
}

export interface DraftSection {
  number: number;
  label: string;
  title: string;
  line: number;
}

export interface DraftNote {
  line: number;
  text: string;
}

export interface DraftPlan {
  meta: { title?: string; issuer?: string; issuedOn?: string; addressees?: string };
  sections: DraftSection[];
  tasks: DraftTask[];
  /** Lines that are prose (preamble, requirements …): not tasks, scanned for dated obligations. */
  prose: DraftNote[];
  /** Lines that looked like part of a task list but could not be used. Each becomes a warning. */
  skipped: Array<DraftNote & { reason: string }>;
  /** The document says the first listed unit leads (e.g. 注:排名第一的为牵头单位). */
  firstIsLeadStated: boolean;
  /** Conventions the document states (a header note, a note in brackets with 下同, a closing 注), as found: reported. */
  conventions: DraftNote[];
  /** Each table as read: its first rows, the header row found (or not) and what each column was taken for. */
  tables: DraftTable[];
  /** A document in traditional characters: each line's (or row's) original text, for display beside the reading. */
  originals?: Record<number, string>;
}

/** The columns a table's cells may be read as (the import page lets the 督考办 choose): shared/schemas/import.ts. */
export type TableColumn = ImportColumn;

export interface DraftTable {
  line: number;
  /** The first rows (cells cut to 60 characters), as the page shows them. */
  rows: string[][];
  /** Index in `rows` of the header row, or null when none was recognised. */
  headerRow: number | null;
  /** What each column was read as (null: not read). */
  columns: Array<TableColumn | null>;
  /** Set when the 督考办 said how to read the table (not detected). */
  chosen?: boolean;
}

/** The 督考办's reading of a table the importer could not (or did not rightly) read: by the table's first line. */
export interface ColumnChoice {
  line: number;
  headerRow: number;
  columns: Array<TableColumn | null>;
}

export function emptyDraft(): DraftPlan {
  return {
    meta: {},
    sections: [],
    tasks: [],
    prose: [],
    skipped: [],
    firstIsLeadStated: false,
    conventions: [],
    tables: [],
  };
}

export const FIRST_IS_LEAD_NOTE = /(排名|排在|列)?第一(个|位|家)?(的)?(单位)?为牵头(单位)?|首个单位为牵头/;
