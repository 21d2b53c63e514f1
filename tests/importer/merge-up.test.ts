import { describe, expect, it } from 'vitest';
import { applyCorrections } from '../../server/src/importer/corrections.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import { directoryOf } from '../../server/src/domain/plan/directory-of.js';
import { seededApp } from '../helpers/test-app.js';

/** A 重点任务 cell that ran onto the next row: the row read as a task of its own. */
const DOC = [
  '越城区2024年重点任务清单',
  '序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限',
  '1 | 推进政务服务 | 区府办 | 区发改局 | 2024年6月底前',
  '2 | 一网通办全覆盖 |  | 区司法局 | ',
  '3 | 建设基层治理数字平台 | 区司法局 | 府山街道 | 2024年底前',
].join('\n');

describe('merging a task into the one above (#36 req 4)', () => {
  it('joins its words to the title cut mid-sentence, adds its units, keeps the numbering of the rest', async () => {
    const t = await seededApp();
    const directory = directoryOf(t.store.state.get());
    await t.close();
    const result = await importPlan({ name: 'paste.txt', content: new TextEncoder().encode(DOC) }, directory);
    expect(result.tasks.map((t) => t.title)).toEqual(['推进政务服务', '一网通办全覆盖', '建设基层治理数字平台']);
    const second = result.tasks[1]!;
    const merged = applyCorrections(result, [{ taskId: second.id, mergeUp: true }], directory);
    expect(merged.tasks.map((t) => [t.label, t.title])).toEqual([
      ['1', '推进政务服务一网通办全覆盖'],
      ['3', '建设基层治理数字平台'],
    ]);
    const first = merged.tasks[0]!;
    expect(first.schedule.due).toBe('2024-06-30');
    expect(
      merged.assignments
        .filter((a) => a.taskId === first.id)
        .map((a) => `${a.role}:${a.unitId}`)
        .sort(),
    ).toEqual(['co:fgj', 'co:sfj', 'lead:qfb']);
    // the first task has nothing above it
    expect(() => applyCorrections(result, [{ taskId: result.tasks[0]!.id, mergeUp: true }], directory)).toThrow(
      '没有可以并入的上一项',
    );
  });
});

/** Two 重点任务 in one row: the 序号 of the second was lost when the table was copied. */
const RUN_TOGETHER = [
  '越城区2024年重点任务清单',
  '序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限',
  '1 | 推进政务服务一网通办全覆盖。建设基层治理数字平台 | 区府办 | 区发改局 | 2024年6月底前',
  '2 | 开展营商环境评价 | 区发改局 | 区司法局 | 2024年底前',
].join('\n');

describe('a new task starts inside a task (#36 req 4)', () => {
  it('keeps the words before, makes the rest a task of the next free number with its own units and time', async () => {
    const t = await seededApp();
    const directory = directoryOf(t.store.state.get());
    await t.close();
    const result = await importPlan({ name: 'paste.txt', content: new TextEncoder().encode(RUN_TOGETHER) }, directory);
    const first = result.tasks[0]!;
    const split = applyCorrections(
      result,
      [
        {
          taskId: first.id,
          split: { at: '建设基层治理数字平台', units: [{ name: '区司法局', role: 'lead' }], time: '2024年底前' },
        },
      ],
      directory,
    );
    expect(split.tasks.map((t) => [t.label, t.title, t.schedule.due])).toEqual([
      ['1', '推进政务服务一网通办全覆盖。', '2024-06-30'],
      ['2', '开展营商环境评价', '2024-12-31'],
      ['3', '建设基层治理数字平台', '2024-12-31'],
    ]);
    const added = split.tasks[2]!;
    const roles = (id: string) =>
      split.assignments
        .filter((a) => a.taskId === id)
        .map((a) => `${a.role}:${a.unitId}`)
        .sort();
    expect(roles(first.id)).toEqual(['co:fgj', 'lead:qfb']);
    expect(roles(added.id)).toEqual(['lead:sfj']);
    expect(split.lines[added.id]).toBe(result.lines[first.id]);
    expect(split.report.counts.keyTasks).toBe(3);
    // without units or time of its own, the new task takes the task's
    const same = applyCorrections(result, [{ taskId: first.id, split: { at: '建设基层' } }], directory);
    expect(same.tasks[2]!.title).toBe('建设基层治理数字平台');
    expect(same.tasks[2]!.schedule.due).toBe('2024-06-30');
    expect(
      same.assignments
        .filter((a) => a.taskId === same.tasks[2]!.id)
        .map((a) => `${a.role}:${a.unitId}`)
        .sort(),
    ).toEqual(['co:fgj', 'lead:qfb']);
    // words the task does not hold, or its very first words, are refused and change nothing
    expect(() => applyCorrections(result, [{ taskId: first.id, split: { at: '不存在的句子' } }], directory)).toThrow(
      '原文里没有',
    );
    expect(() => applyCorrections(result, [{ taskId: first.id, split: { at: '推进政务服务' } }], directory)).toThrow(
      '从第一句起',
    );
  });
});
