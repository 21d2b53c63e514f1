import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLines } from '../../server/src/domain/assessment/formula.js';
import { DEFAULT_RULES } from '../../server/src/domain/assessment/rules.js';
import { findObligation } from '../../server/src/domain/obligations/obligation-table.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const EVAL = 'p-eval-1';
const FS = 'p-fsjd-c';
const TASK = 'yc-lqstg-2018.k1';

async function sheet(rows: Array<[string, string | number, string | number]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('满意度');
  ws.addRow(['序号', '单位', '样本量', '满意度']);
  rows.forEach((r, i) => ws.addRow([i + 1, ...r]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const upload = (t: TestApp, id: string, bytes: Buffer) =>
  t.inject(
    {
      method: 'POST',
      url: `/api/evaluations/${id}/satisfaction`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: bytes,
    },
    EVAL,
  );

describe('第三方评估 (#37 req 2)', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-09-16T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('the office opens one for some units and tasks, naming the evaluator’s people; only they record in it', async () => {
    const body = {
      title: '2019年"两强三提高"实施情况第三方评估',
      org: '浙江省某某评估研究院',
      period: { from: '2019-09-01', to: '2019-10-31' },
      taskIds: [TASK],
      unitIds: ['fsjd', 'bhjd'],
      evaluatorIds: [EVAL],
    };
    const notEvaluator = await t.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: { ...body, evaluatorIds: [FS] },
    });
    expect(notEvaluator.json().message).toContain('不是第三方评估人员');
    const r = await t.inject({ method: 'POST', url: '/api/evaluations', payload: body });
    expect(r.statusCode).toBe(200);
    id = r.json().id;
    expect(r.json()).toMatchObject({ status: 'open', year: 2019, units: [{ name: '府山街道' }, { name: '北海街道' }] });
    expect((await t.inject('/api/evaluations', EVAL)).json().items.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await t.inject('/api/evaluations', FS)).statusCode).toBe(403);
    // the office does not record findings: the evaluator does
    const office = await t.inject({
      method: 'POST',
      url: `/api/evaluations/${id}/findings`,
      payload: { unitId: 'fsjd', text: '发现问题' },
    });
    expect(office.statusCode).toBe(403);
    const outside = await t.inject(
      { method: 'POST', url: `/api/evaluations/${id}/findings`, payload: { unitId: 'sfj', text: '范围外的单位' } },
      EVAL,
    );
    expect(outside.json().message).toBe('这个单位不在本次评估范围内');
  });

  it('a finding that needs action becomes the unit’s 整改 item, reviewed when reported, then re-checked (二次评估)', async () => {
    const r = await t.inject(
      {
        method: 'POST',
        url: `/api/evaluations/${id}/findings`,
        payload: { unitId: 'fsjd', taskId: TASK, text: '主题教育学习台账不全', score: 72, rectifyBy: '2019-10-15' },
      },
      EVAL,
    );
    expect(r.statusCode).toBe(200);
    const f = r.json().findings[0];
    expect(f).toMatchObject({ unitId: 'fsjd', score: 72, rectify: { due: '2019-10-15' } });
    expect(r.json().rectifications[f.id]).toBe('open');
    const itemId = `${TASK}.fsjd:2019:manual:${f.rectify.manualId}`;
    expect(findObligation(t.store.state.get(), itemId)).toMatchObject({
      status: 'open',
      label: '第三方评估整改:主题教育学习台账不全',
    });
    expect(t.store.state.get().outbox.some((x) => x.key.startsWith(`evaluation:${f.id}:`))).toBe(true);

    // the unit reports its 整改: reviewed by the office, as a 通报批评's 整改 is
    const report = await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${TASK}.fsjd/reports`,
        payload: { text: '已补齐2019年学习台账', obligationId: itemId },
      },
      FS,
    );
    expect(report.statusCode).toBe(200);
    const review = Object.values(t.store.state.get().requests).find((x) => x.obligationIds.includes(itemId))!;
    expect(review.state).toBe('pending');
    expect((await t.inject({ method: 'POST', url: `/api/reviews/${review.id}/approve`, payload: {} })).statusCode).toBe(
      200,
    );
    expect((await t.inject('/api/evaluations', EVAL)).json().items[0].rectifications[f.id]).toBe('done');

    const rechecked = await t.inject(
      {
        method: 'POST',
        url: `/api/evaluations/${id}/findings/${f.id}/recheck`,
        payload: { passed: false, text: '台账仍缺三个月' },
      },
      EVAL,
    );
    expect(rechecked.json().findings[0].recheck).toMatchObject({ passed: false, text: '台账仍缺三个月' });
    // counted in 考评 only as the rules say: nothing by default, a line when set
    const book = { calendar: t.core.calendar, policy: t.core.policy };
    const none = computeLines(t.store.state.get(), book, DEFAULT_RULES, 2019, '2019-09-16').filter(
      (l) => l.rule === 'evaluation',
    );
    expect(none).toEqual([]);
    const strict = { ...DEFAULT_RULES, evaluation: { ...DEFAULT_RULES.evaluation, failedRecheck: -1 } };
    expect(
      computeLines(t.store.state.get(), book, strict, 2019, '2019-09-16').filter((l) => l.rule === 'evaluation'),
    ).toEqual([expect.objectContaining({ unitId: 'fsjd', label: '二次评估未通过:主题教育学习台账不全', points: -1 })]);
  });

  it('公众满意度 is imported from Excel, checked row by row (nothing taken on any problem), and scored only as the rules say', async () => {
    const head = t.store.ledger.head().seq;
    const outside = await upload(
      t,
      id,
      await sheet([
        ['府山街道', 200, '92.5%'],
        ['区司法局', 100, '80%'],
      ]),
    );
    expect(outside.statusCode, outside.body).toBe(400);
    expect(outside.json().details).toEqual([{ path: '第3行', message: '"区司法局"不是本次评估范围内的单位' }]);
    const bad = await upload(
      t,
      id,
      await sheet([
        ['府山街道', '二百', '92.5%'],
        ['北海街道', 150, '120%'],
      ]),
    );
    expect(bad.json().details).toEqual([
      { path: '第2行', message: '府山街道的样本量"二百"应为正整数' },
      { path: '第3行', message: '北海街道的满意度"120%"应在 0–100% 之间' },
    ]);
    const junk = await upload(t, id, Buffer.from('not an excel file'));
    expect(junk.statusCode).toBe(400);
    expect(t.store.ledger.head().seq).toBe(head);

    const ok = await upload(
      t,
      id,
      await sheet([
        ['府山街道', 200, '92.5%'],
        ['北海街道', 150, 0.8],
      ]),
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json().satisfaction).toEqual([
      { unitId: 'fsjd', sample: 200, percent: 92.5 },
      { unitId: 'bhjd', sample: 150, percent: 80 },
    ]);
    const book = { calendar: t.core.calendar, policy: t.core.policy };
    const rules = {
      ...DEFAULT_RULES,
      evaluation: { ...DEFAULT_RULES.evaluation, satisfaction: { baseline: 85, pointsPerPercent: 0.2, cap: 1 } },
    };
    const lines = computeLines(t.store.state.get(), book, rules, 2019, '2019-09-16').filter(
      (l) => l.rule === 'evaluation',
    );
    expect(lines.map((l) => [l.unitId, l.points])).toEqual([
      ['bhjd', -1], // (80 − 85) × 0.2, capped at 1
      ['fsjd', 1], // (92.5 − 85) × 0.2 = 1.5, capped at 1
    ]);

    const doc = await t.inject(`/api/evaluations/${id}/report.docx`, EVAL);
    expect(doc.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(doc.rawPayload)).file('word/document.xml')!.async('string');
    const words = xml.replace(/<[^>]+>/g, '').replaceAll('&quot;', '"');
    for (const s of [
      '实施情况第三方评估报告',
      '浙江省某某评估研究院',
      '主题教育学习台账不全(评分 72)',
      '二次评估:仍未整改到位',
      '92.5%',
    ])
      expect(words).toContain(s);
  });
});
