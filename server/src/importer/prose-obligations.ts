import { findDateExpression } from '../naming/date-expression.js';
import type { DraftNote } from './draft.js';

export interface FoundObligation {
  line: number;
  text: string;
  due: string;
  whoText: string;
  appliesTo: 'keyTaskLeads' | 'allAssigned' | 'unresolved';
  what: string;
}

/**
 * Finds dated obligations in prose, e.g. 重点任务牵头部门要于2018年11月中旬前组织制订重点任务专项
 * 工作计划 → due 2018-11-20, owed by the lead units of the key tasks.
 */
export function findProseObligations(prose: readonly DraftNote[]): FoundObligation[] {
  const found: FoundObligation[] = [];
  for (const note of prose) {
    for (const sentence of note.text.split(/[。!?]/)) {
      const date = findDateExpression(sentence);
      if (!date || date.yearAssumed) continue;
      const after = sentence.slice(date.index + date.text.length);
      if (!/^(以)?前/.test(after)) continue;
      const before = sentence.slice(0, date.index);
      const clause = before.split(/[,;:]/).at(-1) ?? before;
      const whoText = clause.replace(/(要|应|须|必须|务必)?(于|在)?$/, '').trim();
      const what = after
        .replace(/^(以)?前/, '')
        .split(/[,;]/)[0]!
        .trim();
      if (what === '') continue;
      found.push({
        line: note.line,
        text: sentence.trim(),
        due: date.due,
        whoText,
        appliesTo: classify(whoText),
        what,
      });
    }
  }
  return found;
}

function classify(who: string): FoundObligation['appliesTo'] {
  if (/重点任务(的)?牵头(部门|单位)/.test(who)) return 'keyTaskLeads';
  if (/各(镇街|单位|部门|责任单位)|各镇|区政府各部门/.test(who)) return 'allAssigned';
  return 'unresolved';
}
