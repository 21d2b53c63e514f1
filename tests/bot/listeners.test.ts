import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botDate } from '../../server/src/bot/bot-dates.js';
import { createBot, type Bot } from '../../server/src/bot/bot.js';
import type { OutboundMessage } from '../../server/src/channels/channel.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { AppError } from '../../server/src/errors.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { calendar, policy, progressFor } from '../helpers/reminders.js';
import { fixedClock, seededApp, type TestApp } from '../helpers/test-app.js';
import { recipientOn } from '../../shared/schemas/person.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/dingtalk/${name}`, import.meta.url), 'utf8'));

describe('bot dates (延期 8 <date>)', () => {
  it.each([
    ['月底', '2019-02-13', '2019-02-28'],
    ['本月底', '2020-02-03', '2020-02-29'],
    ['下月底', '2019-12-05', '2020-01-31'],
    ['周五', '2019-03-20', '2019-03-22'],
    ['本周五', '2019-03-22', '2019-03-22'],
    ['下周五', '2019-03-20', '2019-03-29'],
    ['星期日', '2019-03-20', '2019-03-24'],
    ['2019-06-30', '2019-03-20', '2019-06-30'],
    ['2019.6.3', '2019-03-20', '2019-06-03'],
    ['6月30日', '2019-03-20', '2019-06-30'],
  ])('%s seen on %s is %s', (text, today, want) => {
    expect(botDate(text, today)).toBe(want);
  });

  it.each(['2019-02-30', '2019-13-01', '不久', ''])('%s is not a date', (text) => {
    expect(botDate(text, '2019-03-20')).toBeUndefined();
  });
});

describe('the bot is made of listeners, one per command', () => {
  let t: TestApp;
  let channel: FakeChannel;
  let bot: Bot;
  const refusals: string[] = [];
  const errors: string[] = [];
  const clock = fixedClock('2019-03-20T10:00:00+08:00');
  const replies: OutboundMessage[] = [];
  beforeAll(async () => {
    t = await seededApp();
    channel = new FakeChannel(() => clock.now());
    channel.replyInSession = async (...args: unknown[]) => {
      const message = args[1] as OutboundMessage;
      replies.push(message);
      return { ok: true as const };
    };
    bot = createBot({
      progress: progressFor(t.store, clock, 'http://127.0.0.1:3000'),
      store: t.store,
      channel,
      calendar,
      policy,
      clock,
      log: { info: () => undefined, warn: () => undefined, error: (m) => void errors.push(m) },
      publicUrl: 'http://127.0.0.1:3000',
      onRefusal: (code) => void refusals.push(code),
    });
  });
  afterAll(() => t.close());

  /** The captured payload, its text replaced, as DingTalk would deliver it (session webhook alive). */
  const message = (content: string, msgId: string) => {
    const raw = fixture('robot-text-single.json') as { msgId: string; text: { content: string } };
    const event = toBotEvent({ ...raw, msgId, text: { content } }, 'http')!;
    return {
      ...event,
      reply: { webhook: 'http://127.0.0.1:1/session', expiresAt: new Date(clock.now().getTime() + 60_000) },
    };
  };

  it('a captured payload reaches the report listener, which records the report and names the item', async () => {
    replies.length = 0;
    // a key task the sender's unit carries (the fixture's sender is dt-fzb-c)
    const s = t.store.state.get();
    const person = s.people.find((p) => recipientOn(p, 'dingtalk') === 'dt-fzb-c')!;
    const n = s.tasks.find(
      (k) => k.kind === 'key' && s.assignments.some((a) => a.taskId === k.id && person.unitIds.includes(a.unitId)),
    )!.number;
    const before = t.store.ledger.head().seq;
    await bot.handle(message(` 进展 ${n} 已完成试点申报`, 'm-l1'));
    expect(replies).toHaveLength(1);
    const r = replies[0]!;
    // the task's 第一季度进展 has not opened for this unit's first task: a free 进展, with one-tap 报为 buttons
    expect(r.kind === 'actionCard' ? r.markdown : r.kind === 'markdown' ? r.text : '').toContain(
      `已记录您对重点任务${n}的进展(一般进展`,
    );
    expect(r.kind === 'actionCard' && r.buttons.some((b) => b.title.startsWith('报为:'))).toBe(true);
    expect(t.store.ledger.head().seq).toBeGreaterThan(before);
    expect(Object.values(t.store.state.get().lastReports).some((l) => l.text === '已完成试点申报')).toBe(true);
  });

  it('a registered listener replaces the default one for its command only', async () => {
    replies.length = 0;
    bot.command('help', async (_, turn) => turn.send({ kind: 'text', text: '自定义帮助' }));
    await bot.handle(message('帮助', 'm-l2'));
    await bot.handle(message('我的任务', 'm-l3'));
    expect(replies[0]).toEqual({ kind: 'text', text: '自定义帮助' });
    expect(replies[1]?.kind).toBe('markdown');
  });

  it('a listener refusal is told in its words and counted; anything else is logged and apologised for', async () => {
    replies.length = 0;
    bot.command('detail', async () => {
      throw new AppError('TASK_NOT_FOUND', '没有编号为 99 的重点任务');
    });
    bot.command('dropDraft', async () => {
      throw new Error('boom');
    });
    await bot.handle(message('详情 99', 'm-l4'));
    await bot.handle(message('不是', 'm-l5'));
    expect(replies.map((r) => (r.kind === 'text' ? r.text : r.kind))).toEqual([
      '没有编号为 99 的重点任务',
      '抱歉,处理时出了点问题,已记录。请稍后再试,或在督办通应用中办理。',
    ]);
    expect(refusals).toEqual(['TASK_NOT_FOUND']);
    expect(errors.join('\n')).toContain('m-l5');
  });
});
