import { checkStateAgainstLedger } from '../../server/src/domain/integrity/state-check.js';
import { describe, expect, it } from 'vitest';
import { progressFor } from '../helpers/reminders.js';
import { createBotHandler } from '../../server/src/bot/bot.js';
import { fromDay, toDay } from '../../server/src/calendar/dates.js';
import { fulfilObligations, type FulfilInput } from '../../server/src/domain/obligations/fulfil.js';
import { obligationsOf } from '../../server/src/domain/obligations/obligation-book.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { MemoryStore } from '../../server/src/store/memory/memory-store.js';
import type { AssessmentLine } from '../../shared/schemas/assessment.js';
import type { ImportPreview } from '../../shared/schemas/import.js';
import { recipientOn } from '../../shared/schemas/person.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import { SUPERVISOR, seededApp, silentLog } from '../helpers/test-app.js';

const PLAN_2024 = [
  '关于印发《越城区营商环境提升重点任务清单(2024年)》的通知',
  '重点任务清单',
  '序号 | 重点任务 | 责任(牵头)单位 | 时间要求 |',
  '1 | 优化企业开办流程 | △区市场监管局、府山街道 | 每年推进 |',
  '2 | 推进工程建设项目审批改革 | 北海街道 | 持续推进 |',
].join('\n');

const ON_TIME = { unit: 'fsjd', person: 'p-fsjd-c' }; // 府山街道: everything on its due date, in the mini-app
const LATE = { unit: 'bhjd', person: 'p-bhjd-c' }; // 北海街道: eight working days late, through the bot, in words
const NEVER = { unit: 'tsjd', person: 'p-tsjd-c' }; // 塔山街道: never

/**
 * #31 acceptance: the district replayed through npm start's parts — the scheduler (plan and send),
 * the mini-app's routes, the bot — from the plan's first day to 2023-03-01: a 年中督查 round, a
 * second plan for 2024 imported in 2018, the 2019 考评 computed, published and finalised.
 */
describe('the supervision year, replayed 2018-11-01 → 2023-03-01', () => {
  it('counts each duty once, ends with the plan, closes 2019, owes nothing of the 2024 plan early', async () => {
    const t = await seededApp({ store: async (clock) => new MemoryStore(undefined, clock) });
    const { calendar, policy } = t.core;
    const channel = new FakeChannel(() => t.deps.clock.now());
    const scheduler = new Scheduler({
      store: t.store,
      calendar,
      policy,
      clock: t.deps.clock,
      log: silentLog,
      dispatcher: new Dispatcher(t.store, channel, silentLog, { concurrency: 8, recordEvery: 200, batch: 2000 }),
      publicUrl: 'http://127.0.0.1:3000',
    });
    const replies: string[] = [];
    Object.assign(channel, {
      replyInSession: async (_w: string, m: { kind: string; text?: string; markdown?: string }) => {
        replies.push(m.text ?? m.markdown ?? '');
        return { ok: true as const };
      },
    });
    const bot = createBotHandler({
      progress: progressFor(t.store, t.deps.clock, 'http://127.0.0.1:3000', t.core),
      store: t.store,
      channel,
      calendar,
      policy,
      clock: t.deps.clock,
      log: silentLog,
      publicUrl: 'http://127.0.0.1:3000',
    });
    // the per-person write limit counts real time: here the simulated day (a unit's dozen reports on one
    // due date would otherwise be refused as a burst, since the replay runs years in seconds)
    const app = await buildApp(t.deps, { ...t.appOptions, realNow: () => t.deps.clock.now().getTime() });
    const inject = (o: InjectOptions, person = SUPERVISOR) =>
      app.inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${t.token(person)}` } });
    const post = async (url: string, payload: unknown, person?: string) => {
      const r = await inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);
      if (r.statusCode === 429) throw new Error(`rate limited: ${url}`);
      return r;
    };
    let msg = 0;
    const botSays = async (personId: string, text: string) => {
      const p = t.store.state.get().people.find((x) => x.id === personId)!;
      msg += 1;
      await bot({
        msgId: `r${msg}`,
        at: t.deps.clock.now(),
        transport: 'stream',
        platform: 'dingtalk',
        sender: { userId: recipientOn(p, 'dingtalk')!, name: p.name },
        conversation: { id: 'c', type: 'single' },
        kind: 'text',
        text,
        files: [],
        reply: { webhook: 'session', expiresAt: new Date(t.deps.clock.now().getTime() + 600_000) },
      });
    };

    const key = new Set(
      t.store.state
        .get()
        .tasks.filter((x) => x.kind === 'key')
        .map((x) => x.id),
    );
    let plan2024Tasks = new Set<string>();
    const late2019InDigest: string[] = [];
    const remindedOfPlan2024: string[] = [];
    let sentAfterEnd = 0;
    const lateQueue = new Map<string, Array<{ task: number; words: string }>>(); // date → bot messages

    for (let day = toDay('2018-11-01'); day <= toDay('2023-03-01'); day += 1) {
      const date = fromDay(day);
      t.deps.clock.set(`${date}T09:00:00+08:00`);
      const before = channel.notices.length;
      const tick = await scheduler.runUntilIdle(t.deps.clock.now(), 50);
      if (date > '2022-12-31') sentAfterEnd += channel.notices.length - before;
      if (!calendar.isWorkingDay(date)) continue;
      for (const r of tick.plan?.reminders ?? [])
        for (const i of [...r.items, ...(r.also ?? [])]) {
          if (date > '2020-03-02' && date <= '2020-12-31' && i.obligationId.split(':')[1] === '2019')
            late2019InDigest.push(`${date} ${i.obligationId}`);
          if (plan2024Tasks.has(i.taskId)) remindedOfPlan2024.push(`${date} ${i.obligationId}`);
        }

      // the 督考办's year
      if (date === '2018-11-21') {
        const up = (
          await inject({
            method: 'POST',
            url: '/api/imports',
            headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('2024.txt') },
            payload: Buffer.from(PLAN_2024),
          })
        ).json() as ImportPreview;
        expect((await post(`/api/imports/${up.upload}/apply`, {})).statusCode).toBe(200);
        plan2024Tasks = new Set(
          t.store.state
            .get()
            .tasks.filter((x) => x.planId === up.planId)
            .map((x) => x.id),
        );
        expect(plan2024Tasks.size).toBe(2);
      }
      if (date === '2019-06-10')
        expect(
          (
            await post('/api/rounds', {
              name: '2019年年中督查',
              submit: '自查报告及佐证材料',
              due: '2019-06-28',
              taskIds: [...key].filter((id) => id.startsWith('yc-lqstg-2018.')),
            })
          ).json().round.covers,
        ).toBe('midYear');
      if (date === '2020-01-06') {
        expect((await post('/api/assessments/2019/compute', {})).statusCode).toBe(200);
        expect((await post('/api/assessments/2019/publish', {})).statusCode).toBe(200);
      }
      if (date === '2020-03-02') expect((await post('/api/assessments/2019/finalize', {})).statusCode).toBe(200);

      // the units act on what today's digest tells them (stage "due": due today)
      const told = (person: string) =>
        (tick.plan?.reminders ?? [])
          .filter((r) => r.personId === person && r.kind === 'digest')
          .flatMap((r) => [...r.items, ...(r.also ?? [])]);
      for (const i of told(ON_TIME.person)) {
        if (i.kind === 'acknowledge') await post(`/api/assignments/${i.assignmentId}/acknowledge`, {}, ON_TIME.person);
        else if (i.stage === 'due' && !['deadline', 'completion'].includes(i.kind))
          await post(
            `/api/assignments/${i.assignmentId}/reports`,
            { text: '按期报送', obligationId: i.obligationId },
            ON_TIME.person,
          );
      }
      for (const i of told(LATE.person)) {
        if (i.stage !== 'due' || ['deadline', 'completion'].includes(i.kind)) continue;
        if (!i.obligationId.startsWith('yc-lqstg-2018.')) continue;
        const when = calendar.addWorkingDays(date, 8);
        const year = i.obligationId.split(':')[1];
        const words =
          i.kind === 'acknowledge'
            ? `收到 ${i.taskNumber}`
            : `进展 ${i.taskNumber} ${year}年${i.label.replace(/\(.*\)$/, '')}:材料已补报`;
        lateQueue.set(when, [...(lateQueue.get(when) ?? []), { task: i.taskNumber, words }]);
      }
      // the rest of the district keeps up (so the digests stay the size a working district sees)
      const scripted = new Set([ON_TIME.person, LATE.person, NEVER.person]);
      const rest: FulfilInput[] = [];
      for (const r of tick.plan?.reminders ?? []) {
        if (r.kind !== 'digest' || scripted.has(r.personId)) continue;
        for (const i of r.items)
          if (i.kind === 'acknowledge' || (i.stage === 'due' && !['deadline', 'completion'].includes(i.kind)))
            if (![ON_TIME.unit, LATE.unit, NEVER.unit].includes(i.unitId))
              rest.push({
                obligationId: i.obligationId,
                action: i.kind === 'acknowledge' ? 'acknowledge' : 'report',
                channel: 'miniapp',
                actor: { type: 'person', id: r.personId },
                at: t.deps.clock.now(),
              });
      }
      await fulfilObligations(t.store, rest);
      for (const m of lateQueue.get(date) ?? []) await botSays(LATE.person, m.words);
      lateQueue.delete(date);
    }

    // nothing reminded after the plan's end; no 2019 item in a digest once 2019 was final
    expect(sentAfterEnd).toBe(0);
    expect(late2019InDigest).toEqual([]);
    // the 2024 plan: nothing owed or reminded before 2024
    expect(remindedOfPlan2024).toEqual([]);
    const s = t.store.state.get();
    expect(obligationsOf(s, { calendar, policy }, [2022, 2023]).filter((o) => plan2024Tasks.has(o.taskId))).toEqual([]);

    // 2019's 考评 counts each duty once: one line per item and rule, one mid-year item per part
    const lines = (u: string) =>
      inject({ method: 'GET', url: `/api/assessments/2019/units/${u}` }).then(
        (r) => r.json().lines as Array<AssessmentLine>,
      );
    for (const u of [ON_TIME.unit, LATE.unit, NEVER.unit]) {
      const ls = await lines(u);
      const seen = new Set<string>();
      for (const l of ls.filter((x) => x.obligationId)) {
        const k = `${l.obligationId}|${l.rule}`;
        expect(seen.has(k), `${u}: ${k} twice`).toBe(false);
        seen.add(k);
      }
      expect(ls.some((l) => l.obligationId?.includes(':manual:'))).toBe(false);
      const mid = new Map<string, number>();
      for (const l of ls.filter((x) => x.obligationId?.endsWith(':2019:midYear') && x.rule !== 'late'))
        mid.set(l.assignmentId, (mid.get(l.assignmentId) ?? 0) + 1);
      expect(
        [...mid.values()].every((n) => n === 1),
        u,
      ).toBe(true);
      expect(mid.size, u).toBeGreaterThan(0);
    }
    const onTime = await lines(ON_TIME.unit);
    expect(onTime.filter((l) => l.rule === 'missed' || l.rule === 'late')).toEqual([]);
    expect(onTime.filter((l) => l.rule === 'completed').length).toBeGreaterThan(5);
    const late = await lines(LATE.unit);
    // every 2019 report item of the late unit was filed late, on the item its words named (none missed before Dec.)
    const lateReports = late.filter((l) => l.rule === 'late');
    expect(lateReports.length).toBeGreaterThan(5);
    expect(late.filter((l) => l.rule === 'missed' && (l.due ?? '') < '2019-12-01')).toEqual([]);
    const never = await lines(NEVER.unit);
    expect(never.filter((l) => l.rule === 'completed')).toEqual([]);
    expect(never.filter((l) => l.rule === 'missed').length).toBeGreaterThan(5);
    // the bot understood every late reply: none was asked back
    expect(replies.filter((r) => r.includes('没看懂'))).toEqual([]);
    // after five years of 签收, reports, reviews, rounds and 考评, the state is what the ledger implies
    expect(await checkStateAgainstLedger(t.store.state.get(), t.store.ledger)).toEqual([]);
    await app.close();
    await t.close();
  }, 600_000);
});
