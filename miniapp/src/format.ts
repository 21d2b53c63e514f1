import { taskLabel } from '../../shared/task-label.js';
/** 2019-06-30 → 6月30日, or 2018年6月30日 when `today` is in another year (one formatter for server and page). */
export { cnDate } from '../../shared/cn-date.js';

/** How officials name a task: 重点任务8 (key tasks) or 任务3 (measures) — with its plan where several run at once. */
export const taskName = (t: { kind: string; number: number; plan?: string | undefined }): string =>
  `${t.plan ? `${t.plan}·` : ''}${taskLabel(t)}`;
