import type { ScheduleRule } from '../../../shared/schemas/schedule.js';
import { findDateExpression } from '../naming/date-expression.js';
import { normalizeText } from '../naming/names.js';

export interface TimeRequirementResult {
  rule: ScheduleRule;
  /** Set when the wording was not understood or needed an assumption; the report shows it. */
  warning?: string;
}

const KEYWORDS: Array<[RegExp, ScheduleRule['type']]> = [
  [/(落实|执行|按照|根据)上级|上级(统一)?部署|区委(部署|规定)/, 'superior'],
  [/适时|根据(实际)?需要|视情|按需/, 'asNeeded'],
  [/持续推进|长期坚持|持续开展|常态化/, 'continuous'],
  [/定期(开展|推进|组织)?|每(季|月|半年)/, 'periodic'],
  [/每年|逐年|年度|按年/, 'annual'],
  [/^(实施制定|制定实施|一次性)/, 'oneOff'],
];

/**
 * Parses a 时间要求 into a ScheduleRule. A deadline (2021年底前完成) wins over any keyword; wording
 * that matches nothing is kept verbatim, flagged and treated as annual.
 * `contextYear` resolves deadlines written without a year (年底前完成).
 */
export function parseTimeRequirement(raw: string, contextYear?: number): TimeRequirementResult {
  const text = normalizeText(raw).trim();
  if (text === '')
    return {
      rule: { type: 'annual', text: '', flagged: true, source: 'document' },
      warning: '时间要求为空,按"每年推进"处理',
    };
  const date = /前|完成|截止|底|末|时限|\d/.test(text) ? findDateExpression(text, contextYear) : undefined;
  if (date) {
    const rule: ScheduleRule = { type: 'deadline', text, due: date.due, source: 'document' };
    if (date.yearAssumed) return { rule, warning: `时间要求"${text}"未写年份,按${date.due.slice(0, 4)}年理解` };
    return { rule };
  }
  for (const [re, type] of KEYWORDS) if (re.test(text)) return { rule: { type, text, source: 'document' } };
  return {
    rule: { type: 'annual', text, flagged: true, source: 'document' },
    warning: `无法识别的时间要求"${text}",已原样保留并按"每年推进"处理,请督考办确认`,
  };
}
