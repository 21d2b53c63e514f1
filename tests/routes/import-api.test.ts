import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { ImportPreview } from '../../shared/schemas/import.js';
import { ROOT } from '../helpers/seeds.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { previewImport } from '../helpers/bot-harness.js';
import { join } from 'node:path';

const corpus = (f: string) => readFileSync(`${ROOT}tests/fixtures/importer/corpus/${f}`);

describe('the import page API: upload, check, correct, apply', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());
  const upload = (name: string, body: Buffer, personId?: string) =>
    t.inject(
      {
        method: 'POST',
        url: '/api/imports',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
        payload: body,
      },
      personId,
    );
  const events = async (type: string) => {
    const out: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
    return out;
  };

  it('shows each task with its source, units and roles, groups, time and warnings — and writes nothing', async () => {
    const seq = t.store.state.get().ledger.seq;
    const res = await upload('数字经济实施意见.docx', corpus('11-numbered-two-roles.docx'));
    expect(res.statusCode).toBe(200);
    const p = res.json() as ImportPreview;
    expect(p).toMatchObject({
      name: '数字经济实施意见.docx',
      format: 'docx',
      title: '关于加快发展数字经济的实施意见',
      replaces: false,
    });
    expect(
      p.tasks.map((x) => [x.label, x.title, x.units.map((u) => `${u.role}:${u.name}:${u.kind}`), x.time.type]),
    ).toEqual([
      ['1', '培育数字经济核心产业', ['lead:区经信局:unit', 'co:区发改局:unit', 'co:区科技局:unit'], 'annual'],
      ['2', '推进产业数字化转型', ['lead:区经信局:unit', 'co:区商务局:unit', 'co:区农林局:unit'], 'annual'],
      ['3', '加强数字基础设施建设', ['lead:区住建局:unit', 'lead:区电子政务办:unit'], 'annual'],
    ]);
    expect(p.tasks[0]!.source).toMatchObject({ body: '培育数字经济核心产业。', units: '区经信局;区发改局、区科技局' });
    const groups = (await upload('清单.pdf', corpus('09-pdf-table.pdf'))).json() as ImportPreview;
    expect(groups.tasks[5]!.units[1]).toMatchObject({
      name: '各镇人民政府、街道办事处',
      kind: 'group',
      members: expect.arrayContaining(['府山街道', '东浦镇']),
    });
    expect(groups.tasks[5]!.reached).toBe(1 + groups.tasks[5]!.units[1]!.members!.length);
    const unknown = (await upload('乡村振兴.txt', corpus('10-unit-lists.txt'))).json() as ImportPreview;
    expect(unknown.tasks[1]!.units[1]).toMatchObject({ name: '各园区、平台', kind: 'toDesignate' });
    expect(unknown.tasks[1]!.warnings).toEqual([expect.objectContaining({ code: 'UNKNOWN_GROUP' })]);
    // a unit in both the 牵头单位 and the 责任单位 column is one chip, a lead
    const both = (await upload('工作报告.docx', corpus('08-leaders-and-categories.docx'))).json() as ImportPreview;
    expect(both.tasks[1]!.units.map((u) => `${u.role}:${u.name}`)).toEqual(['lead:区发改局', 'co:区住建局']);
    expect(t.store.state.get().ledger.seq).toBe(seq);
  });

  it('shows a task’s deadline and milestones read from its sentence, with the note saying so', async () => {
    const res = await upload('民生实事.txt', corpus('22-deadlines-in-table-text.txt'));
    expect(res.statusCode).toBe(200);
    const task = res.json().tasks[1];
    expect(task.time).toMatchObject({
      type: 'deadline',
      due: '2024-12-31',
      milestones: [{ due: '2024-03-31', text: '3月底前开工建设镜湖体育馆' }],
    });
    expect(task.warnings.map((w: { code: string }) => w.code)).toContain('DEADLINE_IN_TEXT');
  });

  it('a table it cannot read: the 督考办 names the header row and the columns, the preview and the apply follow', async () => {
    const doc = [
      '2024年重点工作安排',
      '编号 | 工作内容描述 | 主责部门 | 协作部门 | 截止日期',
      '1 | 建成区级数字化改革驾驶舱 | 区经信局 | 区财政局 | 2024年9月底前',
      '2 | 推进城市有机更新 | 区住建局 | 区国土分局 | 每年推进',
    ].join('\n');
    const first = await upload('工作安排.txt', Buffer.from(doc));
    expect(first.statusCode).toBe(200);
    const p = first.json() as ImportPreview;
    expect(p.tasks).toHaveLength(0);
    expect(p.tables).toEqual([
      expect.objectContaining({ line: 2, headerRow: null, columns: [null, null, null, null, null] }),
    ]);
    expect(p.tables[0]!.rows[0]).toEqual(['编号', '工作内容描述', '主责部门', '协作部门', '截止日期']);
    const columns = ['number', 'title', 'lead', 'co', 'time'];
    // a mapping without a task column is refused, and changes nothing
    const refused = await t.inject({
      method: 'POST',
      url: `/api/imports/${p.upload}/columns`,
      payload: { tables: [{ line: 2, headerRow: 0, columns: ['number', null, 'lead', 'co', 'time'] }] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('IMPORT_NO_TITLE_COLUMN');
    const read = await t.inject({
      method: 'POST',
      url: `/api/imports/${p.upload}/columns`,
      payload: { tables: [{ line: 2, headerRow: 0, columns }] },
    });
    expect(read.statusCode).toBe(200);
    const again = read.json() as ImportPreview;
    expect(again.upload).toBe(p.upload);
    expect(again.tables[0]).toMatchObject({ headerRow: 0, columns, chosen: true });
    expect(
      again.tasks.map((x) => [x.title, x.time.due ?? x.time.type, x.units.map((u) => `${u.role}:${u.name}`)]),
    ).toEqual([
      ['建成区级数字化改革驾驶舱', '2024-09-30', ['lead:区经信局', 'co:区财政局']],
      ['推进城市有机更新', 'annual', ['lead:区住建局', 'co:区国土分局']],
    ]);
    // the apply reads the file the same way
    const applied = await t.inject({
      method: 'POST',
      url: `/api/imports/${p.upload}/apply`,
      payload: { corrections: [] },
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ tasks: 2, assignments: 4 });
  });

  it('applies with corrections (a task dropped, units and roles changed, a time set), recorded with the document hash', async () => {
    const p = (await upload('数字经济实施意见.docx', corpus('11-numbered-two-roles.docx'))).json() as ImportPreview;
    const [first, second, third] = p.tasks;
    const corrections = [
      { taskId: second!.id, drop: true },
      {
        taskId: third!.id,
        units: [
          { name: '区住建局', role: 'lead' },
          { name: '区电子政务办', role: 'co' },
        ],
      },
      { taskId: first!.id, time: '2024年底前' },
    ];
    const res = await t.inject({ method: 'POST', url: `/api/imports/${p.upload}/apply`, payload: { corrections } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      changed: true,
      planId: p.planId,
      tasks: 2,
      assignments: 5,
      corrections: 3,
      active: false,
    });
    const s = t.store.state.get();
    expect(s.tasks.filter((x) => x.planId === p.planId).map((x) => [x.label, x.schedule.type, x.schedule.due])).toEqual(
      [
        ['1', 'deadline', '2024-12-31'],
        ['3', 'annual', undefined],
      ],
    );
    expect(s.assignments.filter((a) => a.taskId === third!.id).map((a) => `${a.role}:${a.unitId}`)).toEqual([
      'lead:zjzj',
      'co:dzzwb',
    ]);
    const [imported] = (await events('plan.imported')).filter((e) => e.subject.id === p.planId);
    expect(imported).toMatchObject({
      channel: 'miniapp',
      actor: { type: 'person', id: 'p-dkb-s1' },
      payload: { source: { sha256: p.upload, format: 'docx' }, corrections },
    });
    // applied once: the upload is gone
    expect(
      (await t.inject({ method: 'POST', url: `/api/imports/${p.upload}/apply`, payload: {} })).json(),
    ).toMatchObject({ code: 'IMPORT_UPLOAD_EXPIRED' });
  });

  it('refuses what it cannot read, a correction of a task the file does not have, and anyone but the 督考办', async () => {
    const seq = t.store.state.get().ledger.seq;
    expect(
      (await upload('扫描件.pdf', readFileSync(`${ROOT}tests/fixtures/importer/scanned.pdf`))).json(),
    ).toMatchObject({ code: 'IMPORT_PDF_NO_TEXT', message: expect.stringContaining('扫描件') });
    expect((await upload('x.txt', Buffer.alloc(0))).statusCode).toBe(400);
    const p = (await upload('改革.txt', corpus('06-convention-in-brackets.txt'))).json() as ImportPreview;
    const bad = await t.inject({
      method: 'POST',
      url: `/api/imports/${p.upload}/apply`,
      payload: { corrections: [{ taskId: 'nope', drop: true }] },
    });
    expect(bad.json()).toMatchObject({ code: 'IMPORT_CORRECTION' });
    const empty = await t.inject({
      method: 'POST',
      url: `/api/imports/${p.upload}/apply`,
      payload: { corrections: [{ taskId: p.tasks[0]!.id, units: [] }] },
    });
    expect(empty.json()).toMatchObject({
      code: 'IMPORT_CORRECTION',
      message: expect.stringContaining('至少要有一个责任单位'),
    });
    expect((await upload('改革.txt', corpus('06-convention-in-brackets.txt'), 'p-fzb-c')).json()).toMatchObject({
      code: 'NOT_PERMITTED',
    });
    expect(t.store.state.get().ledger.seq).toBe(seq);
  });
});

describe('a document in traditional characters on the preview (#36 req 3)', () => {
  it('is read as simplified and each task keeps its line as written, for the 督考办 to compare', async () => {
    const t = await seededApp();
    const preview = await previewImport(
      t,
      '營商環境.txt',
      readFileSync(join(ROOT, 'tests/fixtures/importer/corpus/18-traditional-table.txt')),
    );
    expect(preview.tasks[0]).toMatchObject({
      title: '推行企业开办一日办结',
      source: { original: '1 | 推行企業開辦一日辦結 | 區市場監管局 | 區行政服務中心、區人社局 | 2023年6月底前' },
    });
    // a simplified document carries no "original"
    const plain = await previewImport(
      t,
      'plain.txt',
      Buffer.from('重点任务清单\n序号 | 重点任务 | 牵头单位\n1 | 推进一网通办 | 区府办\n'),
    );
    expect(plain.tasks[0]?.source.original).toBeUndefined();
    await t.close();
  });
});
