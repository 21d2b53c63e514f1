import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../server/src/domain/assessment/rules.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS = 'p-fsjd-c';
const BH = 'p-bhjd-c';
const TASK = 'yc-lqstg-2018.k1';

async function fsLines(t: TestApp) {
  t.later(60_000); // a compute of its own, not a repeat of the last one (identical requests are answered once)
  expect((await t.inject({ method: 'POST', url: '/api/assessments/2019/compute' })).statusCode).toBe(200);
  return (await t.inject('/api/assessments/2019/units/fsjd')).json() as {
    score: { raw: number };
    lines: Array<{ rule: string; label: string; points: number; seq: number; taskId: string }>;
  };
}

describe('试点示范 and 典型经验 (#37 req 1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-05-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('a unit records a pilot and moves it on — never back, with its document — and 考评 credits it on a line of its own', async () => {
    expect(
      (await t.inject({ method: 'POST', url: '/api/pilots', payload: { level: 'city', name: '督查试点' } })).statusCode,
    ).toBe(403);
    const r = await t.inject(
      {
        method: 'POST',
        url: '/api/pilots',
        payload: { level: 'provincial', name: '省级"最多跑一次"改革试点街道', taskIds: [TASK] },
      },
      FS,
    );
    expect(r.json()).toMatchObject({ status: 'seeking', unit: { id: 'fsjd', name: '府山街道' } });
    const id = r.json().id;
    const before = await fsLines(t);
    expect(before.lines.filter((l) => l.rule === 'pilot')).toEqual([]);
    const noDoc = await t.inject(
      { method: 'POST', url: `/api/pilots/${id}/status`, payload: { status: 'approved' } },
      FS,
    );
    expect(noDoc.json().message).toBe('已获批的试点请填写批复文件');
    expect(
      (
        await t.inject(
          { method: 'POST', url: `/api/pilots/${id}/status`, payload: { status: 'approved', doc: 'x' } },
          BH,
        )
      ).statusCode,
    ).toBe(404);
    const ok = await t.inject(
      { method: 'POST', url: `/api/pilots/${id}/status`, payload: { status: 'approved', doc: '浙政办发〔2019〕21号' } },
      FS,
    );
    expect(ok.json()).toMatchObject({
      status: 'approved',
      doc: '浙政办发〔2019〕21号',
      approvedSeq: expect.any(Number),
    });
    const back = await t.inject(
      { method: 'POST', url: `/api/pilots/${id}/status`, payload: { status: 'seeking' } },
      FS,
    );
    expect(back.json()).toMatchObject({ code: 'CONFLICT' });
    const after = await fsLines(t);
    expect(after.lines.filter((l) => l.rule === 'pilot')).toEqual([
      expect.objectContaining({
        label: '省级试点:省级"最多跑一次"改革试点街道',
        points: DEFAULT_RULES.pilot.provincial,
        seq: ok.json().approvedSeq,
        taskId: TASK,
      }),
    ]);
    expect(after.score.raw).toBe(before.score.raw + DEFAULT_RULES.pilot.provincial);
  });

  it('an experience is adopted as a 越城样本, published to every unit once, compiled into a Word 经验汇编, and credited', async () => {
    const short = await t.inject(
      { method: 'POST', url: '/api/experiences', payload: { title: '经验', text: '太短' } },
      FS,
    );
    expect(short.json().message).toContain('请写明经验做法');
    const r = await t.inject(
      {
        method: 'POST',
        url: '/api/experiences',
        payload: {
          title: '"街道吹哨、部门报到"推动老旧小区改造',
          text: '府山街道建立街道吹哨、部门报到机制。\n每月召开一次联席会议,问题清单化、责任项目化,三个月内完成12个小区改造。',
          taskIds: [TASK],
        },
      },
      FS,
    );
    expect(r.json()).toMatchObject({ state: 'pending', sample: false });
    const id = r.json().id;
    expect(t.store.state.get().outbox.some((x) => x.key.startsWith(`experience:${id}:`))).toBe(true);
    expect(
      (await t.inject({ method: 'POST', url: `/api/experiences/${id}/decide`, payload: { adopt: true } }, FS))
        .statusCode,
    ).toBe(403);
    const bare = await t.inject({ method: 'POST', url: `/api/experiences/${id}/decide`, payload: { adopt: false } });
    expect(bare.json().message).toContain('退回时请写明理由');
    // other units see only adopted experiences
    expect((await t.inject('/api/pilots', BH)).json().experiences).toEqual([]);
    const adopted = await t.inject({
      method: 'POST',
      url: `/api/experiences/${id}/decide`,
      payload: { adopt: true, sample: true, comment: '机制可复制可推广' },
    });
    expect(adopted.json()).toMatchObject({ state: 'adopted', sample: true });
    expect((await t.inject('/api/pilots', BH)).json().experiences.map((x: { id: string }) => x.id)).toEqual([id]);
    const line = (await fsLines(t)).lines.find((l) => l.rule === 'sample');
    expect(line).toMatchObject({
      label: '越城样本:"街道吹哨、部门报到"推动老旧小区改造',
      points: DEFAULT_RULES.sample,
    });

    const pub = await t.inject({ method: 'POST', url: '/api/experiences/publish', payload: { year: 2019 } });
    expect(pub.json().published.map((x: { id: string }) => x.id)).toEqual([id]);
    const contacts = t.store.state.get().people.filter((p) => p.roles.includes('contact')).length;
    expect(t.store.state.get().outbox.filter((x) => x.key.startsWith('experiences:')).length).toBe(contacts);
    t.later(60_000); // a second publish of its own (an identical request at once is answered once)
    const again = await t.inject({ method: 'POST', url: '/api/experiences/publish', payload: { year: 2019 } });
    expect(again.json()).toMatchObject({ code: 'CONFLICT' });

    const doc = await t.inject('/api/experiences/compilation.docx?year=2019', BH);
    expect(doc.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(doc.rawPayload)).file('word/document.xml')!.async('string');
    const words = xml.replace(/<[^>]+>/g, '').replaceAll('&quot;', '"');
    for (const s of [
      '2019年5月20日',
      '2019年度典型经验汇编',
      '目  录',
      '1. "街道吹哨、部门报到"推动老旧小区改造',
      '府山街道  ·  越城样本',
      '每月召开一次联席会议',
      '人民政府督查考核办公室',
    ])
      expect(words).toContain(s);
    expect((await t.inject('/api/experiences/compilation.docx?year=2018')).statusCode).toBe(404);
  });
});
