import { ZZD_APP } from '../zzd/gateway.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sendToBot } from '../robot-inbound.js';
import { DEFAULT_SETTINGS, type EmulatorState, type InboxItem } from '../state.js';
import type { StreamGateway } from '../stream-gateway.js';
import { todoView } from './todo.js';
import { origin } from '../wire.js';

const Settings = z
  .object({
    qps: z.number().int().min(0),
    qpsByApi: z.record(z.string(), z.number().int().min(0)),
    noticeUseridCap: z.number().int().min(1),
    noticeCapErrcode: z.number().int(),
    dailyQuotaPerUser: z.number().int().min(0),
    tokenTtlSeconds: z.number().int().min(1),
    authCodeTtlSeconds: z.number().int().min(1),
    sessionWebhookTtlSeconds: z.number().int().min(1),
    robotDelivery: z.enum(['stream', 'http', 'both']),
    robotCallbackUrl: z.string(),
    callbackBadSign: z.boolean(),
    callbackStaleTimestamp: z.boolean(),
    redeliverForSeconds: z.number().int().min(0),
  })
  .partial()
  .strict();

const Faults = z
  .object({
    errorRate: z.number().min(0).max(1),
    latencyMs: z.number().int().min(0).max(60_000),
    htmlBlock: z.boolean(),
    only: z.string(),
    seed: z.number().int(),
  })
  .partial()
  .strict();

const RobotMessage = z.object({
  userid: z.string().min(1),
  appKey: z.string().optional(),
  text: z.string().max(20_000).optional(),
  file: z
    .object({
      name: z.string().min(1).max(200),
      contentBase64: z.string().max(30_000_000),
      kind: z.enum(['picture', 'file']),
    })
    .optional(),
});

function bad(reply: { code: (n: number) => { send: (b: unknown) => unknown } }, error: z.ZodError) {
  return reply
    .code(400)
    .send({ code: 'BAD_REQUEST', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
}

/** Title of an inbox item as a DingTalk client would list it. */
function summary(item: InboxItem): string {
  if (item.kind === 'notice') {
    const m = item.msg as Record<string, Record<string, unknown> | string>;
    const inner = m[String(m.msgtype)] as Record<string, unknown> | undefined;
    return String(
      inner?.title ?? (inner?.body as Record<string, unknown> | undefined)?.title ?? inner?.content ?? m.msgtype,
    );
  }
  const p = item.msgParam ?? (item.body?.[String(item.body?.msgtype)] as Record<string, unknown> | undefined) ?? {};
  return String(p.title ?? p.content ?? item.body?.msgtype ?? item.msgKey ?? '');
}

/** The admin API tests and the console use to drive the emulator (under /__emulator). */
export function adminRoutes(f: FastifyInstance, state: EmulatorState, gateway: StreamGateway): void {
  const p = '/__emulator';
  // DingTalk's app first (local mode takes the first), then the 浙政钉 app with its tenant
  f.get(`${p}/apps`, async () => [...state.org.apps.map((a) => ({ platform: 'dingtalk', ...a })), ZZD_APP]);
  f.get(`${p}/config`, async () => ({ serverUrl: state.serverUrl ?? null }));

  // The console's time controls act on 督办通's simulated clock (local mode); relayed so the page
  // needs only one origin.
  f.route({
    method: ['GET', 'POST'],
    url: `${p}/server/clock`,
    handler: async (req, reply) => {
      const serverUrl = state.serverUrl;
      if (!serverUrl)
        return reply.code(404).send({ code: 'NOT_FOUND', message: '模拟器不是由督办通启动的,没有可拨动的模拟时钟' });
      try {
        const res = await fetch(`${serverUrl}/dev/clock`, {
          method: req.method,
          ...(req.method === 'POST'
            ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(req.body ?? {}) }
            : {}),
          signal: AbortSignal.timeout(120_000),
        });
        return reply.code(res.status).send(await res.json());
      } catch (error) {
        return reply.code(502).send({ code: 'UNAVAILABLE', message: `连不上督办通:${(error as Error).message}` });
      }
    },
  });
  f.get(`${p}/users`, async () =>
    state.org.users.map((u) => ({
      ...u,
      departments: u.dept_id_list.map((d) => state.org.departments.find((x) => x.dept_id === d)?.name ?? String(d)),
    })),
  );
  f.get(`${p}/departments`, async () => state.org.departments);
  // an org admin adds a member (a new official, or an account re-created under a new userid)
  f.post(`${p}/users`, async (req, reply) => {
    const body = (req.body ?? {}) as Partial<{
      userid: string;
      unionid: string;
      name: string;
      title: string;
      dept_id_list: number[];
    }>;
    if (typeof body.userid !== 'string' || !body.userid || typeof body.name !== 'string' || !body.name)
      return reply.code(400).send({ code: 'INVALID', message: '需要 userid 和 name' });
    if (state.user(body.userid)) return reply.code(409).send({ code: 'EXISTS', message: `已有用户 ${body.userid}` });
    const depts = Array.isArray(body.dept_id_list) ? body.dept_id_list.filter((d) => typeof d === 'number') : [];
    const user = {
      userid: body.userid,
      unionid: body.unionid ?? `union-${body.userid}`,
      name: body.name,
      title: body.title ?? '',
      mobile: '',
      dept_id_list: depts.length > 0 ? depts : [1],
      leader_in_dept: [],
      roles: [],
    };
    state.org.users.push(user);
    return reply.code(201).send(user);
  });

  f.post(`${p}/robot/messages`, async (req, reply) => {
    const parsed = RobotMessage.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    const { userid, text, file } = parsed.data;
    const user = state.user(userid);
    const app = state.app(parsed.data.appKey ?? state.org.apps[0]!.appKey);
    if (!user || !app) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这个用户或应用' });
    if ((text === undefined) === (file === undefined))
      return reply.code(400).send({ code: 'BAD_REQUEST', message: '请提供 text 或 file 之一' });
    return sendToBot(state, gateway, origin(req), app, user, text !== undefined ? { text } : { file: file! });
  });

  f.get(`${p}/messages`, async (req, reply) => {
    const { userid } = req.query as { userid?: string };
    const user = state.user(userid ?? '');
    if (!user) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这个用户' });
    const items = state.inbox.filter((i) => i.userid === user.userid).map((i) => ({ ...i, title: summary(i) }));
    const todos = [...state.todos.values()]
      .filter((t) => !t.deleted && (t.executorIds.includes(user.unionid) || t.participantIds.includes(user.unionid)))
      .map(todoView);
    return { userid: user.userid, items, todos };
  });

  f.post(`${p}/messages/:id/read`, async (req, reply) => {
    const item = state.inbox.find((i) => i.id === (req.params as { id: string }).id);
    if (!item) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这条消息' });
    item.read = true;
    return { ok: true };
  });

  f.get(`${p}/notices`, async () => [...state.noticeTasks.values()]);
  f.get(`${p}/group-messages`, async () => state.groupMessages);

  f.post(`${p}/auth-codes`, async (req, reply) => {
    const body = (req.body ?? {}) as { userid?: string; appKey?: string };
    const user = state.user(body.userid ?? '');
    const app = state.app(body.appKey ?? state.org.apps[0]!.appKey);
    if (!user || !app) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这个用户或应用' });
    const code = state.id('ac');
    state.authCodes.set(code, {
      userid: user.userid,
      appKey: app.appKey,
      expiresAt: state.clock.now() + state.settings.authCodeTtlSeconds * 1000,
      used: false,
    });
    return { code, expiresIn: state.settings.authCodeTtlSeconds, corpId: state.org.corpId, clientId: app.appKey };
  });

  f.get(`${p}/settings`, async () => state.settings);
  f.put(`${p}/settings`, async (req, reply) => {
    const parsed = Settings.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    state.settings = { ...state.settings, ...parsed.data };
    return state.settings;
  });
  f.get(`${p}/faults`, async () => state.faults);
  f.put(`${p}/faults`, async (req, reply) => {
    const parsed = Faults.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    const { seed, ...rest } = parsed.data;
    if (seed !== undefined) state.random.reseed(seed);
    state.faults = { ...state.faults, ...rest };
    return state.faults;
  });
  f.post(`${p}/tokens/expire`, async () => ({ expired: state.expireAllTokens() }));
  f.get(`${p}/counters`, async () => Object.fromEntries(state.counters));
  f.post(`${p}/clock`, async (req, reply) => {
    const body = (req.body ?? {}) as { at?: string; advanceMs?: number };
    if (body.at !== undefined) {
      const at = Date.parse(body.at);
      if (Number.isNaN(at)) return reply.code(400).send({ code: 'BAD_REQUEST', message: 'at 不是合法的时间' });
      state.clock.set(at);
    }
    if (typeof body.advanceMs === 'number') state.clock.advance(body.advanceMs);
    return { now: new Date(state.clock.now()).toISOString() };
  });
  f.post(`${p}/reset`, async () => {
    state.inbox.length = 0;
    state.noticeTasks.clear();
    state.daily.clear();
    state.todos.clear();
    state.counters.clear();
    state.groupMessages.length = 0;
    state.zzdBizMsgIds.clear();
    state.faults = { errorRate: 0, latencyMs: 0, htmlBlock: false, only: '' };
    state.settings = { ...DEFAULT_SETTINGS };
    return { ok: true };
  });

  f.get(`${p}/stream`, async () => gateway.summary());
  f.post(`${p}/stream/redeliver`, async () => ({ redelivered: gateway.redeliver(true) }));
  f.post(`${p}/stream/ping`, async () => ({ opaque: gateway.ping() }));
  f.post(`${p}/stream/disconnect`, async (req) => {
    const body = (req.body ?? {}) as { reason?: string; closeAfterMs?: number };
    return { connections: gateway.disconnect(body.reason ?? '服务端维护', body.closeAfterMs ?? 10_000) };
  });

  f.get(`${p}/blobs/:id`, async (req, reply) => {
    const blob = state.blobs.get((req.params as { id: string }).id);
    if (!blob || blob.expiresAt < state.clock.now())
      return reply
        .code(404)
        .type('application/xml')
        .send('<Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>');
    return reply.type(blob.contentType).send(blob.bytes);
  });
}
