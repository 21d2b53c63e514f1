import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorState } from '../state.js';

/** The emulated 浙政钉 app (listed by GET /__emulator/apps with platform "zzd"). */
export interface ZzdApp {
  platform: 'zzd';
  name: string;
  appKey: string;
  appSecret: string;
  tenantId: string;
}

export const ZZD_APP: ZzdApp = {
  platform: 'zzd',
  name: '督办通(浙政钉)',
  appKey: 'duban-zzd-emulator',
  appSecret: 'zzd-emulator-secret-0000000000000000',
  tenantId: '196729',
};

/** A person's 浙政钉 accountId in the emulator: a stable number from their DingTalk userid. */
export function zzdAccountId(userid: string): string {
  return String(100000 + (parseInt(createHash('sha256').update(userid).digest('hex').slice(0, 8), 16) % 900000));
}

/** A user's 浙政钉 accountId: the one the seeds give, else the derived one. */
export const accountIdOf = (u: { userid: string; zzdAccountId?: string }): string =>
  u.zzdAccountId ?? zzdAccountId(u.userid);

export interface ZzdSettings {
  /** How far a request's X-Hmac-Auth-Timestamp may be from the gateway's clock. */
  skewSeconds: number;
  tokenTtlSeconds: number;
}

/** The gateway's memory: tokens, nonces seen (replay), auth codes (the bizMsgIds used are in the emulator's world). */
export class ZzdGatewayState {
  settings: ZzdSettings = { skewSeconds: 300, tokenTtlSeconds: 7200 };
  readonly tokens = new Map<string, number>();
  readonly nonces = new Map<string, number>();
  /** What the gateway did: tokens issued, faults injected, notifications refused as 重复. */
  readonly stats = { tokensIssued: 0, faults: 0, duplicates: 0 };
  readonly authCodes = new Map<string, { accountId: string; expiresAt: number; used: boolean }>();
}

/**
 * The gateway's own reading of a signature (written apart from the server's signer, so the two
 * checking each other means something): Java's case-insensitive TreeMap of parameters, values
 * sorted, empty names and values skipped, raw values joined with &.
 */
export function gatewayStringToSign(
  method: string,
  path: string,
  params: Array<[string, string]>,
  timestamp: string,
  nonce: string,
): string {
  const lower = (s: string): string => [...s].map((c) => c.toUpperCase().toLowerCase()).join('');
  const byKey = new Map<string, { key: string; values: string[] }>();
  for (const [k, v] of params) {
    if (!k || !v) continue;
    const id = lower(k);
    const entry = byKey.get(id) ?? { key: k, values: [] };
    entry.values.push(v);
    byKey.set(id, entry);
  }
  const keys = [...byKey.keys()].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i += 1) if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
    return a.length - b.length;
  });
  const joined = keys
    .flatMap((id) =>
      byKey
        .get(id)!
        .values.sort()
        .map((v) => `${byKey.get(id)!.key}=${v}`),
    )
    .join('&');
  return `${method}\n${timestamp}\n${nonce}\n${path}${joined ? `\n${joined}` : ''}`;
}

export function gatewaySignature(secret: string, toSign: string): string {
  return createHmac('sha256', secret).update(toSign, 'utf8').digest('base64');
}

const header = (req: FastifyRequest, name: string): string => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** The request's parameters as the gateway signs them: the query for GET, the form for POST. */
function paramsOf(req: FastifyRequest): Array<[string, string]> {
  const source =
    req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
  return Object.entries(source).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((x) => [k, String(x)] as [string, string]) : [[k, String(v ?? '')] as [string, string]],
  );
}

const fail = (reply: FastifyReply, status: number, code: string, message: string, state: EmulatorState) =>
  reply
    .code(status)
    .send({ success: false, Code: code, Message: message, _RequestId: state.random.id(16), bizErrorCode: code });

const ok = (data: unknown) => ({
  success: true,
  content: { success: true, data, responseCode: '0', responseMessage: 'OK', requestId: '' },
  bizErrorCode: '0',
});

/**
 * The emulated 浙政钉 gateway under /zzd (paths as on the gateway): every call's signature is
 * verified — a wrong one, a timestamp further than the window from the gateway's clock, or a nonce
 * used before is refused with the gateway's error shape (401) — then /gettoken.json issues a token,
 * /message/workNotification delivers a notice to accountIds (a bizMsgId used before answers 重复;
 * at most 1,000 receivers; msg at most 2,048 bytes) and /rpc/oauth2/dingtalk_app_user.json turns
 * a 免登 code into the user.
 */
export function zzdGatewayRoutes(f: FastifyInstance, state: EmulatorState, gw: ZzdGatewayState): void {
  const byAccount = (accountId: string) => state.org.users.find((u) => accountIdOf(u) === accountId);
  const verify = (req: FastifyRequest, reply: FastifyReply, path: string): boolean => {
    if (header(req, 'apiKey') !== ZZD_APP.appKey)
      return (void fail(reply, 401, 'InvalidApiKey', 'apiKey 不存在', state), false);
    const timestamp = header(req, 'X-Hmac-Auth-Timestamp');
    const nonce = header(req, 'X-Hmac-Auth-Nonce');
    const at = Date.parse(timestamp);
    // the real gateway checks against the real time: the simulated clock is the product's calendar,
    // not the network's (an official SDK signs with the machine's time)
    const now = Date.now();
    if (!timestamp || !Number.isFinite(at) || Math.abs(now - at) > gw.settings.skewSeconds * 1000)
      return (void fail(reply, 401, 'InvalidTimestamp', '请求时间戳与网关时间相差过大', state), false);
    if (!nonce || gw.nonces.has(nonce))
      return (void fail(reply, 401, 'InvalidNonce', '随机数已使用过(疑似重放)', state), false);
    const expected = gatewaySignature(
      ZZD_APP.appSecret,
      gatewayStringToSign(req.method, path, paramsOf(req), timestamp, nonce),
    );
    const given = Buffer.from(header(req, 'X-Hmac-Auth-Signature'));
    if (given.length !== Buffer.byteLength(expected) || !timingSafeEqual(given, Buffer.from(expected)))
      return (void fail(reply, 401, 'InvalidSignature', '签名不正确', state), false);
    gw.nonces.set(nonce, now);
    for (const [n, t] of gw.nonces) if (now - t > gw.settings.skewSeconds * 2000) gw.nonces.delete(n);
    return true;
  };
  /**
   * Injected faults (PUT /__emulator/faults, `only` naming e.g. "zzd"): a share of calls fail — half
   * before anything happens, half after the work is done with the answer lost.
   */
  const fault = (api: string): 'before' | 'after' | undefined => {
    const { faults } = state;
    if (!(faults.errorRate > 0) || (faults.only && !api.includes(faults.only))) return undefined;
    const r = state.random.next();
    if (r >= faults.errorRate) return undefined;
    gw.stats.faults += 1;
    return r < faults.errorRate / 2 ? 'before' : 'after';
  };
  const tokenOk = (token: unknown): boolean => typeof token === 'string' && (gw.tokens.get(token) ?? 0) > Date.now();

  f.get('/zzd/gettoken.json', async (req, reply) => {
    if (!verify(req, reply, '/gettoken.json')) return reply;
    if (fault('zzd.gettoken')) return fail(reply, 500, 'ServiceUnavailable', '网关繁忙,请稍后重试', state);
    const q = req.query as Record<string, string>;
    if (q.appkey !== ZZD_APP.appKey || q.appsecret !== ZZD_APP.appSecret)
      return fail(reply, 200, 'InvalidAppSecret', 'appkey 或 appsecret 不正确', state);
    const token = `app_${state.random.id(24)}`;
    gw.tokens.set(token, Date.now() + gw.settings.tokenTtlSeconds * 1000);
    gw.stats.tokensIssued += 1;
    return ok({ expiresIn: gw.settings.tokenTtlSeconds, accessToken: token });
  });

  f.post('/zzd/message/workNotification', async (req, reply) => {
    if (!verify(req, reply, '/message/workNotification')) return reply;
    const b = (req.body ?? {}) as Record<string, string>;
    if (!tokenOk(b.access_token ?? (req.query as Record<string, string>).access_token))
      return fail(reply, 200, 'InvalidAccessToken', 'access_token 无效或已过期', state);
    if (b.tenantId !== ZZD_APP.tenantId) return fail(reply, 200, 'InvalidTenantId', 'tenantId 不正确', state);
    if (!b.bizMsgId) return fail(reply, 200, 'MissingBizMsgId', '缺少 bizMsgId', state);
    const receivers = (b.receiverIds ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const orgs = (b.organizationCodes ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (receivers.length + orgs.length === 0)
      return fail(reply, 200, 'MissingReceiver', 'receiverIds 与 organizationCodes 至少填一个', state);
    if (receivers.length + orgs.length > 1000)
      return fail(reply, 200, 'TooManyReceivers', '接收人与部门合计不能超过 1000', state);
    if (Buffer.byteLength(b.msg ?? '') > 2048) return fail(reply, 200, 'MsgTooLong', '消息内容超过 2048 字节', state);
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(b.msg ?? '') as Record<string, unknown>;
    } catch {
      return fail(reply, 200, 'InvalidMsg', 'msg 不是合法的 JSON', state);
    }
    // the dedupe key: the same bizMsgId again is refused as 重复, nothing is sent twice
    if (state.zzdBizMsgIds.has(b.bizMsgId)) {
      gw.stats.duplicates += 1;
      return fail(reply, 200, 'DuplicateBizMsgId', `bizMsgId ${b.bizMsgId} 重复`, state);
    }
    const injected = fault('zzd.workNotification');
    if (injected === 'before') return fail(reply, 500, 'ServiceUnavailable', '网关繁忙,请稍后重试', state);
    state.zzdBizMsgIds.add(b.bizMsgId);
    const taskId = state.taskId();
    for (const accountId of receivers) {
      const user = byAccount(accountId);
      if (!user) continue;
      state.inbox.push({
        id: state.id('z'),
        kind: 'notice',
        userid: user.userid,
        at: state.clock.now(),
        appKey: ZZD_APP.appKey,
        taskId,
        msg,
        read: false,
        recalled: false,
        platform: 'zzd',
      });
    }
    // sent, but the answer is lost on the way back: a retry must not send it again (bizMsgId)
    if (injected === 'after') return fail(reply, 500, 'ServiceUnavailable', '网关繁忙,请稍后重试', state);
    return ok({ msgId: `zzd-${taskId}` });
  });

  f.post('/zzd/rpc/oauth2/dingtalk_app_user.json', async (req, reply) => {
    if (!verify(req, reply, '/rpc/oauth2/dingtalk_app_user.json')) return reply;
    const b = (req.body ?? {}) as Record<string, string>;
    if (!tokenOk(b.access_token)) return fail(reply, 200, 'InvalidAccessToken', 'access_token 无效或已过期', state);
    const code = gw.authCodes.get(b.auth_code ?? '');
    if (!code || code.used || code.expiresAt < state.clock.now())
      return fail(reply, 200, 'InvalidAuthCode', '免登授权码无效或已过期', state);
    code.used = true;
    const user = byAccount(code.accountId)!;
    return ok({
      accountId: Number(code.accountId),
      lastName: user.name,
      nickNameCn: user.name,
      realmId: Number(ZZD_APP.tenantId),
      tenantUserId: `${ZZD_APP.tenantId}$${code.accountId}`,
      namespace: 'local',
      account: user.userid,
    });
  });

  /** The console and tests: a 免登 code for a user, as the 浙政钉 client's getAuthCode would give. */
  f.post('/__emulator/zzd/auth-codes', async (req, reply) => {
    const { userid } = (req.body ?? {}) as { userid?: string };
    const user = state.org.users.find((u) => u.userid === userid);
    if (!user) return reply.code(404).send({ code: 'NOT_FOUND', message: '没有这个用户' });
    const code = state.random.id(20);
    gw.authCodes.set(code, {
      accountId: accountIdOf(user),
      expiresAt: state.clock.now() + 300_000,
      used: false,
    });
    return { code, accountId: accountIdOf(user) };
  });
  /** Every 浙政钉 token expires now (as after a gateway restart): the next call must fetch one again. */
  f.post('/__emulator/zzd/tokens/expire', async () => {
    const n = gw.tokens.size;
    gw.tokens.clear();
    return { expired: n };
  });
  f.get('/__emulator/zzd/stats', async () => gw.stats);
  f.put('/__emulator/zzd/settings', async (req) => {
    Object.assign(gw.settings, req.body as Partial<ZzdSettings>);
    return gw.settings;
  });
}
