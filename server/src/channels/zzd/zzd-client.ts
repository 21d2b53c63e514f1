import { ChannelError } from '../channel.js';
import { signedHeaders } from './signing.js';

export interface ZzdOptions {
  appKey: string;
  appSecret: string;
  tenantId: string;
  /** The gateway, e.g. https://openplatform-pro.ding.zj.gov.cn (or the emulator's …/zzd). */
  apiBase: string;
  now?: () => Date;
}

type Envelope = {
  success?: boolean;
  content?: { success?: boolean; data?: unknown; responseMessage?: string; responseCode?: string };
  Code?: string;
  Message?: string;
  bizErrorCode?: string;
};

/** Gateway failures → ChannelError: what a retry can fix (token, busy, network) and what it cannot. */
function gatewayError(status: number, body: Envelope): ChannelError {
  const code = body.Code ?? body.bizErrorCode ?? body.content?.responseCode ?? `HTTP_${status}`;
  const message = body.Message ?? body.content?.responseMessage ?? `浙政钉网关返回 ${status}`;
  if (/AuthCode/i.test(code))
    return new ChannelError('AUTH_CODE_INVALID', `浙政钉免登授权码无效或已使用:${message}`, false);
  if (/AccessToken/i.test(code))
    return new ChannelError('TOKEN_INVALID', `浙政钉 access_token 无效或过期:${message}`, true);
  if (/Timestamp|Nonce/i.test(code))
    return new ChannelError(
      'ZZD_CLOCK',
      `浙政钉网关拒绝了请求时间或随机数(${code}):${message}。请检查服务器时间`,
      true,
    );
  if (/Signature|ApiKey|AppSecret/i.test(code))
    return new ChannelError('ZZD_CREDENTIALS', `浙政钉应用凭据不正确(${code}):${message}`, false);
  if (status >= 500 || status === 429) return new ChannelError('BUSY', `浙政钉网关繁忙(${status}):${message}`, true);
  return new ChannelError(`ZZD_${code}`, `浙政钉返回错误 ${code}:${message}`, false);
}

/**
 * A client of 浙政钉's gateway: every call signed (signing.ts), the app token fetched with
 * /gettoken.json and kept until it expires (fetched again once if the gateway says it is invalid),
 * work notifications keyed by bizMsgId so a retry never sends twice — the gateway's 重复 for a
 * bizMsgId it has seen counts as delivered.
 */
export class ZzdClient {
  private token: { value: string; until: number } | undefined;
  private readonly now: () => Date;

  constructor(private readonly o: ZzdOptions) {
    this.now = o.now ?? (() => new Date());
  }

  private async call(method: 'GET' | 'POST', path: string, params: Array<[string, string]>): Promise<unknown> {
    const headers = signedHeaders(this.o.appKey, this.o.appSecret, { method, path, params }, this.now());
    const form = new URLSearchParams(params).toString();
    let res: Response;
    try {
      res = await fetch(`${this.o.apiBase}${path}${method === 'GET' && form ? `?${form}` : ''}`, {
        method,
        headers: {
          ...headers,
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } : {}),
        },
        ...(method === 'POST' ? { body: form } : {}),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ChannelError('NETWORK', `连不上浙政钉网关:${(error as Error).message}`, true, { cause: error });
    }
    const body = (await res.json().catch(() => ({}))) as Envelope;
    if (!res.ok || body.success === false || body.content?.success === false) throw gatewayError(res.status, body);
    return body.content?.data;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now().getTime()) return this.token.value;
    const data = (await this.call('GET', '/gettoken.json', [
      ['appkey', this.o.appKey],
      ['appsecret', this.o.appSecret],
    ])) as { accessToken: string; expiresIn: number };
    // renewed a little early, so a token never expires in flight
    this.token = { value: data.accessToken, until: this.now().getTime() + Math.max(60, data.expiresIn - 300) * 1000 };
    return data.accessToken;
  }

  /** A call that needs the token: fetched again once when the gateway says it is no longer valid. */
  private async withToken(path: string, params: Array<[string, string]>): Promise<unknown> {
    try {
      return await this.call('POST', path, [['access_token', await this.accessToken()], ...params]);
    } catch (error) {
      if (!(error instanceof ChannelError && error.code === 'TOKEN_INVALID')) throw error;
      this.token = undefined;
      return this.call('POST', path, [['access_token', await this.accessToken()], ...params]);
    }
  }

  /** Sends a work notification to accountIds (≤ 1,000); `bizMsgId` is the outbox row's key. */
  async workNotification(input: {
    bizMsgId: string;
    receiverIds: readonly string[];
    msg: Record<string, unknown>;
  }): Promise<{ msgId?: string; duplicate: boolean }> {
    const msg = JSON.stringify(input.msg);
    if (Buffer.byteLength(msg) > 2048)
      throw new ChannelError('MSG_TOO_LONG', '浙政钉工作通知内容不能超过 2048 字节', false);
    if (input.receiverIds.length === 0 || input.receiverIds.length > 1000)
      throw new ChannelError('RECEIVERS', '浙政钉工作通知一次须有 1–1000 个接收人', false);
    try {
      const data = (await this.withToken('/message/workNotification', [
        ['receiverIds', input.receiverIds.join(',')],
        ['tenantId', this.o.tenantId],
        ['bizMsgId', input.bizMsgId],
        ['msg', msg],
      ])) as { msgId?: string } | undefined;
      return { ...(data?.msgId ? { msgId: data.msgId } : {}), duplicate: false };
    } catch (error) {
      // sent before (a retry after a lost answer): the gateway keeps the first and says 重复
      if (error instanceof ChannelError && (/Duplicate/i.test(error.code) || error.message.includes('重复')))
        return { duplicate: true };
      throw error;
    }
  }

  /** 免登: the accountId (and name) behind a code from gdt-jsapi's getAuthCode. */
  async userByAuthCode(authCode: string): Promise<{ accountId: string; name: string }> {
    const data = (await this.withToken('/rpc/oauth2/dingtalk_app_user.json', [['auth_code', authCode]])) as {
      accountId: number | string;
      lastName?: string;
      nickNameCn?: string;
    };
    return { accountId: String(data.accountId), name: data.nickNameCn ?? data.lastName ?? '' };
  }
}
