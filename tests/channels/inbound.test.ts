import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import type { BotEvent } from '../../server/src/channels/bot-event.js';
import { BotInbox, recentBotMsgIds } from '../../server/src/bot/bot-inbox.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { callbackSign, checkCallbackSignature } from '../../server/src/channels/dingtalk/callback-signature.js';
import { StreamReceiver } from '../../server/src/channels/dingtalk/stream-receiver.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { seededApp, silentLog, type TestApp } from '../helpers/test-app.js';
import { JsonlLedger } from '../../server/src/store/ledger/jsonl-ledger.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('robot HTTP callback signature', () => {
  it('verifies the reference test vector', () => {
    expect(callbackSign('1577262236757', 'this is a secret')).toBe('DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=');
    expect(
      checkCallbackSignature(
        '1577262236757',
        'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=',
        'this is a secret',
        1577262236757 + 60_000,
      ),
    ).toBe('ok');
  });

  it('rejects a wrong sign, a missing one, and a timestamp more than an hour off', () => {
    const now = 1577262236757;
    expect(checkCallbackSignature(String(now), 'AAAA', 'this is a secret', now)).toBe('bad-sign');
    expect(checkCallbackSignature(undefined, undefined, 'this is a secret', now)).toBe('missing');
    const old = String(now - 3600_001);
    expect(checkCallbackSignature(old, callbackSign(old, 'this is a secret'), 'this is a secret', now)).toBe('stale');
  });
});

const payload = (msgId: string, text = '进展 11 已完成试点申报') => ({
  conversationId: 'cid1',
  conversationType: '1',
  msgId,
  msgtype: 'text',
  createAt: 1551402000000,
  senderStaffId: 'dt-qfb-c',
  senderNick: '王伟',
  sessionWebhook: 'http://127.0.0.1:1/robot/sendBySession?session=x',
  sessionWebhookExpiredTime: 1551407400000,
  text: { content: ` ${text}` },
});

describe('msgId dedupe across a restart', () => {
  it('a message handled before the restart, redelivered after it, is not handled again', async () => {
    // as an older release wrote them: straight into a ledger
    const ledger = await JsonlLedger.open(tempDir(), { clock: () => new Date('2019-03-01T09:00:00Z') });
    const store = { ledger };
    const appendEvent = (s: typeof store, e: Parameters<typeof ledger.append>[0]) => s.ledger.append(e);
    await appendEvent(store, {
      type: 'progress.reported',
      actor: { type: 'person', id: 'p-qfb-c' },
      subject: { type: 'botMessage', id: 'm-old' },
      channel: 'bot',
      payload: { msgId: 'm-old', task: 11 },
    });
    await appendEvent(store, {
      type: 'progress.reported',
      actor: { type: 'person', id: 'p-qfb-c' },
      subject: { type: 'botMessage', id: 'm-new' },
      channel: 'bot',
      payload: { msgId: 'm-new', task: 11 },
    });
    await appendEvent(store, {
      type: 'obligation.reported',
      actor: { type: 'person' },
      subject: { type: 'assignment', id: 'a' },
      channel: 'miniapp',
      payload: { msgId: 'm-miniapp' },
    });
    // eleven minutes later only what is inside the 10-minute window counts
    expect(await recentBotMsgIds(store.ledger, Date.parse('2019-03-01T09:05:00Z'))).toEqual(['m-old', 'm-new']);
    expect(await recentBotMsgIds(store.ledger, Date.parse('2019-03-01T09:11:00Z'))).toEqual([]);
    const handled: string[] = [];
    const inbox = new BotInbox(
      toBotEvent,
      async (e) => void handled.push(e.msgId),
      silentLog,
      () => Date.parse('2019-03-01T09:01:00Z'),
    );
    inbox.remember(await recentBotMsgIds(store.ledger, Date.parse('2019-03-01T09:01:00Z')));
    expect(inbox.accept(payload('m-old'), 'stream')).toBeUndefined();
    expect(inbox.accept(payload('m-fresh'), 'stream')?.msgId).toBe('m-fresh');
    await inbox.idle();
    expect(handled).toEqual(['m-fresh']);
  });
});

describe('POST /dingtalk/callback', () => {
  const secret = 'callback-secret';
  let t: TestApp;
  const events: BotEvent[] = [];
  let inbox: BotInbox;
  beforeAll(async () => {
    t = await seededApp();
    await t.app.close();
    inbox = new BotInbox(toBotEvent, async (e) => void events.push(e), silentLog);
    t.app = await buildApp(t.deps, { dingtalkCallback: { appSecret: secret, inbox } });
  });
  afterAll(async () => t.close());
  const post = (body: unknown, ts: number, sign?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/dingtalk/callback',
      headers: { timestamp: String(ts), sign: sign ?? callbackSign(String(ts), secret) },
      payload: body as object,
    });

  it('acks a signed message at once with an empty reply and hands on one event per msgId', async () => {
    const now = Date.now(); // DingTalk signs with the real time, whatever the simulated clock says
    for (let i = 0; i < 3; i += 1) {
      const res = await post(payload('m-1'), now);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ msgtype: 'empty' });
    }
    await inbox.idle();
    expect(events.filter((e) => e.msgId === 'm-1')).toHaveLength(1);
    expect(events[0]).toMatchObject({
      transport: 'http',
      platform: 'dingtalk',
      kind: 'text',
      text: '进展 11 已完成试点申报',
      sender: { userId: 'dt-qfb-c', name: '王伟' },
    });
  });

  it('rejects a wrong sign with 401 and a stale timestamp with 403, processing nothing', async () => {
    const now = Date.now();
    const before = events.length;
    expect((await post(payload('m-2'), now, 'wrong')).statusCode).toBe(401);
    expect((await post(payload('m-3'), now - 2 * 3600_000)).statusCode).toBe(403);
    // the body is not signed: a captured pair is good for minutes, not the hour DingTalk allows
    expect((await post(payload('m-3b'), now - 6 * 60_000)).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/dingtalk/callback', payload: payload('m-4') })).statusCode,
    ).toBe(401);
    await inbox.idle();
    expect(events.length).toBe(before);
  });

  it('a captured timestamp and sign carry one body: a forged body under them is acked and dropped', async () => {
    const now = Date.now() - 30_000;
    const before = events.length;
    expect((await post(payload('m-5', '进展 3 已完成'), now)).statusCode).toBe(200);
    const forged = await post({ ...payload('m-6', '办结 3 全部完成'), senderStaffId: 'dt-dkb-s1' }, now);
    expect(forged.statusCode).toBe(200);
    expect(forged.json()).toEqual({ msgtype: 'empty' });
    await inbox.idle();
    expect(events.slice(before).map((e) => e.msgId)).toEqual(['m-5']);
  });
});

describe('robot messages from the emulator, end to end', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => emu.close());

  it('Stream: the official client receives, acks, and a redelivered message is handled once', async () => {
    const events: BotEvent[] = [];
    const inbox = new BotInbox(toBotEvent, async (e) => void events.push(e), silentLog);
    const receiver = new StreamReceiver(
      { clientId: emu.appKey, clientSecret: emu.appSecret, apiBase: emu.url },
      inbox,
      silentLog,
    );
    await receiver.start();
    await expect
      .poll(async () => (await emu.admin<{ connections: unknown[] }>('GET', '/stream')).connections.length)
      .toBe(1);
    const sent = await emu.admin<{ msgId: string }>('POST', '/robot/messages', { userid: 'dt-fzb-c', text: '收到 22' });
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({
      msgId: sent.msgId,
      transport: 'stream',
      platform: 'dingtalk',
      text: '收到 22',
      sender: { userId: 'dt-fzb-c' },
    });
    await expect.poll(async () => (await emu.admin<{ acked: number }>('GET', '/stream')).acked).toBe(1);
    // force two redeliveries of everything, acked or not, as the platform does for unacked frames
    emu.gateway.pending.forEach((p) => delete p.ackedAt);
    await emu.admin('POST', '/stream/redeliver');
    await emu.admin('POST', '/stream/redeliver');
    await expect.poll(async () => (await emu.admin<{ acked: number }>('GET', '/stream')).acked).toBe(1);
    await inbox.idle();
    expect(events).toHaveLength(1);
    receiver.stop();
  });

  it('HTTP mode: the emulator signs and posts to the server; a bad sign is refused', async () => {
    const t = await seededApp();
    await t.app.close();
    const events: BotEvent[] = [];
    const inbox = new BotInbox(toBotEvent, async (e) => void events.push(e), silentLog);
    const app = await buildApp(
      { ...t.deps, clock: { now: () => new Date() } },
      { dingtalkCallback: { appSecret: emu.appSecret, inbox } },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/dingtalk/callback`;
    await emu.admin('PUT', '/settings', { robotDelivery: 'http', robotCallbackUrl: url });
    const ok = await emu.admin<{ http: { status: number } }>('POST', '/robot/messages', {
      userid: 'dt-qfb-c',
      text: '我的任务',
    });
    expect(ok.http.status).toBe(200);
    await inbox.idle();
    expect(events).toEqual([expect.objectContaining({ transport: 'http', text: '我的任务' })]);
    await emu.admin('PUT', '/settings', { callbackBadSign: true });
    expect(
      (await emu.admin<{ http: { status: number } }>('POST', '/robot/messages', { userid: 'dt-qfb-c', text: 'x' })).http
        .status,
    ).toBe(401);
    await emu.admin('PUT', '/settings', { callbackBadSign: false, callbackStaleTimestamp: true });
    expect(
      (await emu.admin<{ http: { status: number } }>('POST', '/robot/messages', { userid: 'dt-qfb-c', text: 'y' })).http
        .status,
    ).toBe(403);
    await inbox.idle();
    expect(events).toHaveLength(1);
    await app.close();
    await t.store.close();
  });
});
