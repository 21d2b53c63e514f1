/** How a task is named everywhere it is shown: 重点任务3 (a key task), 任务12 (a measure). */
export const taskLabel = (t: { kind: string; number: number }): string =>
  `${t.kind === 'key' ? '重点任务' : '任务'}${t.number}`;
