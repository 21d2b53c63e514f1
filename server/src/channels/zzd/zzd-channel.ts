import { createHash } from 'node:crypto';
import {
  ChannelError,
  ZZD_CAPABILITIES,
  type Channel,
  type Contacts,
  type NoticeDelivery,
  type NoticeSent,
  type OutboundMessage,
  type ResolvedUser,
  type RobotSent,
  type SendOptions,
} from '../channel.js';
import { fitMessage, noticeMsg } from '../shared/notice-msg.js';
import { RateLimiter } from '../shared/rate-limiter.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../shared/retry.js';
import { ZzdClient, type ZzdOptions } from './zzd-client.js';

export interface ZzdChannelOptions extends ZzdOptions {
  /** Client-side calls per second per API (as for DingTalk). */
  qps?: number;
  retry?: Partial<RetryPolicy>;
}

const unsupported = (what: string): ChannelError =>
  new ChannelError('UNSUPPORTED', `浙政钉不支持${what},请在督办通中办理`, false);

/**
 * The Channel over 浙政钉's gateway: work notifications (keyed by the outbox row, so a retry is
 * never sent twice) and 免登. The reference has no robot chat, 待办, read state or contacts for
 * 浙政钉: those say so (capabilities tell the dispatcher and the bot not to ask).
 */
export class ZzdChannel implements Channel {
  readonly name = 'zzd';
  readonly platform = 'zzd' as const;
  readonly capabilities = ZZD_CAPABILITIES;
  readonly client: ZzdClient;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;

  constructor(o: ZzdChannelOptions) {
    this.client = new ZzdClient(o);
    this.limiter = new RateLimiter(o.qps ?? 20, o.now ? () => o.now!().getTime() : undefined);
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
  }

  private call<T>(api: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(async () => {
      await this.limiter.acquire(api);
      return fn();
    }, this.retry);
  }

  async sendNotice(userIds: readonly string[], message: OutboundMessage, options?: SendOptions): Promise<NoticeSent> {
    // the client refuses more than the gateway takes (receiversPerCall)
    const receivers = [...new Set(userIds)];
    const msg = noticeMsg(fitMessage(message, this.capabilities.maxMessageBytes));
    // the gateway's dedupe key: the outbox row's key (hashed to a fixed length), or the content's
    const bizMsgId = createHash('sha256')
      .update(options?.key ?? `${receivers.join(',')}\n${JSON.stringify(msg)}`)
      .digest('hex')
      .slice(0, 32);
    const sent = await this.call('message.workNotification', () =>
      this.client.workNotification({ bizMsgId, receiverIds: receivers, msg }),
    );
    return { batches: [{ taskId: sent.msgId ?? `zzd-${bizMsgId}`, userIds: receivers }] };
  }

  async checkNotice(taskId: string): Promise<NoticeDelivery> {
    return { taskId, recipients: [] };
  }
  async sendRobot(): Promise<RobotSent> {
    throw unsupported('机器人会话');
  }
  async replyInSession(): Promise<{ ok: false; expired: boolean }> {
    return { ok: false, expired: true };
  }
  async createTodo(): Promise<{ todoId: string }> {
    throw unsupported('待办');
  }
  async completeTodo(): Promise<void> {
    throw unsupported('待办');
  }
  async resolveAuthCode(code: string): Promise<ResolvedUser> {
    const user = await this.call('oauth2.user', () => this.client.userByAuthCode(code));
    return { userId: user.accountId, unionId: '', name: user.name };
  }
  async downloadBotFile(): Promise<{ bytes: Buffer; contentType: string }> {
    throw unsupported('机器人文件');
  }
  async listContacts(): Promise<Contacts> {
    throw unsupported('通讯录同步');
  }
}
