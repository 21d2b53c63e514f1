import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../../server/src/channels/channel.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';

type Inbox = {
  items: Array<{ kind: string; msg?: { markdown?: { text: string } }; via?: string; body?: Record<string, unknown> }>;
  todos: Array<{ id: string; done: boolean; subject: string }>;
};

describe('the DingTalk channel against the emulator', () => {
  let emu: RunningEmulator;
  let userIds: string[];
  beforeAll(async () => {
    emu = await startEmulator();
    userIds = (await emu.admin<Array<{ userid: string }>>('GET', '/users')).map((u) => u.userid);
  });
  afterEach(async () => {
    await emu.admin('POST', '/reset');
  });
  afterAll(async () => emu.close());

  const md = (text: string) => ({ kind: 'markdown' as const, title: '督办提醒', text });
  const notices = async (userid: string) =>
    (await emu.admin<Inbox>('GET', `/messages?userid=${userid}`)).items.filter((i) => i.kind === 'notice');

  it('batches work notifications by 100 and reports delivery per recipient from getsendresult', async () => {
    const channel = channelFor(emu);
    const targets = [...userIds, ...Array.from({ length: 30 }, (_, i) => `ghost-${i}`)];
    const sent = await channel.sendNotice(targets, md('### 2019-03-04 待办 1 项'));
    expect(sent.batches.map((b) => b.userIds.length)).toEqual([100, targets.length - 100]);
    const first = await channel.checkNotice(sent.batches[0]!.taskId);
    expect(first.recipients.filter((r) => r.status === 'unread')).toHaveLength(userIds.length);
    expect(first.recipients.filter((r) => r.status === 'invalid')).toHaveLength(100 - userIds.length);
  });

  it('sees the silent same-content drop (143106) that the send call does not report', async () => {
    const channel = channelFor(emu);
    await channel.sendNotice(['dt-qfb-c'], md('same text'));
    const again = await channel.sendNotice(['dt-qfb-c'], md('same text'));
    const report = await channel.checkNotice(again.batches[0]!.taskId);
    expect(report.recipients).toEqual([{ userId: 'dt-qfb-c', status: 'dropped', code: '143106' }]);
    expect(await notices('dt-qfb-c')).toHaveLength(1);
  });

  it('fetches one token for concurrent callers and refetches after the tokens expire mid-run', async () => {
    const channel = channelFor(emu);
    await Promise.all(userIds.slice(0, 10).map((u, i) => channel.sendNotice([u], md(`a${i}`))));
    expect(
      (await emu.admin<Record<string, { calls: Record<string, number> }>>('GET', '/counters'))[emu.appKey]!.calls[
        'oauth2.accessToken'
      ],
    ).toBe(1);
    await emu.admin('POST', '/tokens/expire');
    await channel.sendNotice(['dt-qfb-c'], md('after expiry'));
    const counters = (await emu.admin<Record<string, { calls: Record<string, number> }>>('GET', '/counters'))[
      emu.appKey
    ]!;
    expect(counters.calls['oauth2.accessToken']).toBe(2);
    expect((await notices('dt-qfb-c')).map((n) => n.msg?.markdown?.text)).toEqual(['a0', 'after expiry']);
  });

  it('delivers every message exactly once through 90018 bursts, 30 % injected 5xx and an HTML block page', async () => {
    await emu.admin('PUT', '/settings', { qpsByApi: { 'message.asyncsend_v2': 8 } });
    await emu.admin('PUT', '/faults', { errorRate: 0.3, seed: 7 });
    let blocked = false;
    const channel = channelFor(emu, {
      retry: {
        baseMs: 50,
        maxMs: 400,
        attempts: 30,
        sleep: async (ms) => {
          if (blocked) {
            blocked = false;
            await emu.admin('PUT', '/faults', { htmlBlock: false });
          }
          await new Promise((r) => setTimeout(r, ms));
        },
      },
    });
    const targets = userIds.slice(0, 40);
    const first = channel.sendNotice([targets[0]!], md('first, while blocked'));
    await emu.admin('PUT', '/faults', { htmlBlock: true });
    blocked = true;
    await Promise.all([first, ...targets.slice(1).map((u, i) => channel.sendNotice([u], md(`提醒 ${i}`)))]);
    const counters = (await emu.admin<Record<string, { rateLimited: number; faults: number }>>('GET', '/counters'))[
      emu.appKey
    ]!;
    expect(counters.rateLimited).toBeGreaterThan(0);
    expect(counters.faults).toBeGreaterThan(0);
    for (const u of targets) expect(await notices(u), u).toHaveLength(1);
  }, 60_000);

  it('sends robot messages in batches of at most 20 and maps action cards', async () => {
    const channel = channelFor(emu);
    const sent = await channel.sendRobot(userIds.slice(0, 45), {
      kind: 'actionCard',
      title: '签收提醒',
      markdown: '请签收 **重点任务 8**',
      buttons: [
        { title: '去签收', url: 'http://127.0.0.1:3000/app' },
        { title: '查看详情', url: 'http://127.0.0.1:3000/app/t/8' },
      ],
    });
    expect(sent.batches.map((b) => b.userIds.length)).toEqual([20, 20, 5]);
    const inbox = await emu.admin<{ items: Array<{ msgKey: string; msgParam: Record<string, string> }> }>(
      'GET',
      `/messages?userid=${userIds[0]}`,
    );
    expect(inbox.items[0]).toMatchObject({
      msgKey: 'sampleActionCard2',
      msgParam: { title: '签收提醒', actionTitle1: '去签收', actionURL2: 'http://127.0.0.1:3000/app/t/8' },
    });
  });

  it('replies through a live session webhook and reports an expired one', async () => {
    const channel = channelFor(emu);
    const inbound = await emu.admin<{ body: { sessionWebhook: string } }>('POST', '/robot/messages', {
      userid: 'dt-fzb-c',
      text: '我的任务',
    });
    expect(await channel.replyInSession(inbound.body.sessionWebhook, { kind: 'text', text: '您有 3 项待办' })).toEqual({
      ok: true,
    });
    await emu.admin('POST', '/clock', { advanceMs: 2 * 3600_000 });
    expect(await channel.replyInSession(inbound.body.sessionWebhook, { kind: 'text', text: 'late' })).toEqual({
      ok: false,
      expired: true,
    });
    await emu.admin('POST', '/clock', { advanceMs: -2 * 3600_000 });
    // the webhook is in the unsigned body: an address elsewhere (the intranet, another host) is never called
    let called = 0;
    const elsewhere = Fastify();
    elsewhere.post('/robot/sendBySession', async () => {
      called += 1;
      return { errcode: 0 };
    });
    const at = await elsewhere.listen({ host: '127.0.0.1', port: 0 });
    for (const forged of [
      `${at}/robot/sendBySession?session=x`,
      `${emu.url}/__emulator/auth-codes`,
      'file:///etc/passwd',
    ])
      expect(await channel.replyInSession(forged, { kind: 'text', text: 'x' })).toEqual({ ok: false, expired: true });
    expect(called).toBe(0);
    await elsewhere.close();
    const chat = (await emu.admin<Inbox>('GET', '/messages?userid=dt-fzb-c')).items.filter((i) => i.kind === 'robot');
    expect(chat.map((i) => [i.via, i.body?.msgtype])).toEqual([
      ['user', 'text'],
      ['session', 'text'],
    ]);
  });

  it('creates a 待办 once per sourceId and completes it', async () => {
    const channel = channelFor(emu);
    const users = await emu.admin<Array<{ userid: string; unionid: string }>>('GET', '/users');
    const me = users.find((u) => u.userid === 'dt-sfj-c')!;
    const input = {
      ownerUnionId: me.unionid,
      executorUnionIds: [me.unionid],
      subject: '签收 重点任务22',
      url: 'http://127.0.0.1:3000/app',
      sourceId: 'ack-k22-sfj-2019',
    };
    const { todoId } = await channel.createTodo(input);
    expect(await channel.createTodo(input)).toEqual({ todoId });
    await channel.completeTodo(me.unionid, todoId);
    expect((await emu.admin<Inbox>('GET', '/messages?userid=dt-sfj-c')).todos).toEqual([
      expect.objectContaining({ id: todoId, done: true, subject: '签收 重点任务22' }),
    ]);
  });

  it('resolves a 免登 auth code once; a reused code is refused', async () => {
    const channel = channelFor(emu);
    const { code } = await emu.admin<{ code: string }>('POST', '/auth-codes', { userid: 'dt-dkb-s1' });
    expect(await channel.resolveAuthCode(code)).toEqual({
      userId: 'dt-dkb-s1',
      unionId: expect.any(String),
      name: '周晓梅',
    });
    const error = await channel.resolveAuthCode(code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: 'AUTH_CODE_INVALID', retryable: false });
  });

  it('downloads a picture a user sent to the bot', async () => {
    const channel = channelFor(emu);
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const inbound = await emu.admin<{ body: { content: { downloadCode: string } } }>('POST', '/robot/messages', {
      userid: 'dt-qfb-c',
      file: { name: 'photo.jpg', contentBase64: bytes.toString('base64'), kind: 'picture' },
    });
    const file = await channel.downloadBotFile(inbound.body.content.downloadCode);
    expect(file.bytes).toEqual(bytes);
  });

  it('lists the whole organisation through paging', async () => {
    await emu.admin('PUT', '/settings', { qps: 0 });
    const contacts = await channelFor(emu, { qps: 0 }).listContacts();
    expect(contacts.users).toHaveLength(userIds.length);
    expect(contacts.departments.length).toBe(emu.state.org.departments.length - 1);
    expect(contacts.users.find((u) => u.userId === 'dt-fzb-l')).toMatchObject({
      name: expect.any(String),
      leaderIn: [expect.any(Number)],
    });
  });

  it('maps bad credentials to a clear, non-retryable error', async () => {
    const error = await channelFor(emu, { appSecret: 'wrong' })
      .sendNotice(['dt-qfb-c'], md('x'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_CREDENTIALS', retryable: false });
  });
});
