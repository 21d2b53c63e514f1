/**
 * Which item a progress report answers when the official did not pick one — the same rule for the
 * bot and the mini-app (the page shows its answer as the preselected choice while one types):
 *
 * 1. A 年中/年末 report only when the words say so (年中, 半年 → 年中督查报告; 年末, 全年, 年度, 自评 →
 *    年末自评报告), preferring the item of a year the words name ("2019年年中自查…").
 * 2. An item whose own name the words carry ("专项工作计划", "整改清单"), then a quarter or month the words name ("第一季度", "一季度", "3月份进展") → that progress item,
 *    even when it is overdue (a late report on the right item).
 * 3. Otherwise the current period's progress item: one that has opened and whose period (its
 *    quarter or month) has not ended — or a 催办 that has opened (it asks for exactly this).
 * 4. Otherwise nothing: a free 进展 that fulfils no item (it is still on the timeline and in the 台账).
 *
 * An item that opens later is never the default; it is fulfilled only when named (rule 1 or 2) or
 * chosen. Overdue items of an ended period, 督查 rounds' reports, the plan's own prose items and
 * 专项工作计划 are answered only when chosen.
 */
export interface ReportItem {
  id: string;
  kind: string;
  period?: string | undefined;
  year: number;
  label: string;
  opensOn: string;
  due: string;
}

const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
const MONTH_CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** The last day of the period a progress item reports on (Q1 → 03-31, M05 → 05-31); its due date otherwise. */
export function periodEnd(item: Pick<ReportItem, 'period' | 'year' | 'due'>): string {
  const q = /^Q([1-4])$/.exec(item.period ?? '');
  const m = /^M(\d{2})$/.exec(item.period ?? '');
  const month = q ? Number(q[1]) * 3 : m ? Number(m[1]) : 0;
  if (!month) return item.due;
  const last = new Date(Date.UTC(item.year, month, 0)).getUTCDate();
  const end = `${item.year}-${String(month).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
  return end > item.due ? end : item.due;
}

/** What the words name: a 年中/年末 report, a quarter, a month, and a year. */
export function namedItem(text: string): {
  kind?: 'midYear' | 'yearEnd';
  period?: string;
  year?: number;
} {
  const out: { kind?: 'midYear' | 'yearEnd'; period?: string; year?: number } = {};
  const y = /(20\d{2})\s*年/.exec(text);
  if (y) out.year = Number(y[1]);
  if (/年中|半年/.test(text)) out.kind = 'midYear';
  else if (/年末|年终|年底总结|全年|年度(总结|报告|自评)|自评/.test(text)) out.kind = 'yearEnd';
  const q = /(?:第)?([一二三四1-4])\s*季度/.exec(text);
  if (q) out.period = `Q${QUARTER[q[1]!]}`;
  const m = /(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*月份?(?:进展|情况|报告)/.exec(text);
  if (!out.period && m) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : MONTH_CN.indexOf(m[1]!);
    if (n >= 1) out.period = `M${String(n).padStart(2, '0')}`;
  }
  return out;
}

/** The distinctive end of an item's name: "组织制订重点任务专项工作计划" → "专项工作计划". */
function labelCore(label: string): string | undefined {
  const plain = label.replace(/[((][^))]*[))]/g, '').trim();
  return /[\u4e00-\u9fa5]{2,4}(?:计划|方案|清单|台账|材料|总结)$/.exec(plain)?.[0];
}

/** The item a report answers when none was chosen (undefined: a free 进展). */
export function pickReportTarget<T extends ReportItem>(
  items: readonly T[],
  text: string,
  today: string,
): T | undefined {
  const named = namedItem(text);
  const byDue = (a: T, b: T): number => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1);
  const nearestYear = (list: T[]): T | undefined => {
    const year = Number(today.slice(0, 4));
    const namedYear = (o: T): number => Number(named.year !== undefined && o.year === named.year);
    const opened = (o: T): number => Number(o.opensOn <= today);
    // the year the words name, then an item already open (in January, last year's 年末 report), then the nearest year
    const sorted = [...list].sort(
      (a, b) =>
        namedYear(b) - namedYear(a) ||
        opened(b) - opened(a) ||
        Math.abs(a.year - year) - Math.abs(b.year - year) ||
        byDue(a, b),
    );
    return sorted[0];
  };
  if (named.kind) {
    const hit = nearestYear(items.filter((o) => o.kind === named.kind));
    if (hit) return hit;
  }
  // an item whose own name the words carry (专项工作计划, 整改清单 …)
  const byLabel = items.filter((o) => {
    const core = labelCore(o.label);
    return core !== undefined && text.includes(core);
  });
  if (byLabel.length > 0) return nearestYear(byLabel);
  if (named.period) {
    const hit = nearestYear(items.filter((o) => o.kind === 'progress' && o.period === named.period));
    if (hit) return hit;
  }
  const current = items
    .filter(
      (o) =>
        o.opensOn <= today &&
        ((o.kind === 'progress' && today <= periodEnd(o)) || (o.kind === 'manual' && o.label.startsWith('催办'))),
    )
    .sort(byDue);
  return current[0];
}

/**
 * Which item a 延期 extends when the official did not pick one: the task's own deadline (完成时限)
 * or completion report when there is exactly one such item, else the only extendable item;
 * undefined when there are several (the bot asks which, with buttons; the page asks to choose).
 */
export function pickExtensionTarget<T extends Pick<ReportItem, 'kind'>>(items: readonly T[]): T | undefined {
  const own = items.filter((o) => o.kind === 'deadline' || o.kind === 'completion');
  if (own.length === 1) return own[0];
  if (own.length === 0 && items.length === 1) return items[0];
  return undefined;
}
