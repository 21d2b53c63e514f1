import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importPlan } from '../../server/src/importer/import-plan.js';
import type { ImportResult } from '../../server/src/importer/import-result.js';
import { ROOT, seedDirectory } from '../helpers/seeds.js';

const units = (r: ImportResult, number: number, kind = 'measure', nth = 0) => {
  const task = r.tasks.filter((t) => t.kind === kind && t.number === number)[nth]!;
  return r.assignments
    .filter((a) => a.taskId === task.id)
    .map(
      (a) => `${a.role}:${a.unitId}${a.status === 'toDesignate' ? '?' : ''}${a.viaGroupId ? `<${a.viaGroupId}` : ''}`,
    );
};
const text = (s: string) => new TextEncoder().encode(s);

describe('a task-decomposition document with 牵头单位:/配合单位: lines', () => {
  const load = () =>
    importPlan(
      {
        name: 'field-lines-plan.txt',
        content: new Uint8Array(readFileSync(`${ROOT}tests/fixtures/field-lines-plan.txt`)),
      },
      seedDirectory(),
    );

  it('reads title, issuer, date, sections and items numbered 1. 1、 (一)', async () => {
    const r = await load();
    expect(r.plan).toMatchObject({
      title: '越城区2019年数字化转型重点工作任务分解',
      issuer: '越城区人民政府办公室',
      issuedOn: '2019-03-05',
    });
    expect(r.sections.map((s) => [s.label, s.title])).toEqual([
      ['一、', '推进政务服务数字化'],
      ['二、', '加强数据共享'],
    ]);
    expect(r.tasks.map((t) => [t.label, t.title, t.sectionId?.split('.').at(-1)])).toEqual([
      ['1', '推进“最多跑一次”改革向公共服务领域延伸', 's1'],
      ['2', '全面推广政务钉钉', 's1'],
      ['(一)', '整合公共数据资源', 's2'],
      ['(二)', '建立数据安全制度', 's2'],
    ]);
    expect(new Set(r.tasks.map((t) => t.id)).size).toBe(4);
    expect(r.tasks[2]!.body).toBe('整合公共数据资源\n扩大数据归集范围,提高数据质量。');
    expect(r.tasks[0]!.leaders).toEqual(['张副区长']);
  });

  it('gives lead and co roles from the field names, full-width colons and commas included', async () => {
    const r = await load();
    expect(units(r, 1)).toEqual(['lead:xzfwzx', 'co:qfb', 'co:fgj']);
    const second = units(r, 2);
    expect(second.slice(0, 2)).toEqual(['lead:dzzwb', 'lead:qfb']);
    expect(second.slice(2).every((a) => a.startsWith('lead:') && a.endsWith('<g-zhenjie'))).toBe(true);
    expect(second).toHaveLength(2 + 16);
    const third = units(r, 1, 'measure', 1);
    expect(third[0]).toBe('lead:dzzwb');
    expect(third[1]).toBe('co:g-youguan?');
    expect(third[2]).toMatch(/^co:x-[0-9a-f]{10}$/);
  });

  it('parses each time requirement, and warns about everything it could not use', async () => {
    const r = await load();
    expect(r.tasks.map((t) => [t.schedule.type, t.schedule.due])).toEqual([
      ['deadline', '2019-06-30'],
      ['continuous', undefined],
      ['deadline', '2019-09-30'],
      ['annual', undefined],
    ]);
    expect(r.tasks[3]!.schedule).toMatchObject({ text: '看进度而定', flagged: true });
    const codes = r.report.warnings.map((w) => [w.code, w.line]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['SKIPPED_LINE', 6],
        ['UNKNOWN_UNIT', 17],
        ['UNKNOWN_UNIT', 22],
        ['UNPARSED_TIME', 22],
      ]),
    );
    expect(r.report.warnings.find((w) => w.line === 17)!.message).toContain('区大数据中心');
    expect(r.report.warnings.find((w) => w.code === 'UNKNOWN_UNIT' && w.line === 22)!.message).toContain('区公安分局');
    expect(r.provisionalUnits.map((u) => u.name)).toEqual(['区大数据中心', '区公安分局']);
    expect(r.report.counts).toMatchObject({
      sections: 2,
      measures: 4,
      keyTasks: 0,
      provisionalUnits: 2,
      skippedLines: 1,
    });
  });

  it('turns a dated requirement in prose into an obligation of every assigned unit', async () => {
    const r = await load();
    expect(r.obligations).toEqual([
      expect.objectContaining({ due: '2019-04-30', whoText: '各单位', appliesTo: 'allAssigned', what: '报送工作计划' }),
    ]);
  });
});

describe('the "first listed unit leads" convention', () => {
  const doc = (note = '') =>
    text(
      `一、重点任务\n1.建立工作专班。(责任单位:区府办、区财政局、区发改局)\n2.完善考核办法。(责任单位:△区督考办、区府办)\n${note}`,
    );

  it('by default every unit without △ leads its own part', async () => {
    const r = await importPlan({ name: 'a.txt', content: doc() }, seedDirectory());
    expect(units(r, 1)).toEqual(['lead:qfb', 'lead:czj', 'lead:fgj']);
    expect(r.report.roleConvention).toBe('marked');
  });

  it('with the option, the first listed unit leads and △ still wins where present', async () => {
    const r = await importPlan({ name: 'a.txt', content: doc() }, seedDirectory(), { firstIsLead: true });
    expect(units(r, 1)).toEqual(['lead:qfb', 'co:czj', 'co:fgj']);
    expect(units(r, 2)).toEqual(['lead:dkb', 'co:qfb']);
  });

  it('is detected from a note in the document', async () => {
    const r = await importPlan({ name: 'a.txt', content: doc('注:责任单位中排名第一的为牵头单位。') }, seedDirectory());
    expect(r.report.roleConvention).toBe('firstIsLead');
    expect(units(r, 1)).toEqual(['lead:qfb', 'co:czj', 'co:fgj']);
  });
});

describe('an .xlsx task list', () => {
  async function workbook(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('任务清单');
    ws.addRow(['2019年营商环境重点任务清单']);
    ws.mergeCells('A1:F1');
    ws.addRow([]);
    ws.addRow(['完成时限', '序号', '重点任务', '牵头单位', '配合单位', '备注']);
    ws.addRow(['一、优化审批服务']);
    ws.mergeCells('A4:F4');
    ws.addRow(['2019年9月底前', 1, '推行企业开办一日办结', '区市场监管局', '区行政服务中心、区税务局', '']);
    ws.addRow(['逐年推进', 2, '深化“标准地”改革', '区国土分局', '', '']);
    ws.addRow(['(二)强化要素保障']);
    ws.mergeCells('A7:F7');
    ws.addRow(['每年推进', 3, { richText: [{ text: '加强' }, { text: '融资服务' }] }, '区金融办', '区财政局', '']);
    ws.addRow(['', '', '', '区财政局', '', '']);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('finds the header by name, reads sections, tasks, units and time limits', async () => {
    const r = await importPlan({ name: '营商环境.xlsx', content: await workbook() }, seedDirectory());
    expect(r.plan.title).toBe('2019年营商环境重点任务清单');
    expect(r.plan.source.format).toBe('xlsx');
    expect(r.sections.map((s) => [s.label, s.title])).toEqual([
      ['一、', '优化审批服务'],
      ['(二)', '强化要素保障'],
    ]);
    expect(
      r.tasks.map((t) => [t.kind, t.number, t.title, t.schedule.type, t.schedule.due, t.sectionId?.split('.').at(-1)]),
    ).toEqual([
      ['key', 1, '推行企业开办一日办结', 'deadline', '2019-09-30', 's1'],
      ['key', 2, '深化“标准地”改革', 'annual', undefined, 's1'],
      ['key', 3, '加强融资服务', 'annual', undefined, 's2'],
    ]);
    expect(units(r, 1, 'key')).toEqual(['lead:scjgj', 'co:xzfwzx', expect.stringMatching(/^co:x-/)]);
    // the last row (a merged task cell, only a 牵头单位 of its own) is a sub-row: 区财政局 also leads task 3
    expect(units(r, 3, 'key')).toEqual([expect.stringMatching(/^lead:x-/), 'lead:czj']);
    expect(r.report.warnings.map((w) => [w.code, w.line])).toEqual([
      ['UNKNOWN_UNIT', 5],
      ['UNKNOWN_UNIT', 8],
    ]);
  });

  it('detects an .xlsx by its content even without the extension', async () => {
    const r = await importPlan({ name: 'upload.bin', content: await workbook() }, seedDirectory());
    expect(r.plan.source.format).toBe('xlsx');
    expect(r.tasks).toHaveLength(3);
  });

  it('reports a workbook without a recognisable header instead of importing nothing silently', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['a', 'b', 'c']);
    const r = await importPlan(
      { name: 'x.xlsx', content: new Uint8Array(await wb.xlsx.writeBuffer()) },
      seedDirectory(),
    );
    expect(r.tasks).toEqual([]);
    expect(r.report.warnings.map((w) => w.code)).toEqual(['NO_TITLE', 'NO_PERIOD', 'SKIPPED_LINE', 'NO_TASKS']);
  });
});

describe('a document in traditional characters, with deadlines in its sentences', () => {
  const doc = text(
    [
      '2022年重點工作任務分解',
      '1.推進數字政府建設。(牽頭單位:區府辦;責任單位:區發改局、區財政局,按職責分工負責)',
      '2.2022年10月底前完成老舊小區改造。(牽頭單位:區住建局)',
      '3.新建公辦幼兒園2所,9月投入使用。(責任單位:區教體局)',
    ].join('\n'),
  );

  it('is read as simplified: tasks, units and roles found, the conversion reported', async () => {
    const r = await importPlan({ name: '任務分解.txt', content: doc }, seedDirectory());
    expect(r.tasks.map((t) => [t.number, t.title])).toEqual([
      [1, '推进数字政府建设'],
      [2, '2022年10月底前完成老旧小区改造'],
      [3, '新建公办幼儿园2所,9月投入使用'],
    ]);
    expect(units(r, 1)).toEqual(['lead:qfb', 'co:fgj', 'co:czj']);
    expect(units(r, 2)).toEqual(['lead:zjzj']);
    expect(r.report.conventions[0]).toMatchObject({ text: expect.stringContaining('繁体字') });
  });

  it('takes a task’s deadline from its sentence when it has no 时间要求 of its own (year from the title)', async () => {
    const r = await importPlan({ name: '任務分解.txt', content: doc }, seedDirectory());
    expect(r.tasks.map((t) => [t.schedule.type, t.schedule.due])).toEqual([
      ['annual', undefined],
      ['deadline', '2022-10-31'],
      ['deadline', '2022-09-30'],
    ]);
    expect(r.report.warnings.filter((w) => w.code === 'DEADLINE_IN_TEXT')).toHaveLength(2);
  });

  it('leaves a simplified document with a stray traditional character as it is', async () => {
    const r = await importPlan(
      { name: 'a.txt', content: text('2022年重点工作\n1.做好乾隆年间古建筑修缮。(牵头单位:区住建局)') },
      seedDirectory(),
    );
    expect(r.tasks[0]!.title).toBe('做好乾隆年间古建筑修缮');
    expect(r.report.conventions).toEqual([]);
  });
});

describe('a table flattened one cell per paragraph (blank lines between cells)', () => {
  const doc = text(
    [
      '2022年区政府重点工作任务分解',
      '',
      '序号',
      '',
      '重点工作',
      '',
      '责任单位',
      '',
      '完成时限',
      '',
      '1',
      '',
      '建成区级数字化改革',
      '驾驶舱',
      '',
      '区住建局',
      '区经信局',
      '',
      '2022年9月底',
      '',
      '2',
      '',
      '推进城市有机更新',
      '',
      '区住建局',
      '',
      '12月底前',
    ].join('\n'),
  );

  it('reads a cell’s lines as one cell: a task wrapped over lines, several units, each deadline', async () => {
    const r = await importPlan({ name: '分解.txt', content: doc }, seedDirectory());
    expect(r.tasks.map((t) => [t.number, t.title, t.schedule.due])).toEqual([
      [1, '建成区级数字化改革驾驶舱', '2022-09-30'],
      [2, '推进城市有机更新', '2022-12-31'],
    ]);
    expect(units(r, 1, 'key')).toEqual(['lead:zjzj', 'lead:jxj']);
    expect(units(r, 2, 'key')).toEqual(['lead:zjzj']);
  });
});

describe('a | table of upper tasks and this level’s measures', () => {
  const doc = text(
    [
      '2022年落实上级部署重点任务清单',
      '序号 | 上级部署任务 | 本级落实措施 | 牵头单位 | 责任单位 | 完成时限 | 备注',
      '一、数字化改革 | | | | | |',
      '1 | 推进数字政府建设 | 完善公共数据平台 | 区经信局 | 区府办 | 2022年10月底前 |',
      ' | | 推广"浙里办"应用 | 区经信局 | 区住建局 | 2022年12月底前 |',
      '2 | 优化营商环境 | 深化"证照分离"改革 | 区市场监管局 | 区行政服务中心 | 长期坚持 |',
    ].join('\n'),
  );

  it('makes each measure a task (a continuing row leaves the upper task out), the upper task kept in its body', async () => {
    const r = await importPlan({ name: '清单.txt', content: doc }, seedDirectory());
    expect(r.sections.map((s) => s.title)).toEqual(['数字化改革']);
    expect(r.tasks.map((t) => [t.number, t.title, t.schedule.type, t.schedule.due])).toEqual([
      [1, '完善公共数据平台', 'deadline', '2022-10-31'],
      [2, '推广"浙里办"应用', 'deadline', '2022-12-31'],
      [3, '深化"证照分离"改革', 'continuous', undefined],
    ]);
    expect(r.tasks[1]!.body).toContain('上级部署任务:推进数字政府建设');
    expect(units(r, 2, 'key')).toEqual(['lead:jxj', 'co:zjzj']);
    expect(units(r, 3, 'key')).toEqual(['lead:scjgj', 'co:xzfwzx']);
  });
});

describe('sections named for a leader and their duty', () => {
  it('give their tasks that leader; the headings stay sections, not tasks', async () => {
    const r = await importPlan(
      {
        name: '分工.txt',
        content: text(
          '2022年重点工作分工\n(一)张三区长牵头负责的工作\n1.推进数字政府建设。(牵头单位:区经信局)\n2.优化营商环境。(牵头单位:区市场监管局;分管领导:王五副区长)\n(二)李四副区长牵头负责的工作\n3.完善基层治理。(牵头单位:区委政法委)',
        ),
      },
      seedDirectory(),
    );
    expect(r.sections.map((s) => s.title)).toEqual(['张三区长牵头负责的工作', '李四副区长牵头负责的工作']);
    expect(r.tasks.map((t) => [t.title, t.leaders])).toEqual([
      ['推进数字政府建设', ['张三区长']],
      ['优化营商环境', expect.not.arrayContaining(['张三区长'])],
      ['完善基层治理', ['李四副区长']],
    ]);
  });
});
