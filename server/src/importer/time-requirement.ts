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

/** Words that end a dated step (建成, 投入使用, 动工 …): with 前, what makes a date a deadline. */
const STEP_VERB =
  '完成|建成|建好|投入使用|投用|动工|开工|竣工|出台|印发|实现|上线|启用|落地|到位|全覆盖|开通|通车|完工|交付|投运|运行|挂牌|验收|开放|开园|开业|结顶';
const DATE_WORDS = '(?:\\d{4}年)?(?:\\d{1,2}月(?:\\d{1,2}日|上旬|中旬|下旬|初|中|底|末)?|上半年|下半年|年底|年末|年内)';
const STEP = new RegExp(
  `(${DATE_WORDS})(?:(?:以前|之前|前)((?:${STEP_VERB})[^,,;;。、]{0,12})?|((?:${STEP_VERB})[^,,;;。、]{0,12}))`,
  'g',
);

/** The dated steps a text names, in date order (one per date): 5月底前动工, 年底前建成主体工程. */
function datedSteps(raw: string, contextYear?: number): Array<{ due: string; text: string; assumed: boolean }> {
  const byDue = new Map<string, { due: string; text: string; assumed: boolean }>();
  // a step without a year takes the year written before it in the same text (2023年6月底前…,9月底前…)
  let written: number | undefined;
  for (const m of normalizeText(raw).matchAll(STEP)) {
    const date = findDateExpression(m[1]!, written ?? contextYear);
    if (!date) continue;
    if (!date.yearAssumed) written = Number(date.due.slice(0, 4));
    const assumed = date.yearAssumed && written === undefined;
    if (!byDue.has(date.due)) byDue.set(date.due, { due: date.due, text: m[0], assumed });
  }
  return [...byDue.values()].sort((x, y) => (x.due < y.due ? -1 : 1));
}

/**
 * A deadline written in a task's own sentence (2022年10月底前完成…, 9月投入使用, 年底前建成): the
 * date phrase must be followed by 前 or by a word of completion, so a target year (2022年预期目标)
 * or a date in passing is not read as the deadline. With several (5月底前动工、年底前建成), the
 * latest is the task's deadline and the earlier ones its milestones. `undefined` when the
 * sentence names none.
 */
export function deadlineInText(raw: string, contextYear?: number): TimeRequirementResult | undefined {
  const steps = datedSteps(raw, contextYear);
  const last = steps.at(-1);
  if (!last) return undefined;
  const rule: ScheduleRule = {
    type: 'deadline',
    text: last.text,
    due: last.due,
    source: 'document',
    ...(steps.length > 1 ? { milestones: steps.slice(0, -1).map(({ due, text }) => ({ due, text })) } : {}),
  };
  const assumed = steps.some((x) => x.assumed);
  return {
    rule,
    warning: `任务中写明${steps.map((x) => `"${x.text}"`).join('、')},按 ${last.due} 截止${steps.length > 1 ? `,之前的${steps.length - 1}个节点各为一项` : ''}${assumed ? `(未写年份,按${last.due.slice(0, 4)}年理解)` : ''}`,
  };
}

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
  // several dated steps in one cell (6月底前完成方案,12月底前全面推开): the last is the deadline
  const steps = datedSteps(text, contextYear);
  if (steps.length > 1) {
    const rule = { ...deadlineInText(text, contextYear)!.rule, text };
    if (!steps.some((x) => x.assumed)) return { rule };
    return { rule, warning: `时间要求"${text}"未写年份,按${rule.due!.slice(0, 4)}年理解` };
  }
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
