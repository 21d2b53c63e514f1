import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importPlan } from '../../server/src/importer/import-plan.js';
import type { ImportResult } from '../../server/src/importer/import-result.js';
import { splitUnitNames } from '../../server/src/importer/unit-list.js';
import { templateXlsx, TEMPLATE_COLUMNS } from '../../server/src/importer/xlsx-template.js';
import { UnitResolver } from '../../server/src/naming/unit-resolver.js';
import { ROOT, seedDirectory } from '../helpers/seeds.js';
import { seededApp } from '../helpers/test-app.js';

/** A task as the import made it: title, each unit with its role, the schedule. */
const shape = (r: ImportResult) =>
  r.tasks.map((t) => ({
    title: t.title,
    units: r.assignments
      .filter((a) => a.taskId === t.id)
      .map((a) => `${a.role}:${a.unitId}`)
      .sort(),
    schedule: [t.schedule.type, t.schedule.due],
  }));

describe('the standard 任务分解表 (Excel template)', () => {
  it('is a workbook with the header the importer reads, an example, and a list of common 完成时限', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await templateXlsx()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(TEMPLATE_COLUMNS.map((c) => c.header));
    expect(ws.getCell(5, 5).dataValidation).toMatchObject({ type: 'list' });
    expect(String(ws.getCell(5, 5).dataValidation.formulae)).toContain('每年推进');
    expect(ws.getCell(5, 5).dataValidation.showErrorMessage).not.toBe(true); // a list to pick from, not a limit
    // the template as it comes imports its example task
    const r = await importPlan({ name: '模板.xlsx', content: new Uint8Array(await templateXlsx()) }, seedDirectory());
    expect(r.tasks.map((t) => [t.title, t.schedule.due])).toEqual([
      ['示例:建成区级数字化改革驾驶舱(本行可删除)', '2024-09-30'],
    ]);
  });

  it('round-trips the seeded plan’s 36 key tasks: the same tasks, units, roles and deadlines as the text import', async () => {
    const directory = seedDirectory();
    const text = await importPlan(
      { name: 'plan.txt', content: new Uint8Array(readFileSync(`${ROOT}seeds/plans/yuecheng-2018-lqstg.txt`)) },
      directory,
    );
    const keys = text.tasks.filter((t) => t.kind === 'key');
    expect(keys).toHaveLength(36);
    const compound = new UnitResolver(directory).compoundNames;
    const rows = keys.map((t) => {
      const names = splitUnitNames(t.unitsText, compound);
      const marked = names.some((n) => n.marked);
      return {
        number: t.number,
        title: t.title,
        lead: names
          .filter((n) => !marked || n.marked)
          .map((n) => n.name)
          .join('、'),
        co: marked
          ? names
              .filter((n) => !n.marked)
              .map((n) => n.name)
              .join('、')
          : '',
        time: t.schedule.text,
      };
    });
    const xlsx = await templateXlsx('越城区“两强三提高”重点任务清单', rows);
    const back = await importPlan({ name: '清单.xlsx', content: new Uint8Array(xlsx) }, directory);
    const want = shape({ ...text, tasks: keys });
    expect(shape(back)).toEqual(want);
  });

  it('is served to the 督考办 for download, and refused to a unit’s contact', async () => {
    const t = await seededApp();
    try {
      const r = await t.inject('/api/imports/template.xlsx');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('spreadsheetml');
      expect(r.rawPayload.subarray(0, 2).toString()).toBe('PK');
      expect((await t.inject('/api/imports/template.xlsx', 'p-fsjd-c')).statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });
});
