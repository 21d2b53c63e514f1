import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { accountOn } from '../../shared/schemas/person.js';
import { ChannelError, type Channel, type OutboundMessage } from '../../server/src/channels/channel.js';
import { ChannelSet } from '../../server/src/channels/channel-set.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { digestReach } from '../../server/src/core.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { channelFor, zzdChannelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { calendar, policy } from '../helpers/reminders.js';
import { updateState } from '../helpers/store-writes.js';
import { fixedClock, seededApp, silentLog, type TestApp } from '../helpers/test-app.js';

type Inbox = {
  items: Array<{ kind: string; msg: { action_card: { title: string; markdown: string } } }>;
  todos: Array<{ id: string }>;
};

// outbox rows name the person: the platform id is looked up when the row is sent
describe('recipients are resolved at send time', { shuffle: false }, () => {
  let emu: RunningEmulator;
  let t: TestApp;
  let scheduler: Scheduler;
  let failing = true;
  const clock = fixedClock('2018-11-01T09:00:00+08:00');
  beforeAll(async () => {
    emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    await emu.admin('POST', '/clock', { at: '2018-11-01T09:00:00+08:00' });
    t = await seededApp();
    const real = channelFor(emu, { qps: 0 });
    // the platform is down for the first send: every row is planned, none sent
    const down = async (): Promise<never> => {
      throw new ChannelError('UNAVAILABLE', '钉钉暂时不可用', true);
    };
    const channel: Channel = Object.create(real, {
      sendNotice: { value: (ids: string[], m: OutboundMessage) => (failing ? down() : real.sendNotice(ids, m)) },
      createTodo: { value: (...a: Parameters<Channel['createTodo']>) => (failing ? down() : real.createTodo(...a)) },
    });
    scheduler = new Scheduler({
      store: t.store,
      calendar,
      policy,
      clock,
      log: silentLog,
      dispatcher: new Dispatcher(t.store, channel, silentLog, { concurrency: 8 }),
      publicUrl: 'http://127.0.0.1:3000',
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const inbox = (userid: string) => emu.admin<Inbox>('GET', `/messages?userid=${userid}`);
  const events = async (type: string) => {
    const out: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
    return out;
  };

  it('a userid changed after the day was planned: the digest and the 待办 reach the new account; a person with no DingTalk account is told apart', async () => {
    const first = await scheduler.tick();
    expect(first.planned?.reminders).toBeGreaterThan(40);
    expect(first.dispatched.sent).toBe(0);
    const fzb = t.store.state.get().people.find((p) => p.id === 'p-fzb-c')!;
    expect(accountOn(fzb, 'dingtalk')?.userId).toBe('dt-fzb-c');
    // the official's DingTalk account is re-created; the directory learns it (as a contacts sync would)
    await emu.admin('POST', '/users', { userid: 'dt-fzb-new', unionid: 'union-fzb-new', name: fzb.name });
    await updateState(t.store, (d) => {
      const p = d.people.find((x) => x.id === 'p-fzb-c')!;
      p.accounts = [{ platform: 'dingtalk', userId: 'dt-fzb-new', unionId: 'union-fzb-new' }];
      // 区司法局's contact is on 浙政钉 only
      d.people.find((x) => x.id === 'p-sfj-c')!.accounts = [
        { platform: 'zzd', userId: 'zzd-sfj', accountId: '880001' },
      ];
    });
    failing = false;
    clock.set('2018-11-01T10:00:00+08:00');
    await scheduler.runUntilIdle();

    const now = await inbox('dt-fzb-new');
    expect(now.items.filter((i) => i.kind === 'notice').map((i) => i.msg.action_card.title)).toEqual([
      '督办提醒 · 11月1日',
    ]);
    expect(now.todos).toHaveLength(1);
    const before = await inbox('dt-fzb-c');
    expect(before.items).toEqual([]);
    expect(before.todos).toEqual([]);
    const sent = (await events('reminder.sent')).filter(
      (e) => (e.payload as { personId?: string }).personId === 'p-fzb-c',
    );
    expect(sent.map((e) => (e.payload as { userId: string }).userId)).toEqual(['dt-fzb-new']);
    // the 待办's completion goes to the owner it was created for
    const todo = Object.values(t.store.state.get().todos).find((x) => x.personId === 'p-fzb-c')!;
    expect(todo).toMatchObject({ unionId: 'union-fzb-new' });
    expect(todo.todoId).toBeTruthy();

    // no DingTalk account: not retried, and the reason is plain
    const sfj = t.store.state.get().outbox.find((r) => r.kind === 'notice' && r.personId === 'p-sfj-c')!;
    expect(sfj).toMatchObject({ status: 'failed', lastError: expect.stringContaining('没有钉钉账号') });
    expect(sfj.attempts).toBeLessThanOrEqual(2);
  });
});

describe('DUBAN_PLATFORM=both: each person on the platform they have an account on', () => {
  it('a person with only a 浙政钉 account gets the digest there, one with only DingTalk there, one with both on DingTalk', async () => {
    const emu = await startEmulator();
    const t = await seededApp();
    try {
      await emu.admin('PUT', '/settings', { qps: 0 });
      await emu.admin('POST', '/clock', { at: '2018-11-01T09:00:00+08:00' });
      const clock = fixedClock('2018-11-01T09:00:00+08:00');
      const channels = new ChannelSet([channelFor(emu, { qps: 0 }), zzdChannelFor(emu)]);
      await updateState(t.store, (d) => {
        const only = (id: string, platform: 'dingtalk' | 'zzd') => {
          const p = d.people.find((x) => x.id === id)!;
          p.accounts = p.accounts.filter((a) => a.platform === platform);
        };
        only('p-fzb-c', 'zzd');
        only('p-sfj-c', 'dingtalk');
      });
      const scheduler = new Scheduler({
        store: t.store,
        calendar,
        policy,
        clock,
        log: silentLog,
        dispatcher: new Dispatcher(t.store, channels, silentLog, { concurrency: 8 }),
        publicUrl: 'http://127.0.0.1:3000',
        reach: digestReach(t.store, channels),
      });
      await scheduler.runUntilIdle();
      // written for the platform: no robot to reply to on 浙政钉
      const text = async (userid: string) =>
        (await emu.admin<Inbox>('GET', `/messages?userid=${userid}`)).items[0]!.msg.action_card.markdown;
      expect(await text('dt-fzb-c')).toContain('点下方按钮在督办通中签收、报送进展');
      expect(await text('dt-fzb-c')).not.toContain('回复机器人');
      expect(await text('dt-sfj-c')).toContain('回复机器人"收到 编号"签收');
      const platformOf = async (userid: string) =>
        (
          await emu.admin<{ items: Array<{ kind: string; platform?: string }> }>('GET', `/messages?userid=${userid}`)
        ).items
          .filter((i) => i.kind === 'notice')
          .map((i) => i.platform ?? 'dingtalk');
      expect(await platformOf('dt-fzb-c')).toEqual(['zzd']);
      expect(await platformOf('dt-sfj-c')).toEqual(['dingtalk']);
      expect(await platformOf('dt-qfb-c')).toEqual(['dingtalk']);
      // the 浙政钉 person has no 待办 there (浙政钉 has none); the DingTalk one has theirs
      const todos = await emu.admin<{ todos: unknown[] }>('GET', '/messages?userid=dt-sfj-c');
      expect(todos.todos).toHaveLength(1);
      const zzdRow = t.store.state.get().outbox.find((r) => r.kind === 'notice' && r.personId === 'p-fzb-c')!;
      expect(zzdRow.status).toBe('sent');
      // no read receipts on 浙政钉: no delivery checks for its notice
      expect(t.store.state.get().outbox.filter((r) => r.key.startsWith(`deliveryCheck:${zzdRow.key}`))).toEqual([]);
    } finally {
      await t.close();
      await emu.close();
    }
  });
});
