import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { BotEvent } from '../../server/src/channels/bot-event.js';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/src/app.js';
import { createBotHandler } from '../../server/src/bot/bot.js';
import { BotInbox } from '../../server/src/bot/bot-inbox.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { StreamReceiver } from '../../server/src/channels/dingtalk/stream-receiver.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { calendar, policy, progressFor } from '../helpers/reminders.js';
import { fixedClock, seededApp, silentLog, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/wait.js';
import { EvidenceStore } from '../../server/src/evidence/evidence-store.js';
import { EXE, JPEG } from '../helpers/files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { updateState } from '../helpers/store-writes.js';

type Chat = {
  items: Array<{
    kind: string;
    direction: string;
    via: string;
    body?: { text?: { content: string }; markdown?: { text: string }; actionCard?: { text: string } };
    msgParam?: { content?: string };
  }>;
};

describe('the bot, end to end (emulator → Stream → inbox → handler → ledger → reply)', () => {
  let emu: RunningEmulator;
  let t: TestApp;
  let inbox: BotInbox;
  let receiver: StreamReceiver;
  let evidence: EvidenceStore;
  const clock = fixedClock('2019-03-20T10:00:00+08:00');
  beforeAll(async () => {
    emu = await startEmulator();
    await emu.admin('PUT', '/settings', { qps: 0 });
    t = await seededApp();
    const channel = channelFor(emu, { qps: 0 });
    evidence = new EvidenceStore(tempDir());
    inbox = new BotInbox(
      toBotEvent,
      createBotHandler({
        progress: progressFor(t.store, clock, 'http://127.0.0.1:3000'),
        store: t.store,
        channel,
        calendar,
        policy,
        clock,
        log: silentLog,
        publicUrl: 'http://127.0.0.1:3000',
        evidence,
      }),
      silentLog,
    );
    receiver = new StreamReceiver(
      { clientId: emu.appKey, clientSecret: emu.appSecret, apiBase: emu.url },
      inbox,
      silentLog,
    );
    await receiver.start();
    await waitFor(
      async () => (await emu.admin<{ connections: unknown[] }>('GET', '/stream')).connections.length === 1,
      10_000,
      'stream connection',
    );
  });
  afterAll(async () => {
    receiver.stop();
    await t.close();
    await emu.close();
  });

  const say = async (userid: string, text: string | { name: string; bytes: Buffer; kind: 'picture' | 'file' }) => {
    const body =
      typeof text === 'string'
        ? { userid, text }
        : { userid, file: { name: text.name, contentBase64: text.bytes.toString('base64'), kind: text.kind } };
    const sent = await emu.admin<{ msgId: string }>('POST', '/robot/messages', body);
    const acked = () =>
      [...emu.gateway.pending.values()].some(
        (p) => String(p.frame.data).includes(sent.msgId) && p.ackedAt !== undefined,
      );
    await waitFor(acked, 10_000, `ack of ${sent.msgId}`);
    await inbox.idle();
    return sent.msgId;
  };
  const lastReply = async (userid: string) => {
    const chat = (await emu.admin<Chat>('GET', `/messages?userid=${userid}`)).items.filter(
      (i) => i.kind === 'robot' && i.direction === 'toUser',
    );
    const last = chat.at(-1)!;
    return {
      via: last.via,
      text:
        last.body?.text?.content ??
        last.body?.markdown?.text ??
        last.body?.actionCard?.text ??
        last.msgParam?.content ??
        '',
    };
  };
  const events = async (type: string) => {
    const out: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
    return out;
  };

  // one unit's steps in order (a scenario, not three tests: each step needs the one before)
  it("收到 → 进展 → a picture: the unit's 签收 recorded with channel bot and the msgId, the report on the open item, the picture attached to that report", async () => {
    const mine = async (type: string) => (await events(type)).filter((e) => e.actor.id === 'p-sfj-c');
    const msgId = await say('dt-sfj-c', '收到 22');
    const acks = await mine('obligation.acknowledged');
    // last year's 签收 was still open too: both are acknowledged
    expect(acks.map((e) => (e.payload as { obligationId: string }).obligationId).sort()).toEqual([
      'yc-lqstg-2018.k22.sfj:2018:acknowledge',
      'yc-lqstg-2018.k22.sfj:2019:acknowledge',
    ]);
    expect(acks[0]).toMatchObject({ channel: 'bot', actor: { id: 'p-sfj-c' } });
    expect((acks[0]!.payload as { msgId: string }).msgId).toBe(msgId);
    expect(await lastReply('dt-sfj-c')).toEqual({
      via: 'session',
      text: '已签收:重点任务22(区司法局)。\n\n[查看任务详情](http://127.0.0.1:3000/app/#/tasks/yc-lqstg-2018.k22)',
    });

    await say('dt-sfj-c', '进展 22 已完成公职律师选聘方案');
    expect((await mine('obligation.reported'))[0]).toMatchObject({
      channel: 'bot',
      payload: { obligationId: 'yc-lqstg-2018.k22.sfj:2019:progress:Q1' },
    });
    expect((await lastReply('dt-sfj-c')).text).toContain('已报送:重点任务22 第一季度进展');
    expect(await mine('progress.reported')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ text: '已完成公职律师选聘方案' }) }),
    ]);

    await say('dt-sfj-c', { name: 'IMG_0001.jpg', bytes: JPEG, kind: 'picture' });
    expect((await lastReply('dt-sfj-c')).text).toBe(
      '已将图片附在重点任务22的进展上。\n\n[查看任务详情](http://127.0.0.1:3000/app/#/tasks/yc-lqstg-2018.k22)',
    );
    const attached = await mine('evidence.attached');
    const report = (await mine('progress.reported')).at(-1)!;
    expect(attached).toEqual([
      expect.objectContaining({
        channel: 'bot',
        payload: expect.objectContaining({
          taskId: 'yc-lqstg-2018.k22',
          to: 'report',
          toSeq: report.seq,
          files: [expect.objectContaining({ mime: 'image/jpeg', size: JPEG.length })],
        }),
      }),
    ]);
    expect(await evidence.get((attached[0]!.payload as { files: Array<{ sha256: string }> }).files[0]!.sha256)).toEqual(
      JPEG,
    );
  });

  it('a file sent first waits for the report it belongs to; a disallowed file is refused', async () => {
    // nothing filed recently by this person (another test may have had them file a request)
    await updateState(t.store, (d) => void delete d.botContext['p-fzb-c']);
    await say('dt-fzb-c', { name: '会议纪要.jpg', bytes: JPEG, kind: 'file' });
    expect((await lastReply('dt-fzb-c')).text).toContain('请回复"进展 编号 内容"');
    await say('dt-fzb-c', '进展 22 已召开法律顾问工作会议');
    expect((await lastReply('dt-fzb-c')).text).toContain('已附上 1 个文件');
    expect((await events('progress.reported')).at(-1)!.payload).toMatchObject({
      taskId: 'yc-lqstg-2018.k22',
      unitId: 'fzb',
      evidence: [expect.objectContaining({ name: '会议纪要.jpg' })],
    });
    await say('dt-fzb-c', { name: 'photo.jpg', bytes: EXE, kind: 'picture' });
    expect((await lastReply('dt-fzb-c')).text).toContain('这个文件没有收下:只支持图片');
  });

  it('pictures after a refused message are offered back, never attached to another task (#32 req 4)', async () => {
    await updateState(t.store, (d) => void delete d.botContext['p-fsjd-c']);
    const s = t.store.state.get();
    const notMine = s.tasks.find(
      (k) => k.kind === 'key' && !s.assignments.some((a) => a.taskId === k.id && a.unitId === 'fsjd'),
    )!.number;
    await say('dt-fsjd-c', `进展 ${notMine} 已完成阶段工作`);
    expect((await lastReply('dt-fsjd-c')).text).toContain('不由您的单位承担');
    await say('dt-fsjd-c', { name: 'IMG_0100.jpg', bytes: JPEG, kind: 'picture' });
    expect((await lastReply('dt-fsjd-c')).text).toContain('这 1 个文件附到哪项任务');
    // a report on another task does not take them; it says they wait
    await say('dt-fsjd-c', '进展 1 已完成主题教育第一阶段');
    const report = (await events('progress.reported')).at(-1)!;
    expect(report.payload).toMatchObject({ taskId: 'yc-lqstg-2018.k1', unitId: 'fsjd', evidence: [] });
    expect((await lastReply('dt-fsjd-c')).text).toContain('之前收到的 1 个文件没有附上');
    // the official says where they belong: attached to that report
    await say('dt-fsjd-c', '附到 1');
    expect((await lastReply('dt-fsjd-c')).text).toContain('已将 1 个文件附在重点任务1刚报送的进展上');
    expect((await events('evidence.attached')).at(-1)!.payload).toMatchObject({
      taskId: 'yc-lqstg-2018.k1',
      toSeq: report.seq,
      files: [expect.objectContaining({ mime: 'image/jpeg', size: JPEG.length })],
    });
  });

  it('a plain reply soon after a one-task reminder is offered as a report on that task, one tap to confirm', async () => {
    const now = clock.now().toISOString();
    await updateState(t.store, (d) => {
      d.outbox.push({
        key: 'notice:digest:p-zfw-c:2019-03-20',
        kind: 'notice',
        date: '2019-03-20',
        personId: 'p-zfw-c',
        payload: { userId: 'dt-zfw-c', tasks: ['yc-lqstg-2018.k27'] },
        status: 'sent',
        attempts: 1,
        runAt: now,
        createdAt: now,
        doneAt: now,
      });
    });
    await say('dt-zfw-c', '网格员队伍建设方案已印发');
    const chat = (
      await emu.admin<{
        items: Array<{
          direction: string;
          body?: { msgtype: string; actionCard?: { text: string; btns: Array<{ title: string; actionURL: string }> } };
        }>;
      }>('GET', '/messages?userid=dt-zfw-c')
    ).items;
    const card = chat.at(-1)!.body!;
    expect(card.msgtype).toBe('actionCard');
    expect(card.actionCard!.text).toContain('把这条消息作为 **重点任务27** 的进展报送吗?');
    expect(card.actionCard!.btns.map((b) => [b.title, decodeURIComponent(b.actionURL)])).toEqual([
      ['确认报送', 'dtmd://dingtalkclient/sendMessage?content=确认进展 27'],
      ['不是', 'dtmd://dingtalkclient/sendMessage?content=不是'],
    ]);
    await say('dt-zfw-c', '确认进展 27');
    expect((await events('progress.reported')).at(-1)).toMatchObject({
      actor: { id: 'p-zfw-c' },
      channel: 'bot',
      payload: { taskId: 'yc-lqstg-2018.k27', text: '网格员队伍建设方案已印发' },
    });
    expect((await lastReply('dt-zfw-c')).text).toContain('已报送:重点任务27');
    await say('dt-zfw-c', '确认进展 27');
    expect((await lastReply('dt-zfw-c')).text).toContain('没有待确认的进展');
  });

  it('asks which unit when a person answers for several units', async () => {
    await say('dt-qfb-c', '收到 1');
    const ask = (await lastReply('dt-qfb-c')).text;
    expect(ask).toMatch(/区(府办、区政府党组|政府党组、区府办) 都承担重点任务1/);
    await say('dt-qfb-c', '收到 1 区政府党组');
    expect((await lastReply('dt-qfb-c')).text).toBe(
      '已签收:重点任务1(区政府党组)。\n\n[查看任务详情](http://127.0.0.1:3000/app/#/tasks/yc-lqstg-2018.k1)',
    );
    // the unit written anywhere in a natural reply (#32 req 1)
    await say('dt-qfb-c', '1号任务区府办已召开专题会议');
    expect((await events('progress.reported')).at(-1)!.payload).toMatchObject({
      taskId: 'yc-lqstg-2018.k1',
      unitId: 'qfb',
    });
  });

  it('answers 我的任务 with lights, and unknown people and words helpfully', async () => {
    await say('dt-fzb-c', '我的任务');
    const mine = (await lastReply('dt-fzb-c')).text;
    expect(mine).toMatch(/### 我的任务\(\d+ 项\)/);
    expect(mine).toContain('🔴');
    // titles, not only numbers
    expect(mine).toMatch(/\*\*重点任务\d+\*\* \S+.* — /);
    await say('dt-fzb-c', '今天天气不错');
    expect((await lastReply('dt-fzb-c')).text).toContain('没看懂这条消息');
    const users = emu.state.org.users;
    users.push({
      userid: 'dt-stranger',
      unionid: 'u-stranger',
      name: '路人',
      title: '',
      mobile: '',
      dept_id_list: [1],
      leader_in_dept: [],
      roles: [],
    });
    await say('dt-stranger', '我的任务');
    expect((await lastReply('dt-stranger')).text).toContain('督办通里还没有您的账号');
  });

  it('works the same through the signed HTTP callback', async () => {
    const app = await buildApp(
      { ...t.deps, clock: { now: () => new Date() } },
      { dingtalkCallback: { appSecret: emu.appSecret, inbox } },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    await emu.admin('PUT', '/settings', {
      robotDelivery: 'http',
      robotCallbackUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/dingtalk/callback`,
    });
    try {
      const sent = await emu.admin<{ msgId: string; http: { status: number } }>('POST', '/robot/messages', {
        userid: 'dt-fzb-c',
        text: '收到 6',
      });
      expect(sent.http.status).toBe(200);
      await inbox.idle();
      const acks = (await events('obligation.acknowledged')).filter(
        (e) => (e.payload as { msgId?: string }).msgId === sent.msgId,
      );
      expect(acks.map((e) => (e.payload as { obligationId: string }).obligationId).sort()).toEqual([
        'yc-lqstg-2018.k6.fzb:2018:acknowledge',
        'yc-lqstg-2018.k6.fzb:2019:acknowledge',
      ]);
      expect(await lastReply('dt-fzb-c')).toEqual({
        via: 'session',
        text: '已签收:重点任务6(区法制办)。\n\n[查看任务详情](http://127.0.0.1:3000/app/#/tasks/yc-lqstg-2018.k6)',
      });
    } finally {
      await emu.admin('PUT', '/settings', { robotDelivery: 'stream' });
      await app.close();
    }
  });

  it('延期 understands 下周五 and names the item it extends, from and to', async () => {
    await say('dt-fzb-c', '延期 6 下周五 等待上级批复'); // 2019-03-20 is a Wednesday
    // several items could be meant: it asks which (one tap each) and files nothing on a guess
    const ask = (await lastReply('dt-fzb-c')).text;
    expect(ask).toContain('重点任务6有几个可以延期的事项,请点选要延至 2019-03-29 的一项');
    expect(Object.values(t.store.state.get().requests).some((x) => x.assignmentId === 'yc-lqstg-2018.k6.fzb')).toBe(
      false,
    );
    // the button's words
    await say('dt-fzb-c', '延期 6 2019-03-29 事项:2018年年末自评报告 等待上级批复');
    const reply = (await lastReply('dt-fzb-c')).text;
    expect(reply).toMatch(/已提交重点任务6的延期申请:".+"由 \d{4}-\d{2}-\d{2} 延至 2019-03-29/);
    const r = Object.values(t.store.state.get().requests).find((x) => x.assignmentId === 'yc-lqstg-2018.k6.fzb')!;
    expect(r).toMatchObject({ kind: 'extension', until: '2019-03-29', channel: 'bot', state: 'pending' });
  });

  it('the same msgId delivered three times makes one report', async () => {
    const before = (await events('obligation.reported')).length;
    const handled: BotEvent[] = [];
    const counting = new BotInbox(toBotEvent, async (e) => void handled.push(e), silentLog);
    const body = {
      msgId: 'dup-1',
      msgtype: 'text',
      createAt: Date.now(),
      conversationId: 'c',
      conversationType: '1',
      senderStaffId: 'dt-fzb-c',
      senderNick: '吴超',
      text: { content: '进展 22 x' },
    };
    for (let i = 0; i < 3; i += 1) counting.accept(body, 'stream');
    await counting.idle();
    expect(handled).toHaveLength(1);
    expect((await events('obligation.reported')).length).toBe(before);
  });

  it('an expired session webhook falls back to a proactive robot message', async () => {
    await emu.admin('PUT', '/settings', { sessionWebhookTtlSeconds: 1 });
    const handler = createBotHandler({
      progress: progressFor(t.store, clock, 'http://127.0.0.1:3000'),
      store: t.store,
      channel: channelFor(emu, { qps: 0 }),
      calendar,
      policy,
      clock,
      log: silentLog,
      publicUrl: 'http://127.0.0.1:3000',
    });
    await handler({
      msgId: 'old-1',
      at: new Date(),
      transport: 'http',
      platform: 'dingtalk',
      sender: { userId: 'dt-fzb-c', name: '吴超' },
      conversation: { id: 'c', type: 'single' },
      kind: 'text',
      text: '帮助',
      files: [],
      reply: { webhook: `${emu.url}/robot/sendBySession?session=gone`, expiresAt: new Date(Date.now() + 60_000) },
    });
    const chat = (
      await emu.admin<{ items: Array<{ via: string; msgKey?: string }> }>('GET', '/messages?userid=dt-fzb-c')
    ).items;
    expect(chat.at(-1)).toMatchObject({ via: 'batchSend', msgKey: 'sampleMarkdown' });
  });
});
