/** How a task is named everywhere it is shown: 重点任务3 (a key task), 任务12 (a measure), 批示件2 (a 领导批示件). */
export const taskLabel = (t: { kind: string; number: number }): string =>
  `${t.kind === 'key' ? '重点任务' : t.kind === 'instruction' ? '批示件' : '任务'}${t.number}`;
