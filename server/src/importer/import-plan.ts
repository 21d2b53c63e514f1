import { createHash } from 'node:crypto';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { UnitResolver } from '../domain/units/unit-resolver.js';
import { assemble } from './assemble.js';
import type { ImportResult } from './import-result.js';
import { parsePlanText } from './text-plan.js';
import { parsePlanXlsx } from './xlsx-plan.js';

export interface ImportSource {
  /** File name; `.xlsx` selects the spreadsheet parser, anything else is read as UTF-8 text. */
  name: string;
  content: Uint8Array;
}

export interface ImportOptions {
  planId?: string;
  firstIsLead?: boolean;
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Parses a plan document into records and a report. Pure: reads nothing, writes nothing. */
export async function importPlan(source: ImportSource, directory: UnitDirectory, options: ImportOptions = {}): Promise<ImportResult> {
  const isXlsx = /\.xlsx$/i.test(source.name) || XLSX_MAGIC.every((b, i) => source.content[i] === b);
  const draft = isXlsx ? await parsePlanXlsx(source.content) : parsePlanText(new TextDecoder('utf-8').decode(source.content));
  return assemble(draft, new UnitResolver(directory), {
    sourceName: source.name,
    format: isXlsx ? 'xlsx' : 'text',
    sha256: createHash('sha256').update(source.content).digest('hex'),
    fallbackTitle: source.name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''),
    ...options,
  });
}
