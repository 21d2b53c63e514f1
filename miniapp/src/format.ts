/** 2019-06-30 → 6月30日 */
export const cnDate = (iso: string): string => `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

/** How officials name a task: 重点任务8 (key tasks) or 任务3 (measures). */
export const taskName = (t: { kind: string; number: number }): string => `${t.kind === 'key' ? '重点任务' : '任务'}${t.number}`;
