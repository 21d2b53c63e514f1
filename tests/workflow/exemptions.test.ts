import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { DEFAULT_RULES } from '../../server/src/domain/assessment/rules.js';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS = 'p-fsjd-c';
const BH = 'p-bhjd-c';
const GROUND = '先行先试、改革探索';

async function events(t: TestApp, type: string): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
  return out;
}

/** 府山街道's lines on the year's 考评 as the unit reads them (computed afresh). */
async function fsLines(t: TestApp) {
  t.later(60_000); // a compute of its own, not a repeat of the last one (identical requests are answered once)
  expect((await t.inject({ method: 'POST', url: '/api/assessments/2019/compute' })).statusCode).toBe(200);
  const r = await t.inject('/api/assessments/2019/units/fsjd'); // a draft: the 督考办 reads it
  expect(r.statusCode).toBe(200);
  return r.json() as {
    score: { raw: number };
    lines: Array<{ rule: string; obligationId?: string; points: number; effective: number; exempted?: object }>;
  };
}

describe('容错免责 (#37 req 3)', () => {
  let t: TestApp;
  let criticism: string;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const b = await t.inject({
      method: 'POST',
      url: '/api/bulletins',
      payload: {
        kind: 'criticism',
        unitIds: ['fsjd'],
        taskId: 'yc-lqstg-2018.k1',
        text: '府山街道未按期开展主题教育专项工作',
        rectifyBy: '2019-04-10',
      },
    });
    expect(b.statusCode).toBe(200);
    criticism = b.json().id;
  });
  afterAll(async () => t.close());

  it('is refused for a ground not in the rules, another unit’s 通报, a 表扬, by the 督考办, or twice — changing nothing', async () => {
    const head = t.store.ledger.head().seq;
    const body = {
      target: { kind: 'bulletin', bulletinId: criticism },
      ground: GROUND,
      text: '试点方案经区委深改组同意先行探索',
    };
    const bad = await t.inject(
      { method: 'POST', url: '/api/exemptions', payload: { ...body, ground: '领导同意' } },
      FS,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('容错免责的情形应为');
    expect((await t.inject({ method: 'POST', url: '/api/exemptions', payload: body }, BH)).statusCode).toBe(404);
    expect((await t.inject({ method: 'POST', url: '/api/exemptions', payload: body })).statusCode).toBe(403);
    const short = await t.inject({ method: 'POST', url: '/api/exemptions', payload: { ...body, text: '冤枉' } }, FS);
    expect(short.json().message).toContain('请写明事实经过');
    expect(t.store.ledger.head().seq).toBe(head);
    const praise = await t.inject({
      method: 'POST',
      url: '/api/bulletins',
      payload: { kind: 'praise', unitIds: ['fsjd'], text: '府山街道试点工作成效明显' },
    });
    const after = t.store.ledger.head().seq;
    const lifted = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: { ...body, target: { kind: 'bulletin', bulletinId: praise.json().id } },
      },
      FS,
    );
    expect(lifted.json().message).toBe('通报表扬无需申请容错免责');
    expect(t.store.ledger.head().seq).toBe(after);
  });

  it('a claim against a 通报批评, accepted: the deduction is gone from 考评, traced to the claim, and it is a case of the 案例库', async () => {
    const before = await fsLines(t);
    const line = before.lines.find((l) => l.rule === 'criticism')!;
    expect(line.points).toBe(DEFAULT_RULES.criticism.lead);

    const filed = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: {
          target: { kind: 'bulletin', bulletinId: criticism },
          ground: GROUND,
          text: '主题教育专项工作按区委深改组同意的试点方案先行探索,时间节点与通报所据文件不一致。',
        },
      },
      FS,
    );
    expect(filed.statusCode).toBe(200);
    const e = filed.json();
    expect(e).toMatchObject({ state: 'pending', unitId: 'fsjd', year: 2019, points: DEFAULT_RULES.criticism.lead });
    expect(e.about).toContain('通报批评:府山街道未按期开展主题教育专项工作');
    // the 督考办 is told
    expect(t.store.state.get().outbox.some((r) => r.key.startsWith(`exemption:${e.id}:filed:`))).toBe(true);
    // twice: refused
    const again = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: {
          target: { kind: 'bulletin', bulletinId: criticism },
          ground: GROUND,
          text: '再次申请容错免责事项说明',
        },
      },
      FS,
    );
    expect(again.json()).toMatchObject({ code: 'CONFLICT' });
    // pending: not in another unit's 案例库
    expect((await t.inject('/api/exemptions?scope=cases', BH)).json().items).toEqual([]);
    // a rejection needs reasons
    const bare = await t.inject({ method: 'POST', url: `/api/exemptions/${e.id}/decide`, payload: { accept: false } });
    expect(bare.statusCode).toBe(400);

    const ok = await t.inject({
      method: 'POST',
      url: `/api/exemptions/${e.id}/decide`,
      payload: { accept: true, comment: '符合先行先试情形' },
    });
    expect(ok.json()).toMatchObject({ state: 'accepted', decision: { keep: 0, comment: '符合先行先试情形' } });
    const after = await fsLines(t);
    const traced = after.lines.find((l) => l.rule === 'criticism')!;
    expect(traced).toMatchObject({
      points: -1,
      effective: 0,
      exempted: { exemptionId: e.id, points: 0, ground: GROUND },
    });
    expect(after.score.raw).toBe(before.score.raw + 1);
    // the unit is told; the case is searchable by every unit
    expect(t.store.state.get().outbox.some((r) => r.key.startsWith(`exemption:${e.id}:accepted:`))).toBe(true);
    const cases = (await t.inject(`/api/exemptions?scope=cases&q=${encodeURIComponent('深改组 试点')}`, BH)).json();
    expect(cases.items.map((x: { id: string }) => x.id)).toEqual([e.id]);
    expect(cases.grounds).toEqual(DEFAULT_RULES.exemption.grounds);
    expect(
      (await t.inject(`/api/exemptions?scope=cases&q=${encodeURIComponent('不可抗力')}`, BH)).json().items,
    ).toEqual([]);
    expect((await events(t, 'exemption.filed')).length).toBe(1);
    expect((await events(t, 'exemption.decided')).map((x) => x.payload)).toEqual([
      { year: 2019, unitId: 'fsjd', state: 'accepted', keep: 0, comment: '符合先行先试情形' },
    ]);
  });

  it('a claim against an item’s deduction, accepted with half kept: the line counts half', async () => {
    const late = storedObligations(t.store.state.get()).find(
      (o) =>
        o.unitId === 'fsjd' &&
        o.year === 2019 &&
        o.kind === 'acknowledge' &&
        o.status === 'open' &&
        o.due < '2019-03-20',
    )!;
    const filed = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: {
          target: { kind: 'item', obligationId: late.id },
          ground: '不可抗力',
          text: '一月中旬街道办公系统停电检修一周,未能按期签收。',
        },
      },
      FS,
    );
    expect(filed.statusCode).toBe(200);
    expect(filed.json().about).toContain('逾期签收');
    const id = filed.json().id;
    await t.inject({ method: 'POST', url: `/api/exemptions/${id}/decide`, payload: { accept: true, keep: 0.5 } });
    const line = (await fsLines(t)).lines.find((l) => l.obligationId === late.id && l.rule === 'lateAcknowledge')!;
    expect(line).toMatchObject({ points: -0.5, effective: -0.25, exempted: { exemptionId: id, points: -0.25 } });
    // an item without a deduction: nothing to claim
    const fine = storedObligations(t.store.state.get()).find(
      (o) => o.unitId === 'fsjd' && o.year === 2019 && o.status === 'open' && o.due > '2019-04-01',
    )!;
    const none = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: {
          target: { kind: 'item', obligationId: fine.id },
          ground: '不可抗力',
          text: '尚未到期的事项也想先申请一下',
        },
      },
      FS,
    );
    expect(none.json().message).toContain('目前没有考评扣分');
  });

  it('where the rules ask for it, a district leader confirms the 督考办’s acceptance before it counts', async () => {
    const rules = { ...DEFAULT_RULES, exemption: { ...DEFAULT_RULES.exemption, leaderStep: true } };
    const app = await t.rebuild({ assessment: rules });
    const as = (personId: string) => ({ authorization: `Bearer ${t.token(personId)}` });
    const leader = t.store.state
      .get()
      .people.find((p) =>
        p.unitIds.some((u) => t.store.state.get().units.find((x) => x.id === u)?.kind === 'government'),
      )!;
    const interview = await app.inject({
      method: 'POST',
      url: '/api/bulletins',
      headers: as('p-dkb-s1'),
      payload: { kind: 'interview', unitIds: ['fsjd'], text: '约谈府山街道主要负责人' },
    });
    const filed = await app.inject({
      method: 'POST',
      url: '/api/exemptions',
      headers: as(FS),
      payload: {
        target: { kind: 'bulletin', bulletinId: interview.json().id },
        ground: '政策界限不明确',
        text: '约谈所涉事项的政策口径上级尚未明确,已书面请示。',
      },
    });
    expect(filed.json()).toMatchObject({ state: 'pending', points: 0 });
    const id = filed.json().id;
    const proposed = await app.inject({
      method: 'POST',
      url: `/api/exemptions/${id}/decide`,
      headers: as('p-dkb-s1'),
      payload: { accept: true },
    });
    expect(proposed.json().state).toBe('proposed');
    expect(t.store.state.get().outbox.some((r) => r.key === `exemption:${id}:proposed:${leader.id}`)).toBe(true);
    // the 督考办 cannot confirm its own proposal; a district leader can
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/exemptions/${id}/confirm`,
          headers: as('p-dkb-s1'),
          payload: { agree: true },
        })
      ).statusCode,
    ).toBe(403);
    const confirmed = await app.inject({
      method: 'POST',
      url: `/api/exemptions/${id}/confirm`,
      headers: as(leader.id),
      payload: { agree: true, comment: '同意' },
    });
    expect(confirmed.json()).toMatchObject({ state: 'accepted', leader: { agreed: true, by: leader.id } });
    await app.close();
  });
});

describe('容错免责 in the 台账', () => {
  it('the year’s claims on a sheet of their own, each with its decision and the records it cites', async () => {
    const t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const b = await t.inject({
      method: 'POST',
      url: '/api/bulletins',
      payload: { kind: 'interview', unitIds: ['fsjd'], text: '约谈府山街道主要负责人' },
    });
    const e = await t.inject(
      {
        method: 'POST',
        url: '/api/exemptions',
        payload: {
          target: { kind: 'bulletin', bulletinId: b.json().id },
          ground: '不可抗力',
          text: '受台风影响,现场工作停工两周,已书面报告。',
        },
      },
      FS,
    );
    await t.inject({ method: 'POST', url: `/api/exemptions/${e.json().id}/decide`, payload: { accept: true } });
    const res = await t.inject('/api/exports/ledger.xlsx?year=2019');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('容错免责')!;
    expect(ws.getCell('A2').value).toContain('共 1 件 · 予以免责 1 件');
    expect((ws.getRow(4).values as unknown[]).slice(1, 5)).toEqual([
      e.json().id,
      '府山街道',
      '约谈:约谈府山街道主要负责人',
      '不可抗力',
    ]);
    expect(String(ws.getRow(4).getCell(8).value)).toContain(`#${b.json().seq}`);
    await t.close();
  });
});
