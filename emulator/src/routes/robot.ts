import type { FastifyInstance } from 'fastify';
import type { EmulatorState } from '../state.js';
import { apiFail, jsonField, origin, route } from '../wire.js';

/** msgKey → the msgParam keys it needs (robot message types). */
export const MSG_KEYS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'picUrl', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
  sampleActionCard3: [
    'title',
    'text',
    'actionTitle1',
    'actionURL1',
    'actionTitle2',
    'actionURL2',
    'actionTitle3',
    'actionURL3',
  ],
  sampleActionCard4: [
    'title',
    'text',
    'actionTitle1',
    'actionURL1',
    'actionTitle2',
    'actionURL2',
    'actionTitle3',
    'actionURL3',
    'actionTitle4',
    'actionURL4',
  ],
  sampleActionCard5: [
    'title',
    'text',
    'actionTitle1',
    'actionURL1',
    'actionTitle2',
    'actionURL2',
    'actionTitle3',
    'actionURL3',
    'actionTitle4',
    'actionURL4',
    'actionTitle5',
    'actionURL5',
  ],
  sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
  sampleAudio: ['mediaId', 'duration'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
  sampleVideo: ['duration', 'videoMediaId', 'videoType', 'picMediaId'],
};

function checkMessage(
  body: Record<string, unknown>,
  maxBytes: number,
): { msgKey: string; msgParam: Record<string, unknown> } {
  const msgKey = String(body.msgKey ?? '');
  const required = MSG_KEYS[msgKey];
  if (!required) throw apiFail(400, 'invalidParameter.msgKey.invalid', `msgKey 不合法:${msgKey}`);
  if (typeof body.msgParam !== 'string')
    throw apiFail(400, 'invalidParameter.msgParam.invalid', 'msgParam 必须是JSON字符串');
  if (Buffer.byteLength(body.msgParam) > maxBytes)
    throw apiFail(400, 'invalidParameter.msgParam.tooLong', 'msgParam 过长');
  const msgParam = jsonField(body.msgParam);
  if (!msgParam || typeof msgParam !== 'object' || Array.isArray(msgParam))
    throw apiFail(400, 'invalidParameter.msgParam.invalid', 'msgParam 不是合法的JSON');
  const missing = required.find((k) => !(k in msgParam));
  if (missing) throw apiFail(400, `miss.param.${missing}`, `msgParam 缺少 ${missing}`);
  return { msgKey, msgParam: msgParam as Record<string, unknown> };
}

/** Robot sends (one-to-one batch, group, via session webhook), read status, recall, file download. */
export function robotRoutes(f: FastifyInstance, state: EmulatorState): void {
  const sent = new Map<string, { appKey: string; userids: string[]; at: number; recalled: boolean }>();

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/robot/oToMessages/batchSend', api: 'robot.batchSend', style: 'api' },
    ({ app, body }) => {
      if (!body.robotCode) throw apiFail(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
      if (body.robotCode !== app.robotCode)
        throw apiFail(400, 'invalidParameter.robotCode.notExsit', 'robotCode 不存在');
      const userIds = Array.isArray(body.userIds) ? body.userIds.map(String) : [];
      if (userIds.length === 0) throw apiFail(400, 'invalidParameter.userIds.empty', 'userIds 不能为空');
      if (userIds.length > 20) throw apiFail(400, 'invalidParameter.userIds.overMax', 'userIds 每次最多20个');
      const { msgKey, msgParam } = checkMessage(body, 15000);
      const processQueryKey = state.id('pqk');
      const invalid = userIds.filter((u) => !state.user(u));
      const valid = [...new Set(userIds.filter((u) => state.user(u)))];
      const at = state.clock.now();
      for (const userid of valid) {
        state.inbox.push({
          id: state.id('r'),
          kind: 'robot',
          userid,
          at,
          appKey: app.appKey,
          direction: 'toUser',
          via: 'batchSend',
          msgKey,
          msgParam,
          processQueryKey,
          read: false,
        });
      }
      sent.set(processQueryKey, { appKey: app.appKey, userids: valid, at, recalled: false });
      return { processQueryKey, invalidStaffIdList: invalid, flowControlledStaffIdList: [] };
    },
  );

  route(
    f,
    state,
    { method: 'GET', url: '/v1.0/robot/oToMessages/readStatus', api: 'robot.readStatus', style: 'api' },
    ({ app, query }) => {
      const record = sent.get(query.processQueryKey ?? '');
      if (!record || record.appKey !== app.appKey)
        throw apiFail(400, 'invalidParameter.processQueryKey.invalid', 'processQueryKey 不存在');
      const items = state.inbox.filter((i) => i.kind === 'robot' && i.processQueryKey === query.processQueryKey);
      return {
        sendStatus: record.recalled ? 'RECALLED' : 'SUCCESS',
        messageReadInfoList: items.map((i) => ({
          name: state.user(i.userid)?.name ?? '',
          userId: i.userid,
          readStatus: i.read ? 'READ' : 'UNREAD',
          readTimestamp: i.read ? i.at : 0,
        })),
      };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/robot/otoMessages/batchRecall', api: 'robot.batchRecall', style: 'api' },
    ({ app, body }) => {
      const keys = Array.isArray(body.processQueryKeys) ? body.processQueryKeys.map(String) : [];
      const successResult: string[] = [];
      const failedResult: Record<string, string> = {};
      for (const key of keys) {
        const record = sent.get(key);
        if (!record || record.appKey !== app.appKey) failedResult[key] = 'processQueryKey 不存在';
        else {
          record.recalled = true;
          for (let i = state.inbox.length - 1; i >= 0; i -= 1) {
            const item = state.inbox[i]!;
            if (item.kind === 'robot' && item.processQueryKey === key) state.inbox.splice(i, 1);
          }
          successResult.push(key);
        }
      }
      return { successResult, failedResult };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/robot/groupMessages/send', api: 'robot.groupSend', style: 'api' },
    ({ app, body }) => {
      if (body.robotCode !== app.robotCode)
        throw apiFail(400, 'invalidParameter.robotCode.notExsit', 'robotCode 不存在');
      if (!body.openConversationId)
        throw apiFail(400, 'invalidParameter.openConversationId.empty', 'openConversationId 不能为空');
      const { msgKey, msgParam } = checkMessage(body, 15000);
      const processQueryKey = state.id('gpqk');
      state.groupMessages.push({
        openConversationId: String(body.openConversationId),
        appKey: app.appKey,
        msgKey,
        msgParam,
        processQueryKey,
        at: state.clock.now(),
      });
      return { processQueryKey };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/robot/messageFiles/download', api: 'robot.messageFiles.download', style: 'api' },
    ({ app, body }, req) => {
      if (!body.robotCode) throw apiFail(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
      const file = state.botFiles.get(String(body.downloadCode ?? ''));
      if (!file || file.expiresAt < state.clock.now())
        throw apiFail(400, 'invalidParameter.robotCode.downloadCode', '下载码有误或者已经过期');
      if (file.robotCode !== body.robotCode || body.robotCode !== app.robotCode)
        throw apiFail(400, 'invalidParameter.robotCode.auth', '下载码与机器人不匹配');
      return {
        downloadUrl: `${origin(req)}/__emulator/blobs/${file.blobId}?Expires=${Math.floor(file.expiresAt / 1000)}`,
      };
    },
  );

  // Session webhook: no token, the URL carries the session.
  f.post('/robot/sendBySession', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const session = state.sessions.get(q.session ?? '');
    if (!session) return reply.send({ errcode: 300001, errmsg: 'session.notExisted' });
    if (session.expiresAt < state.clock.now()) return reply.send({ errcode: 300002, errmsg: 'session.expired' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const type = String(body.msgtype ?? '');
    if (
      !['text', 'markdown', 'actionCard', 'feedCard', 'link', 'empty'].includes(type) ||
      (type !== 'empty' && typeof body[type] !== 'object')
    ) {
      return reply.send({ errcode: 40035, errmsg: `不合法的消息类型:${type}` });
    }
    state.counter(session.appKey).calls['robot.sendBySession'] =
      (state.counter(session.appKey).calls['robot.sendBySession'] ?? 0) + 1;
    if (type !== 'empty') {
      state.inbox.push({
        id: state.id('r'),
        kind: 'robot',
        userid: session.userid,
        at: state.clock.now(),
        appKey: session.appKey,
        direction: 'toUser',
        via: 'session',
        body,
        read: false,
      });
    }
    return reply.send({ errcode: 0, errmsg: 'ok' });
  });
}
