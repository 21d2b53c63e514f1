/** One row of a table, wherever it came from, with the line (or paragraph) it starts on. */
export interface Row {
  line: number;
  cells: string[];
}

/**
 * A document as the plan parser reads it, whatever its format: lines of text and tables. Every
 * table reader (`|` rows, tab-separated rows, cells one per line, Word and PDF tables, sheets)
 * produces the same table block, so one table parser serves them all.
 */
export type Block = { kind: 'line'; line: number; text: string } | { kind: 'table'; line: number; rows: Row[] };
