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
