import { checkStateAgainstLedger } from '../../server/src/domain/integrity/state-check.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { BotEventHandler } from '../../server/src/channels/bot-event.js';
import { createBotHandler } from '../../server/src/bot/bot.js';
import type { OutboundMessage } from '../../server/src/channels/channel.js';
import type { State } from '../../server/src/model/state.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { calendar, policy, progressFor } from '../helpers/reminders.js';
import { seededApp, silentLog, type TestApp } from '../helpers/test-app.js';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { recipientOn } from '../../shared/schemas/person.js';

/**
 * One workflow for the bot and the mini-app (#10 requirement 4): the same cases, allowed and
 * refused, go through the HTTP routes on one app and through the bot on an identical one; after
 * each, both must have accepted or refused it (with the same code), appended the same events and
 * left the same obligations, requests and last reports.
 */
const K = (n: number, unit: string) => `yc-lqstg-2018.k${n}.${unit}`;
const S = 'p-sfj-c'; // 区司法局: co-unit of key task 22, lead of 1–4, 15, 34; not on 12
const F = 'p-fgj-c'; // 区发改局: the only unit on key task 12
const Z = 'p-fzb-c'; // 区法制办: lead of key task 22
const Q = 'p-qfb-c'; // answers for 区府办 and 区政府党组
const FS = 'p-fsjd-c'; // 府山街道
const E = 'p-eval-1'; // evaluator: reads everything, acts for no unit
const D = 'p-dkb-s1'; // 督考办: its unit leads key task 8, but a supervisor acts for no unit

type Http = { method: 'GET' | 'POST'; url: string; payload?: object };
interface Case {
  name: string;
  person: string;
  bot: string;
  /** The same action as the mini-app sends it (may read the app's state, e.g. a request id). */
  http: Http | ((s: Readonly<State>) => Http);
  expect: 'ok' | string;
  /** Simulated time (both apps), from this case on. */
  at?: string;
  /** Done in both apps first, the same way (e.g. the 督考办's decision the case depends on). */
  before?: (app: TestApp) => Promise<void>;
}

const pendingOf = (s: Readonly<State>, assignmentId: string) =>
  Object.values(s.requests)
    .filter((r) => r.assignmentId === assignmentId)
    .sort((a, b) => b.seq - a.seq)[0]?.id ?? 'none';

const CASES: Case[] = [
  // cross-unit: a task the sender's unit does not carry
  {
    name: 'cross-unit 签收',
    person: S,
    bot: '收到 12',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/acknowledge` },
    expect: 'FORBIDDEN',
  },
  {
    name: 'cross-unit 进展',
    person: S,
    bot: '进展 12 替别人报送',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/reports`, payload: { text: '替别人报送' } },
    expect: 'FORBIDDEN',
  },
  {
    name: 'cross-unit 无变化',
    person: S,
    bot: '无变化 12',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/reports`, payload: { noChange: true } },
    expect: 'FORBIDDEN',
  },
  {
    name: 'cross-unit 办结',
    person: S,
    bot: '完成 12 替别人办结',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/closure-requests`, payload: { text: '替别人办结' } },
    expect: 'FORBIDDEN',
  },
  {
    name: 'cross-unit 延期',
    person: S,
    bot: '延期 12 2030-06-30 替别人延期',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(12, 'fgj')}/extension-requests`,
      payload: { until: '2030-06-30', reason: '替别人延期' },
    },
    expect: 'FORBIDDEN',
  },
  {
    name: 'read-forbidden 详情',
    person: S,
    bot: '详情 12',
    http: { method: 'GET', url: '/api/tasks/yc-lqstg-2018.k12/overview' },
    expect: 'FORBIDDEN',
  },
  {
    name: 'evaluator acts for no unit',
    person: E,
    bot: '收到 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/acknowledge` },
    expect: 'NOT_PERMITTED',
  },
  {
    name: 'supervisor acts for no unit, even its own',
    person: D,
    bot: '收到 8',
    http: { method: 'POST', url: `/api/assignments/${K(8, 'dkb')}/acknowledge` },
    expect: 'NOT_PERMITTED',
  },
  {
    name: 'unknown key task',
    person: S,
    bot: '进展 99 没有这项',
    http: { method: 'POST', url: `/api/assignments/${K(99, 'sfj')}/reports`, payload: { text: '没有这项' } },
    expect: 'NOT_FOUND',
  },
  // rules of the workflow
  {
    name: '无变化 without an earlier report',
    person: S,
    bot: '无变化 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/reports`, payload: { noChange: true } },
    expect: 'NO_EARLIER_REPORT',
  },
  {
    name: '签收',
    person: S,
    bot: '收到 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: '签收 again changes nothing',
    person: S,
    bot: '收到 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: '进展 with nothing of this period due is a free 进展 (overdue 2018 items are not guessed)',
    person: S,
    bot: '进展 22 已完成公职律师选聘',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/reports`, payload: { text: '已完成公职律师选聘' } },
    expect: 'ok',
  },
  {
    name: '无变化 after a report, again a free 进展',
    person: S,
    bot: '无变化 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/reports`, payload: { noChange: true } },
    expect: 'ok',
  },
  {
    name: '进展 that names 年中 answers the 年中督查报告, though it opens later',
    person: S,
    bot: '进展 22 年中自查报告已完成初稿',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/reports`,
      payload: { text: '年中自查报告已完成初稿' },
    },
    expect: 'ok',
  },
  {
    name: '延期 that could mean several items asks which, and files nothing',
    person: S,
    bot: '延期 22 2019-09-30 等待上级批复',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2019-09-30', reason: '等待上级批复' },
    },
    expect: 'WHICH_ITEM',
  },
  {
    name: '延期 to a past date',
    person: S,
    bot: '延期 22 2019-02-01 事项:年末自评报告 来不及',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2019-02-01', reason: '来不及', obligationId: `${K(22, 'sfj')}:2019:yearEnd` },
    },
    expect: 'EXTENSION_DATE_INVALID',
  },
  {
    name: '延期 beyond the plan',
    person: S,
    bot: '延期 22 2030-06-30 事项:年末自评报告 来不及',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2030-06-30', reason: '来不及', obligationId: `${K(22, 'sfj')}:2019:yearEnd` },
    },
    expect: 'EXTENSION_DATE_INVALID',
  },
  {
    name: '延期 to 9999',
    person: S,
    bot: '延期 22 9999-12-31 事项:年末自评报告 来不及',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '9999-12-31', reason: '来不及', obligationId: `${K(22, 'sfj')}:2019:yearEnd` },
    },
    expect: 'EXTENSION_DATE_INVALID',
  },
  {
    name: '延期 not after the item’s due date',
    person: S,
    bot: '延期 22 2019-03-10 事项:年末自评报告 来不及',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2019-03-10', reason: '来不及', obligationId: `${K(22, 'sfj')}:2019:yearEnd` },
    },
    expect: 'EXTENSION_DATE_INVALID',
  },
  {
    name: '延期 of the nearest item',
    person: S,
    bot: '延期 22 2019-12-27 事项:年末自评报告 等待上级批复',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2019-12-27', reason: '等待上级批复', obligationId: `${K(22, 'sfj')}:2019:yearEnd` },
    },
    expect: 'ok',
  },
  {
    name: 'a second 延期 while one is pending',
    person: S,
    bot: '延期 22 2019-08-30 再延一次',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'sfj')}/extension-requests`,
      payload: { until: '2019-08-30', reason: '再延一次' },
    },
    expect: 'REQUEST_PENDING',
  },
  {
    name: '办结 while a 延期 is pending',
    person: S,
    bot: '完成 22 已全部完成',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/closure-requests`, payload: { text: '已全部完成' } },
    expect: 'REQUEST_PENDING',
  },
  {
    name: 'withdraw the pending 延期',
    person: S,
    bot: '撤回 22',
    http: (s) => ({ method: 'POST', url: `/api/requests/${pendingOf(s, K(22, 'sfj'))}/withdraw` }),
    expect: 'ok',
  },
  {
    name: 'withdraw it again',
    person: S,
    bot: '撤回 22',
    http: (s) => ({ method: 'POST', url: `/api/requests/${pendingOf(s, K(22, 'sfj'))}/withdraw` }),
    expect: 'REQUEST_NOT_PENDING',
  },
  {
    name: '办结',
    person: S,
    bot: '完成 22 已全部完成',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/closure-requests`, payload: { text: '已全部完成' } },
    expect: 'ok',
  },
  {
    name: 'a second identical 办结',
    person: S,
    bot: '完成 22 已全部完成',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/closure-requests`, payload: { text: '已全部完成' } },
    expect: 'REQUEST_PENDING',
  },
  {
    name: '详情 of a task the unit carries',
    person: S,
    bot: '详情 22',
    http: { method: 'GET', url: '/api/tasks/yc-lqstg-2018.k22/overview' },
    expect: 'ok',
  },
  // the 督考办 approves the 办结: the unit's part is closed, and neither channel lets it act on it any more
  {
    name: 'a closed part refuses a report',
    person: S,
    before: async (app) => {
      const id = pendingOf(app.store.state.get(), K(22, 'sfj'));
      expect((await app.inject({ method: 'POST', url: `/api/reviews/${id}/approve`, payload: {} }, D)).statusCode).toBe(
        200,
      );
    },
    bot: '进展 22 继续推进',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/reports`, payload: { text: '继续推进' } },
    expect: 'ASSIGNMENT_CLOSED',
  },
  {
    name: 'and a 签收',
    person: S,
    bot: '收到 22',
    http: { method: 'POST', url: `/api/assignments/${K(22, 'sfj')}/acknowledge` },
    expect: 'ASSIGNMENT_CLOSED',
  },
  {
    name: 'the lead unit reports on its own task',
    person: Z,
    bot: '进展 22 已召开法律顾问工作会议',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(22, 'fzb')}/reports`,
      payload: { text: '已召开法律顾问工作会议' },
    },
    expect: 'ok',
  },
  {
    name: 'the only unit of task 12 acknowledges it',
    person: F,
    bot: '收到 12',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: 'and reports on it',
    person: F,
    bot: '进展 12 已完成项目储备',
    http: { method: 'POST', url: `/api/assignments/${K(12, 'fgj')}/reports`, payload: { text: '已完成项目储备' } },
    expect: 'ok',
  },
  {
    name: 'a person of two units names the unit',
    person: Q,
    bot: '收到 1 区政府党组',
    http: { method: 'POST', url: `/api/assignments/${K(1, 'qzfdz')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: 'and the other unit',
    person: Q,
    bot: '收到 1 区府办',
    http: { method: 'POST', url: `/api/assignments/${K(1, 'qfb')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: '无变化 20 with no report on task 20',
    person: FS,
    bot: '无变化 20',
    http: { method: 'POST', url: `/api/assignments/${K(20, 'fsjd')}/reports`, payload: { noChange: true } },
    expect: 'NO_EARLIER_REPORT',
  },
  // a late request: after the mid-year report's due date
  {
    name: '延期 after the due date is marked late',
    person: FS,
    at: '2019-07-01T10:00:00+08:00',
    bot: '延期 9 2019-08-30 事项:年中督查报告 等待机构改革',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(9, 'fsjd')}/extension-requests`,
      payload: { until: '2019-08-30', reason: '等待机构改革', obligationId: `${K(9, 'fsjd')}:2019:midYear` },
    },
    expect: 'ok',
  },
  // early: the 专项工作计划 (a prose deadline, due 11-20) reported on 11-01, before its reminder opens
  {
    name: 'early report of a prose item',
    person: FS,
    at: '2018-11-01T10:00:00+08:00',
    bot: '进展 1 已制定专项工作计划',
    http: { method: 'POST', url: `/api/assignments/${K(1, 'fsjd')}/reports`, payload: { text: '已制定专项工作计划' } },
    expect: 'ok',
  },
  // #32: replies as officials write them reach the same service with the same words
  {
    name: 'natural 签收: "1号任务收到"',
    person: FS,
    bot: '1号任务收到',
    http: { method: 'POST', url: `/api/assignments/${K(1, 'fsjd')}/acknowledge` },
    expect: 'ok',
  },
  {
    name: 'natural 进展 in greetings and thanks',
    person: FS,
    bot: '王主任好,1号任务已完成专项工作计划修订,谢谢!',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(1, 'fsjd')}/reports`,
      payload: { text: '已完成专项工作计划修订' },
    },
    expect: 'ok',
  },
  {
    name: 'natural 延期 with a relative date: "1号任务申请延期到下月底,原因是等待批复"',
    person: FS,
    bot: '1号任务申请延期到下月底,原因是等待批复',
    http: {
      method: 'POST',
      url: `/api/assignments/${K(1, 'fsjd')}/extension-requests`,
      payload: { until: '2018-12-31', reason: '等待批复' },
    },
    expect: 'ok',
  },
  // 督办通知单 (#37 req 5): signed and answered the same way through both doors
  {
    name: '督办单 回执 by another unit',
    at: '2019-03-20T10:00:00+08:00',
    before: issueSheet,
    person: S,
    bot: '回执 1号',
    http: (s) => ({ method: 'POST', url: `/api/notice-sheets/${sheetId(s)}/sign` }),
    expect: 'NOT_FOUND',
  },
  {
    name: '督办单 回执',
    person: FS,
    bot: '收到督办单',
    http: (s) => ({ method: 'POST', url: `/api/notice-sheets/${sheetId(s)}/sign` }),
    expect: 'ok',
  },
  {
    name: '督办单 回执 again',
    person: FS,
    bot: '回执 1号',
    http: (s) => ({ method: 'POST', url: `/api/notice-sheets/${sheetId(s)}/sign` }),
    expect: 'ok',
  },
  {
    name: '督办单 回复 by another unit',
    person: S,
    bot: '回复督办单 1号 替别人回复',
    http: (s) => ({
      method: 'POST',
      url: `/api/notice-sheets/${sheetId(s)}/answer`,
      payload: { text: '替别人回复' },
    }),
    expect: 'NOT_FOUND',
  },
  {
    name: '督办单 回复',
    person: FS,
    bot: '回复督办单 已补签收并报送年终总结',
    http: (s) => ({
      method: 'POST',
      url: `/api/notice-sheets/${sheetId(s)}/answer`,
      payload: { text: '已补签收并报送年终总结' },
    }),
    expect: 'ok',
  },
  {
    name: '督办单 回复 again',
    person: FS,
    bot: '回复督办单 1号 再说一遍',
    http: (s) => ({ method: 'POST', url: `/api/notice-sheets/${sheetId(s)}/answer`, payload: { text: '再说一遍' } }),
    expect: 'CONFLICT',
  },
];

/** The 督考办 issues a 督办通知单 to 府山街道 about its two oldest open items (the same in both apps). */
async function issueSheet(app: TestApp): Promise<void> {
  const open = storedObligations(app.store.state.get())
    .filter((o) => o.unitId === 'fsjd' && o.status === 'open' && o.due < '2019-03-20')
    .sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id))
    .slice(0, 2);
  const actor = { type: 'person' as const, id: D, name: '周晓梅' };
  await app.core.sheets.issue(actor, {
    unitId: 'fsjd',
    obligationIds: open.map((o) => o.id),
    text: '请于三日内补签收,并报送年终总结。',
    replyBy: '2019-03-25',
  });
}
const sheetId = (s: Readonly<State>): string => Object.values(s.noticeSheets ?? {}).at(-1)?.id ?? 'none';

type Norm = Record<string, unknown>;
const normEvent = (e: LedgerEvent): Norm => {
  const { msgId: _m, ...payload } = (e.payload ?? {}) as Record<string, unknown>;
  return { seq: e.seq, type: e.type, actor: e.actor.id, subject: e.subject, payload };
};
const normState = (s: Readonly<State>): Norm => ({
  obligations: s.obligations,
  requests: Object.fromEntries(Object.entries(s.requests).map(([id, r]) => [id, { ...r, channel: 'x' }])),
  lastReports: s.lastReports,
  noticeSheets: Object.fromEntries(
    Object.entries(s.noticeSheets ?? {}).map(([id, x]) => [
      id,
      {
        ...x,
        ...(x.signed ? { signed: { ...x.signed, channel: 'x' } } : {}),
        ...(x.answer ? { answer: { ...x.answer, channel: 'x' } } : {}),
      },
    ]),
  ),
});

describe('the bot and the mini-app: one workflow', () => {
  let http: TestApp;
  let bot: TestApp;
  let handler: BotEventHandler;
  const replies: OutboundMessage[] = [];
  let refusal: string | undefined;
  beforeAll(async () => {
    [http, bot] = await Promise.all([seededApp(), seededApp()]);
    const channel = new FakeChannel(() => bot.deps.clock.now());
    Object.assign(channel, {
      replyInSession: async (_webhook: string, message: OutboundMessage) => {
        replies.push(message);
        return { ok: true as const };
      },
    });
    handler = createBotHandler({
      progress: progressFor(bot.store, bot.deps.clock, 'http://127.0.0.1:3000'),
      sheets: bot.core.sheets,
      store: bot.store,
      channel,
      calendar,
      policy,
      clock: bot.deps.clock,
      log: silentLog,
      publicUrl: 'http://127.0.0.1:3000',
      onRefusal: (code) => (refusal = code),
    });
  });
  afterAll(async () => {
    await http.close();
    await bot.close();
  });

  it(`runs ${CASES.length} cases through both and finds the same outcome, events and state`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    let msg = 0;
    for (const c of CASES) {
      if (c.at) for (const app of [http, bot]) app.deps.clock.set(c.at);
      if (c.before) for (const app of [http, bot]) await c.before(app);
      const before = { http: http.store.ledger.head().seq, bot: bot.store.ledger.head().seq };
      expect(before.bot, c.name).toBe(before.http);

      const req = typeof c.http === 'function' ? c.http(http.store.state.get()) : c.http;
      http.later(60_000); // each case is an action of its own, not a double tap of the one before
      const res = await http.inject(
        { method: req.method, url: req.url, ...(req.payload ? { payload: req.payload } : {}) },
        c.person,
      );
      const httpOutcome = res.statusCode === 200 ? 'ok' : String(res.json().code);

      refusal = undefined;
      const person = bot.store.state.get().people.find((p) => p.id === c.person)!;
      msg += 1;
      await handler({
        msgId: `m${msg}`,
        at: bot.deps.clock.now(),
        transport: 'stream',
        platform: 'dingtalk',
        sender: { userId: recipientOn(person, 'dingtalk')!, name: person.name },
        conversation: { id: 'c', type: 'single' },
        kind: 'text',
        text: c.bot,
        files: [],
        reply: { webhook: 'session', expiresAt: new Date(Date.now() + 600_000) },
      });
      const botOutcome = refusal ?? 'ok';

      // an unknown key task is TASK_NOT_FOUND for the bot and ASSIGNMENT_NOT_FOUND for a route: both "not found"
      const kind = (o: string) => (o.endsWith('NOT_FOUND') && c.expect === 'NOT_FOUND' ? 'NOT_FOUND' : o);
      expect({ case: c.name, http: kind(httpOutcome), bot: kind(botOutcome) }).toEqual({
        case: c.name,
        http: c.expect,
        bot: c.expect,
      });

      const added = async (app: TestApp, from: number) => {
        const out: Norm[] = [];
        for await (const e of app.store.ledger.read(from + 1)) out.push(normEvent(e));
        return out;
      };
      expect(await added(bot, before.bot), c.name).toEqual(await added(http, before.http));
      expect(normState(bot.store.state.get()), c.name).toEqual(normState(http.store.state.get()));
      if (c.expect !== 'ok') expect(await added(http, before.http), `${c.name}: a refusal changes nothing`).toEqual([]);
    }
    // what the cases left: the late 延期 is marked late, the early report fulfilled the 专项工作计划
    const s = http.store.state.get();
    expect(Object.values(s.requests).find((r) => r.assignmentId === K(9, 'fsjd'))).toMatchObject({
      kind: 'extension',
      late: true,
      state: 'pending',
    });
    const early = storedObligations(s).find(
      (o) => o.assignmentId === K(1, 'fsjd') && o.kind === 'prose' && o.year === 2018,
    );
    expect(early).toMatchObject({ status: 'fulfilled', action: 'report', by: FS });
    expect(replies.length).toBe(CASES.length);
    // both stores' states are what their ledgers imply
    for (const app of [http, bot])
      expect(await checkStateAgainstLedger(app.store.state.get(), app.store.ledger)).toEqual([]);
  });
});
