import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { OutboxRow } from '../../server/src/model/outbox-row.js';
import type { DingTalkChannel } from '../../server/src/channels/dingtalk/dingtalk-channel.js';
import { fulfilObligation } from '../../server/src/domain/obligations/fulfil.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { calendar, policy } from '../helpers/reminders.js';
import { fixedClock, seededApp, silentLog, type TestApp } from '../helpers/test-app.js';
import { updateState } from '../helpers/store-writes.js';

type Inbox = {
  items: Array<{ kind: string; msg: { action_card: { title: string; markdown: string } }; read: boolean; id: string }>;
  todos: Array<{ id: string; done: boolean; subject: string }>;
};

// the steps of one simulated story (days follow each other): run in the order written
describe('scheduler + outbox + dispatcher against the emulator', { shuffle: false }, () => {
  let emu: RunningEmulator;
  let t: TestApp;
  let channel: DingTalkChannel;
  const clock = fixedClock('2018-11-01T09:00:00+08:00');
  let scheduler: Scheduler;
  beforeAll(async () => {
    emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    await emu.admin('POST', '/clock', { at: '2018-11-01T09:00:00+08:00' });
    t = await seededApp();
    channel = channelFor(emu, { qps: 0 });
    const dispatcher = new Dispatcher(t.store, channel, silentLog, { concurrency: 8 });
    scheduler = new Scheduler({
      store: t.store,
      calendar,
      policy,
      clock,
      log: silentLog,
      dispatcher,
      publicUrl: 'http://127.0.0.1:3000',
    });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  const drain = async () => {
    let total = 0;
    for (let i = 0; i < 20; i += 1) {
      const r = await scheduler.tick();
      total += r.dispatched.sent;
      if (r.dispatched.sent + r.dispatched.retried === 0) break;
    }
    return total;
  };
  /** A text notice to 区法制办's contact, put straight into the outbox (the claim tests). */
  const testNotice = (key: string, date: string, at: Date, fields: Partial<OutboxRow> = {}) =>
    updateState(t.store, (d) => {
      d.outbox.push({
        key,
        kind: 'notice',
        date,
        personId: 'p-qfb-c',
        payload: { userId: 'dt-qfb-c', message: { kind: 'text', text: key } },
        status: 'pending',
        attempts: 0,
        runAt: at.toISOString(),
        createdAt: at.toISOString(),
        ...fields,
      } as OutboxRow);
    });
  const events = async (type: string) => {
    const out: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
    return out;
  };
  const inbox = (userid: string) => emu.admin<Inbox>('GET', `/messages?userid=${userid}`);

  it('plans the day once, sends one digest per person and one 待办 per person for the 签收 batch of the year', async () => {
    const preview = scheduler.preview(clock.now());
    await drain();
    const digests = preview.reminders.filter((r) => r.kind === 'digest');
    for (const r of digests)
      expect(
        (await inbox(r.userId)).items.filter((i) => i.kind === 'notice'),
        r.userId,
      ).toHaveLength(1);
    const fzb = await inbox('dt-fzb-c');
    expect(fzb.items[0]!.msg.action_card.title).toBe('督办提醒 · 11月1日');
    const text = fzb.items[0]!.msg.action_card.markdown;
    expect(text).toContain('吴超,您的单位有 12 个待办事项,最紧急的是');
    expect(text).toContain(
      '1. **重点任务1** 高标准严要求开展政府系统“不忘初心、牢记使命”… — 签收,11月8日截止,还有 5 个工作日',
    );
    expect(text).toContain('另有 4 项,请在督办通中查看。');
    expect(Buffer.byteLength(JSON.stringify(fzb.items[0]!.msg))).toBeLessThanOrEqual(2048);
    // the year's 签收 arrive together: one 待办 listing the 12 tasks, not 12 identical-looking rows
    expect(fzb.todos).toEqual([
      expect.objectContaining({
        done: false,
        subject: expect.stringMatching(/^2018年度签收 12 项任务\(区法制办\):重点任务1、/),
      }),
    ]);
    expect(await events('reminders.planned')).toHaveLength(1);
    expect((await events('reminder.sent')).length).toBe(digests.length);

    expect((await scheduler.tick()).planned).toBeUndefined();
    expect(await drain()).toBe(0);
    expect((await inbox('dt-fzb-c')).items.filter((i) => i.kind === 'notice')).toHaveLength(1);
  });

  it('checks delivery after 10 minutes and again at 17:00, recording delivered and read', async () => {
    const fzb = await inbox('dt-fzb-c');
    await emu.admin('POST', `/messages/${fzb.items[0]!.id}/read`);
    clock.set('2018-11-01T09:11:00+08:00');
    await drain();
    const first = (await events('reminder.delivery')).filter((e) => (e.payload as { check: number }).check === 1);
    expect(first.find((e) => (e.payload as { userId: string }).userId === 'dt-fzb-c')!.payload).toMatchObject({
      status: 'read',
    });
    expect(first.find((e) => (e.payload as { userId: string }).userId === 'dt-sfj-c')!.payload).toMatchObject({
      status: 'delivered',
    });
    const sfj = await inbox('dt-sfj-c');
    await emu.admin('POST', `/messages/${sfj.items[0]!.id}/read`);
    clock.set('2018-11-01T17:00:00+08:00');
    await drain();
    const second = (await events('reminder.delivery')).filter((e) => (e.payload as { check: number }).check === 2);
    expect(second.find((e) => (e.payload as { userId: string }).userId === 'dt-sfj-c')!.payload).toMatchObject({
      status: 'read',
    });
    expect(await events('reminder.failed')).toEqual([]);
  });

  it('completes the 待办 when every obligation it covers is fulfilled by an action', async () => {
    const [todoKey, todo] = Object.entries(t.store.state.get().todos).find(([, v]) => v.personId === 'p-fzb-c')!;
    expect(todo.obligationIds).toHaveLength(12);
    const ack = (obligationId: string) =>
      fulfilObligation(t.store, {
        obligationId,
        action: 'acknowledge',
        channel: 'api',
        actor: { type: 'person', id: 'p-fzb-c' },
        at: clock.now(),
      });
    for (const id of todo.obligationIds.slice(0, 11)) await ack(id);
    await drain();
    expect((await inbox('dt-fzb-c')).todos.filter((x) => x.done)).toEqual([]);
    expect(t.store.state.get().outbox.filter((r) => r.key === `todoComplete:${todoKey}`)).toEqual([]);
    await ack(todo.obligationIds[11]!);
    await drain();
    const done = (await inbox('dt-fzb-c')).todos.filter((x) => x.done);
    expect(done).toEqual([
      expect.objectContaining({ id: todo.todoId, subject: expect.stringContaining('2018年度签收 12 项任务') }),
    ]);
    expect((await events('todo.completed')).length).toBe(1);
  });

  it('sends a different digest the next reminder day (never dropped as the same content)', async () => {
    clock.set('2018-11-08T09:00:00+08:00');
    await emu.admin('POST', '/clock', { at: '2018-11-08T09:00:00+08:00' });
    await drain();
    // 区法制办 has signed for everything (above): nothing more for them; 区司法局 has not
    expect((await inbox('dt-fzb-c')).items.filter((i) => i.kind === 'notice')).toHaveLength(1);
    const notices = (await inbox('dt-sfj-c')).items.filter((i) => i.kind === 'notice');
    expect(notices).toHaveLength(2);
    expect(notices[1]!.msg.action_card.title).toBe('督办提醒 · 11月8日');
    expect(notices[1]!.msg.action_card.markdown).toContain('签收,今天(11月8日)截止');
    expect((await emu.admin<Record<string, { drops: number }>>('GET', '/counters'))[emu.appKey]!.drops).toBe(0);
  });

  it('takes back a claim whose claimant ended or whose lease lapsed (same day → sent again, a later day → expired), never a live one within its lease', async () => {
    const now = clock.now();
    const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
    const stuck = (key: string, date: string, lockedBy?: string) =>
      testNotice(key, date, minutes(-1), {
        status: 'claimed',
        attempts: 1,
        lockedAt: minutes(-1).toISOString(),
        ...(lockedBy ? { lockedBy } : {}),
      });
    await stuck('notice:test:old', '2018-11-07'); // an earlier release's claim (no claimant): a crash
    await stuck('notice:test:today', '2018-11-08');
    await stuck('notice:test:dead', '2018-11-08', 'host:1:ended');
    await stuck('notice:test:live', '2018-11-08', 'host:2:running');
    // this instance, and another that still runs (PostgreSQL: its sessions are open)
    const store = {
      ...t.store,
      instance: {
        id: 'host:3:me',
        alive: async (ids: readonly string[]) => new Set(ids.filter((i) => i === 'host:2:running')),
      },
    };
    const dispatcher = new Dispatcher(store, channel, silentLog);
    const texts = async () =>
      (
        await emu.admin<{ items: Array<{ kind: string; msg: { text?: { content: string } } }> }>(
          'GET',
          '/messages?userid=dt-qfb-c',
        )
      ).items
        .map((i) => i.msg?.text?.content)
        .filter(Boolean);
    const row = (key: string) => t.store.state.get().outbox.find((r) => r.key === key)!;

    expect(await dispatcher.runOnce(now)).toMatchObject({ sent: 2, expired: 1 });
    expect(await texts()).toEqual(['notice:test:today', 'notice:test:dead']);
    expect((await events('reminder.abandoned')).map((e) => e.subject.id)).toEqual(['notice:test:old']);
    expect(row('notice:test:live')).toMatchObject({ status: 'claimed', lockedBy: 'host:2:running' });
    expect(row('notice:test:dead')).toMatchObject({ status: 'sent' });
    expect(row('notice:test:dead').lockedBy).toBeUndefined();

    // within its lease the running claimant keeps the row; once the lease lapses it is taken back
    await dispatcher.runOnce(minutes(8)); // claimed a minute before now: 9 minutes ago
    expect(row('notice:test:live')).toMatchObject({ status: 'claimed', lockedBy: 'host:2:running' });
    await dispatcher.runOnce(minutes(9));
    expect(row('notice:test:live').status).toBe('sent');
    expect(await texts()).toEqual(['notice:test:today', 'notice:test:dead', 'notice:test:live']);
    // leave the story's outbox as it was (these notices' delivery checks too)
    await updateState(t.store, (d) => void (d.outbox = d.outbox.filter((r) => !r.key.includes('notice:test:'))));
  });

  it('when it cannot be told whether the claimant runs (the query fails), only the lapsed lease frees its claim', async () => {
    const now = clock.now();
    await testNotice('notice:test:unknown', '2018-11-08', now, {
      status: 'claimed',
      attempts: 1,
      lockedAt: new Date(now.getTime() - 9 * 60_000).toISOString(), // a lease of 10 minutes: one left
      lockedBy: 'host:6:unknown',
    });
    const warnings: string[] = [];
    const log = { ...silentLog, warn: (m: string) => void warnings.push(m) };
    const failing = {
      ...t.store,
      instance: {
        id: 'host:7:me',
        alive: async (): Promise<ReadonlySet<string>> => {
          throw new Error('connection refused');
        },
      },
    };
    const dispatcher = new Dispatcher(failing, channel, log);
    const row = () => t.store.state.get().outbox.find((r) => r.key === 'notice:test:unknown')!;
    await dispatcher.runOnce(now);
    expect(row()).toMatchObject({ status: 'claimed', lockedBy: 'host:6:unknown' });
    expect(warnings[0]).toContain('无法确认其他实例是否在运行(connection refused)');
    await dispatcher.runOnce(new Date(now.getTime() + 60_000));
    expect(row().status).toBe('sent');
    await updateState(t.store, (d) => void (d.outbox = d.outbox.filter((r) => !r.key.includes('notice:test:'))));
  });

  it('a result that comes back after the claim was taken back and claimed again leaves the new claim alone', async () => {
    const now = clock.now();
    await testNotice('notice:test:late', '2018-11-08', now);
    // while this instance sends, its claim is taken back by another instance and claimed again
    const slow = Object.create(channel) as DingTalkChannel;
    slow.sendNotice = async (...args) => {
      await updateState(t.store, (d) => {
        Object.assign(
          d.outbox.find((r) => r.key === 'notice:test:late')!,
          {
            lockedBy: 'host:4:other',
            lockedAt: new Date(now.getTime() + 60_000).toISOString(),
          },
        );
      });
      return channel.sendNotice(...args);
    };
    const store = { ...t.store, instance: { id: 'host:5:me', alive: async () => new Set<string>() } };
    expect(await new Dispatcher(store, slow, silentLog).runOnce(now)).toMatchObject({ sent: 1 });
    expect(t.store.state.get().outbox.find((r) => r.key === 'notice:test:late')).toMatchObject({
      status: 'claimed',
      lockedBy: 'host:4:other',
    });
    // what happened here is in the ledger all the same
    expect((await events('reminder.sent')).filter((e) => e.subject.id === 'notice:test:late')).toHaveLength(1);
    // leave the story's outbox as it was
    await updateState(t.store, (d) => void (d.outbox = d.outbox.filter((r) => !r.key.includes('notice:test:'))));
  });

  it('a simulated jump runs the delivery checks on the way at their own instants: read receipts appear, nothing asks a day late', async () => {
    // 11-08's digests went out at 09:00 (above); 区司法局's contact reads hers, then the clock jumps a week
    const sfj = (await inbox('dt-sfj-c')).items.filter((i) => i.kind === 'notice');
    await emu.admin('POST', `/messages/${sfj.at(-1)!.id}/read`);
    const moves: string[] = [];
    const moveTo = async (d: Date) => {
      moves.push(d.toISOString());
      clock.set(d.toISOString());
      await emu.admin('POST', '/clock', { at: d.toISOString() });
    };
    await scheduler.catchUpTo(new Date('2018-11-14T09:00:00+08:00'), moveTo);
    expect(moves).toEqual(['2018-11-08T01:10:00.000Z', '2018-11-08T09:00:00.000Z']);
    const checks = (await events('reminder.delivery')).filter(
      (e) => e.subject.id === 'notice:digest:p-sfj-c:2018-11-08',
    );
    expect(checks.map((e) => e.payload)).toEqual([
      expect.objectContaining({ check: 1, status: 'read' }),
      expect.objectContaining({ check: 2, status: 'read' }),
    ]);
    expect(await events('reminder.failed')).toEqual([]);
    expect(
      t.store.state.get().outbox.filter((r) => r.status === 'pending' && r.runAt < '2018-11-14T01:00:00.000Z'),
    ).toEqual([]);
  });
});
