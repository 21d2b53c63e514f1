import { createHash, createHmac } from 'node:crypto';
import type { App, User } from './org.js';
import type { EmulatorState } from './state.js';
import { TOPIC_ROBOT, type StreamGateway } from './stream-gateway.js';

export type Inbound = { text: string } | { file: { name: string; contentBase64: string; kind: 'picture' | 'file' } };

export interface InboundResult {
  msgId: string;
  body: Record<string, unknown>;
  stream?: { messageId: string };
  http?: { status: number; reply?: unknown; error?: string };
}

const lwcp = (s: string): string => `$:LWCP_v1:$${Buffer.from(s).toString('base64')}`;

/** `sign` header of the HTTP callback: Base64(HmacSHA256(appSecret, timestamp + "\n" + appSecret)). */
export function callbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

/**
 * A user sends the bot a message: builds the robot message body exactly as DingTalk does (with a
 * live sessionWebhook back to the emulator), records it in the chat, and delivers it by Stream
 * and/or the HTTP callback, as configured.
 */
export async function sendToBot(
  state: EmulatorState,
  gateway: StreamGateway,
  baseUrl: string,
  app: App,
  user: User,
  input: Inbound,
): Promise<InboundResult> {
  const now = state.clock.now();
  const msgId = `msg${state.random.id(22)}`;
  const session = state.id('s');
  const conversationId = `cid${createHash('sha256').update(`${app.appKey}:${user.userid}`).digest('base64').slice(0, 22)}`;
  state.sessions.set(session, {
    userid: user.userid,
    conversationId,
    appKey: app.appKey,
    expiresAt: now + state.settings.sessionWebhookTtlSeconds * 1000,
  });
  const body: Record<string, unknown> = {
    conversationId,
    conversationType: '1',
    msgId,
    createAt: now,
    senderId: lwcp(user.userid),
    senderNick: user.name,
    senderStaffId: user.userid,
    senderUnionId: user.unionid,
    senderCorpId: state.org.corpId,
    senderPlatform: 'Android',
    isAdmin: false,
    chatbotCorpId: state.org.corpId,
    chatbotUserId: lwcp(`bot-${app.robotCode}`),
    robotCode: app.robotCode,
    isInAtList: true,
    atUsers: [],
    sessionWebhook: `${baseUrl}/robot/sendBySession?session=${session}`,
    sessionWebhookExpiredTime: now + state.settings.sessionWebhookTtlSeconds * 1000,
  };
  if ('text' in input) {
    body.msgtype = 'text';
    body.text = { content: input.text };
  } else {
    const blobId = state.id('b');
    const bytes = Buffer.from(input.file.contentBase64, 'base64');
    const contentType = input.file.kind === 'picture' ? 'image/jpeg' : 'application/octet-stream';
    state.blobs.set(blobId, { bytes, contentType, expiresAt: now + 3600_000 });
    const downloadCode = `dc${state.random.id(30)}`;
    state.botFiles.set(downloadCode, {
      blobId,
      fileName: input.file.name,
      robotCode: app.robotCode,
      expiresAt: now + 24 * 3600_000,
    });
    body.msgtype = input.file.kind;
    body.content =
      input.file.kind === 'picture'
        ? { downloadCode, pictureDownloadCode: downloadCode }
        : { downloadCode, fileName: input.file.name };
  }
  state.inbox.push({
    id: state.id('r'),
    kind: 'robot',
    userid: user.userid,
    at: now,
    appKey: app.appKey,
    direction: 'fromUser',
    via: 'user',
    body,
    read: true,
  });
  const result: InboundResult = { msgId, body };
  const mode = state.settings.robotDelivery;
  if (mode === 'stream' || mode === 'both') {
    if (gateway.hasListener(app.appKey, TOPIC_ROBOT))
      result.stream = { messageId: gateway.pushCallback(app.appKey, TOPIC_ROBOT, body) };
  }
  if ((mode === 'http' || mode === 'both') && state.settings.robotCallbackUrl)
    result.http = await postCallback(state, app, user, body);
  return result;
}

async function postCallback(
  state: EmulatorState,
  app: App,
  user: User,
  body: Record<string, unknown>,
): Promise<NonNullable<InboundResult['http']>> {
  // DingTalk signs with the real time, whatever the simulated clock says
  const timestamp = String(state.settings.callbackStaleTimestamp ? Date.now() - 2 * 3600_000 : Date.now());
  const sign = state.settings.callbackBadSign
    ? callbackSign(timestamp, 'not-the-secret')
    : callbackSign(timestamp, app.appSecret);
  try {
    const res = await fetch(state.settings.robotCallbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let reply: unknown;
    try {
      reply = text ? JSON.parse(text) : undefined;
    } catch {
      reply = text;
    }
    if (
      res.ok &&
      reply &&
      typeof reply === 'object' &&
      'msgtype' in reply &&
      (reply as { msgtype: string }).msgtype !== 'empty'
    ) {
      state.inbox.push({
        id: state.id('r'),
        kind: 'robot',
        userid: user.userid,
        at: state.clock.now(),
        appKey: app.appKey,
        direction: 'toUser',
        via: 'http',
        body: reply as Record<string, unknown>,
        read: false,
      });
    }
    return { status: res.status, reply };
  } catch (error) {
    return { status: 0, error: (error as Error).message };
  }
}
