import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { parseCommand } from '../../server/src/bot/command-parser.js';
import { botHarness, buttonWords, words } from '../helpers/bot-harness.js';
import { JPEG, multipartBody } from '../helpers/files.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS = 'p-fsjd-c';
const BH = 'p-bhjd-c';
const SFJ = 'p-sfj-c';
const MAYOR = 'p-qzf-l1';
const TASK = 'instructions.i1';

async function events(t: TestApp, type: string): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
  return out;
}

const body = {
  leader: '区长 钱建国',
  leaderPersonId: MAYOR,
  text: '请府山街道牵头、北海街道配合,抓紧研究老旧小区加装电梯的推进办法,一周内报我。',
  docTitle: '关于老旧小区加装电梯情况的报告',
  docNo: '越建〔2019〕12号',
  date: '2019-03-18',
  urgency: 'urgent',
  workingDays: 5,
  leadUnitIds: ['fsjd'],
  coUnitIds: ['bhjd'],
};

describe('领导批示件 (#37 req 4)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('is registered only by the 督考办, with one of a date or working days, for units of the directory', async () => {
    const head = t.store.ledger.head().seq;
    expect((await t.inject({ method: 'POST', url: '/api/instructions', payload: body }, FS)).statusCode).toBe(403);
    const both = await t.inject({ method: 'POST', url: '/api/instructions', payload: { ...body, due: '2019-03-29' } });
    expect(both.json().message).toContain('请填写办结日期或办理时限(工作日)其中一项');
    const unknown = await t.inject({
      method: 'POST',
      url: '/api/instructions',
      payload: { ...body, coUnitIds: ['nope'] },
    });
    expect(unknown.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '没有编号为 nope 的单位,请从单位名录中选择',
    });
    expect(t.store.ledger.head().seq).toBe(head);
    expect(t.store.state.get().tasks.some((x) => x.kind === 'instruction')).toBe(false);
  });

  it('becomes 批示件1 with a part per unit, its 签收 and 办理时限, delivered at once; the units see it, others do not', async () => {
    const r = await t.inject({ method: 'POST', url: '/api/instructions', payload: body });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      taskId: TASK,
      number: 1,
      title: '关于老旧小区加装电梯情况的报告',
      due: '2019-03-27', // 5 working days from Wednesday 20 March
      urgency: 'urgent',
      status: 'open',
      units: [
        { id: 'fsjd', role: 'lead', status: 'active', acknowledged: false },
        { id: 'bhjd', role: 'co', status: 'active', acknowledged: false },
      ],
    });
    const s = t.store.state.get();
    expect(s.tasks.find((x) => x.id === TASK)).toMatchObject({
      kind: 'instruction',
      label: '批示件1',
      registeredOn: '2019-03-20',
    });
    expect(
      storedObligations(s)
        .filter((o) => o.taskId === TASK)
        .map((o) => `${o.unitId} ${o.kind} ${o.due}`)
        .sort(),
    ).toEqual([
      'bhjd acknowledge 2019-03-21',
      'bhjd deadline 2019-03-27',
      'fsjd acknowledge 2019-03-21',
      'fsjd deadline 2019-03-27',
    ]);
    const rows = s.outbox.filter((x) => x.key.startsWith(`instruction:${TASK}:`));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const card =
      rows[0]!.kind === 'notice' ? (rows[0]!.payload.message as { title: string; markdown: string }) : undefined;
    expect(card?.title).toBe('【急】领导批示件 · 批示件1');
    expect(card?.markdown).toContain('**区长 钱建国**在《关于老旧小区加装电梯情况的报告》(越建〔2019〕12号)上批示');
    // the units read it in their list; a unit it is not about does not
    expect((await t.inject('/api/instructions', BH)).json().items.map((i: { taskId: string }) => i.taskId)).toEqual([
      TASK,
    ]);
    expect((await t.inject('/api/instructions', SFJ)).json().items).toEqual([]);
    expect((await t.inject(`/api/instructions/${TASK}/report`, SFJ)).statusCode).toBe(404);
    // and in 我的任务, named 批示件1
    const mine = (await t.inject('/api/my/items', FS))
      .json()
      .items.filter((i: { task: { id: string } }) => i.task.id === TASK);
    expect(mine.map((i: { task: { kind: string; number: number } }) => `${i.task.kind}${i.task.number}`)).toEqual([
      'instruction1',
      'instruction1',
    ]);
    expect((await events(t, 'instruction.registered')).length).toBe(1);
  });

  it('the bot never signs the wrong one: "收到 1" asks which when a unit carries 重点任务1 and 批示件1', async () => {
    const bot = botHarness(t);
    const carries = t.store.state.get().assignments.some((a) => a.taskId === 'yc-lqstg-2018.k1' && a.unitId === 'bhjd');
    expect(carries).toBe(true);
    const asked = await bot.say(BH, '收到 1');
    expect(words(asked)).toContain('编号 1在');
    expect(buttonWords(asked)).toContain('收到 1 领导批示件');
    expect(findObligation(t.store.state.get(), `${TASK}.bhjd:2019:acknowledge`)?.status).toBe('open');
    await bot.say(BH, '收到 1 领导批示件');
    expect(findObligation(t.store.state.get(), `${TASK}.bhjd:2019:acknowledge`)?.status).toBe('fulfilled');
  });

  it('is reminded with the day’s digest, and on 办结 the result goes back to the leader, with a printable report', async () => {
    // the day's plan reminds 府山街道 of its 签收 due today (the digest lists what is most pressing first)
    const day = await t.core.scheduler.tick(new Date('2019-03-21T09:00:00+08:00'));
    const toFs = day.plan?.reminders.filter((x) => x.personId === FS) ?? [];
    expect(toFs.flatMap((x) => x.items).filter((i) => i.obligationId.startsWith(TASK))).toEqual([
      expect.objectContaining({ obligationId: `${TASK}.fsjd:2019:acknowledge`, stage: 'due', taskKind: 'instruction' }),
    ]);

    t.deps.clock.set('2019-03-22T10:00:00+08:00');
    expect((await t.inject({ method: 'POST', url: `/api/assignments/${TASK}.fsjd/acknowledge` }, FS)).statusCode).toBe(
      200,
    );
    const report = await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${TASK}.fsjd/reports`,
        payload: { text: '已会同北海街道梳理 12 个小区的加装需求' },
      },
      FS,
    );
    expect(report.statusCode).toBe(200);
    const closure = await t.inject(
      { method: 'POST', url: `/api/assignments/${TASK}.fsjd/closure-requests`, payload: { text: '推进办法已报区长' } },
      FS,
    );
    expect(closure.statusCode).toBe(200);
    const id = Object.values(t.store.state.get().requests).find((x) => x.taskId === TASK && x.kind === 'closure')!.id;
    expect((await t.inject({ method: 'POST', url: `/api/reviews/${id}/approve`, payload: {} })).statusCode).toBe(200);

    const listed = (await t.inject('/api/instructions')).json().items[0];
    expect(listed).toMatchObject({ status: 'closed', reported: { seq: expect.any(Number) } });
    expect(listed.units.map((u: { status: string }) => u.status)).toEqual(['closed', 'closed']);
    const back = t.store.state.get().outbox.filter((x) => x.key.startsWith(`instruction:${TASK}:reported:`));
    expect(back.map((x) => x.personId).sort()).toEqual([MAYOR, 'p-dkb-s1'].sort());
    expect((await events(t, 'instruction.reported')).map((e) => e.payload)).toEqual([
      { taskId: TASK, leader: '区长 钱建国', leaderPersonId: MAYOR },
    ]);

    const html = await t.inject(`/api/instructions/${TASK}/report`, BH);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    for (const s of [
      '领导批示件办理情况报告(批示件1)',
      '一周内报我',
      '越建〔2019〕12号',
      '府山街道',
      '申请办结',
      '推进办法已报区长',
      '已办结',
    ])
      expect(html.body).toContain(s);
  });
});

describe('领导批示件 in the 台账 and the annual report', () => {
  it('a sheet of their own in the year’s 台账, and a section of the unit’s report', async () => {
    const t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    expect((await t.inject({ method: 'POST', url: '/api/instructions', payload: body })).statusCode).toBe(200);
    const res = await t.inject('/api/exports/ledger.xlsx?year=2019');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('领导批示件')!;
    expect((ws.getRow(4).values as unknown[]).slice(1, 6)).toEqual([
      '批示件1',
      '区长 钱建国',
      body.text,
      '《关于老旧小区加装电梯情况的报告》\n越建〔2019〕12号',
      '急',
    ]);
    expect(String(ws.getRow(4).getCell(7).value)).toContain('府山街道(牵头):未签收');
    const report = await t.inject('/api/reports/annual?year=2019&unitId=bhjd');
    expect(report.body).toContain(
      '<td>批示件1</td><td>关于老旧小区加装电梯情况的报告</td><td>区长 钱建国</td><td>配合</td>',
    );
    await t.close();
  });
});

describe('the 批示 page’s photograph', () => {
  it('must be a file the registering clerk uploaded; it opens the task’s record, where the units see it', async () => {
    const t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const r = await t.inject({ method: 'POST', url: '/api/instructions', payload: { ...body, photo: 'a'.repeat(64) } });
    expect(r.json()).toMatchObject({ code: 'EVIDENCE_NOT_UPLOADED' });
    expect(t.store.state.get().instructions ?? {}).toEqual({});
    const up = (
      await t.inject({ method: 'POST', url: '/api/evidence', ...multipartBody('file', '批示页.jpg', JPEG) })
    ).json();
    expect(
      (await t.inject({ method: 'POST', url: '/api/instructions', payload: { ...body, photo: up.sha256 } })).statusCode,
    ).toBe(200);
    const record = (await t.inject(`/api/tasks/${TASK}/overview`, FS)).json().timeline;
    const entry = record.find((e: { type: string }) => e.type === 'instruction.registered');
    expect(entry).toMatchObject({
      title: '登记领导批示',
      text: body.text,
      evidence: [{ name: '批示页.jpg', kind: 'image' }],
    });
    expect((await t.inject(entry.evidence[0].url, null)).statusCode).toBe(200);
    expect((await t.inject(`/api/evidence/${up.sha256}`, BH)).statusCode).toBe(200); // the co-unit reads the task too
    expect((await t.inject(`/api/evidence/${up.sha256}`, SFJ)).statusCode).toBe(403);
    await t.close();
  });
});

describe('the bot reads 批示件N as the 批示件, never as key task N', () => {
  it('acts on 批示件1 for the unit that carries it, refuses it to one that carries only 重点任务1', async () => {
    expect(parseCommand('收到批示件1')).toEqual({ kind: 'ack', task: 1, unit: '领导批示件' });
    expect(parseCommand('进展 批示件一 已研究形成初步方案')).toEqual({
      kind: 'progress',
      task: 1,
      text: '已研究形成初步方案',
      unit: '领导批示件',
    });
    const t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    await t.inject({
      method: 'POST',
      url: '/api/instructions',
      payload: { ...body, leadUnitIds: ['sfj'], coUnitIds: [] },
    });
    const bot = botHarness(t);
    expect(words(await bot.say(FS, '收到批示件1'))).toBe('批示件1不由您的单位承担,不能办理');
    expect(findObligation(t.store.state.get(), 'yc-lqstg-2018.k1.fsjd:2019:acknowledge')?.status).toBe('open');
    expect(words(await bot.say(SFJ, '收到批示件1'))).toContain('已签收:批示件1(区司法局)');
    expect(findObligation(t.store.state.get(), `${TASK}.sfj:2019:acknowledge`)?.status).toBe('fulfilled');
    await t.close();
  });
});
