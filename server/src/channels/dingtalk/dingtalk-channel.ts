import type {
  Channel,
  Contacts,
  NoticeDelivery,
  NoticeSent,
  OutboundMessage,
  ResolvedUser,
  RobotSent,
  TodoInput,
} from '../channel.js';
import { ChannelError, DINGTALK_CAPABILITIES } from '../channel.js';
import { apiError } from './errors.js';
import { chunk, robotMsg, webhookBody } from './message-format.js';
import { fitMessage, noticeMsg } from '../shared/notice-msg.js';
import { OapiClient, parseOapi } from './oapi-client.js';
import { RateLimiter } from '../shared/rate-limiter.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../shared/retry.js';
import { oauth2, robot, runtime, sdkClients, todo, type SdkClients } from './sdk.js';
import { TokenCache } from '../shared/token-cache.js';

export interface DingTalkChannelOptions {
  appKey: string;
  appSecret: string;
  agentId: number;
  robotCode: string;
  /** https://api.dingtalk.com, or the emulator. */
  apiBase: string;
  /** https://oapi.dingtalk.com, or the emulator. */
  oapiBase: string;
  /** Client-side limit per API (the platform allows 20). */
  qps?: number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  now?: () => number;
}

const ROBOT_BATCH = 20;

/** The Channel over DingTalk: new API through the official SDK, old API through OapiClient. */
/** Whether `webhook` is DingTalk's session reply endpoint on the configured OAPI host. */
export function isSessionWebhook(webhook: string, oapiBase: string): boolean {
  try {
    const url = new URL(webhook);
    return url.origin === new URL(oapiBase).origin && url.pathname === '/robot/sendBySession';
  } catch {
    return false;
  }
}

export class DingTalkChannel implements Channel {
  readonly name = 'dingtalk';
  readonly platform = 'dingtalk' as const;
  readonly capabilities = DINGTALK_CAPABILITIES;
  readonly tokens: TokenCache;
  private readonly sdk: SdkClients;
  private readonly oapi: OapiClient;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;

  constructor(private readonly o: DingTalkChannelOptions) {
    const timeoutMs = o.timeoutMs ?? 10_000;
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.limiter = new RateLimiter(o.qps ?? 20, o.now);
    this.sdk = sdkClients(o.apiBase, timeoutMs);
    this.tokens = new TokenCache(() => this.fetchToken(), o.now);
    this.oapi = new OapiClient(o.oapiBase.replace(/\/$/, ''), this.tokens, this.limiter, this.retry, timeoutMs);
  }

  private fetchToken(): Promise<{ token: string; expiresIn: number }> {
    return withRetry(async () => {
      await this.limiter.acquire('oauth2.accessToken');
      try {
        const res = await this.sdk.oauth2.getAccessToken(
          new oauth2.GetAccessTokenRequest({ appKey: this.o.appKey, appSecret: this.o.appSecret }),
        );
        return { token: res.body!.accessToken!, expiresIn: res.body!.expireIn ?? 7200 };
      } catch (error) {
        const mapped = apiError(error);
        if (mapped.code === 'DT_invalidClientIdOrSecret')
          throw new ChannelError('BAD_CREDENTIALS', '钉钉应用的 AppKey/AppSecret 不正确', false, { cause: error });
        throw mapped;
      }
    }, this.retry);
  }

  /** A new-API call with rate limit, token and retries. */
  private api<T>(name: string, call: (token: string) => Promise<T>): Promise<T> {
    let used: string | undefined;
    return withRetry(
      async () => {
        await this.limiter.acquire(name);
        used = await this.tokens.get();
        try {
          return await call(used);
        } catch (error) {
          throw apiError(error);
        }
      },
      this.retry,
      (error) => {
        if (error.code === 'TOKEN_INVALID') this.tokens.invalidate(used);
      },
    );
  }

  async sendNotice(userIds: readonly string[], message: OutboundMessage): Promise<NoticeSent> {
    // the platform's size, whatever wrote the message (the digests are written to fit already)
    const msg = noticeMsg(fitMessage(message, this.capabilities.maxMessageBytes));
    const batches: NoticeSent['batches'] = [];
    for (const ids of chunk([...new Set(userIds)], this.capabilities.receiversPerCall)) {
      const res = await this.oapi.call<{ task_id: number }>(
        'message.asyncsend_v2',
        '/topapi/message/corpconversation/asyncsend_v2',
        { agent_id: this.o.agentId, userid_list: ids.join(','), msg },
      );
      batches.push({ taskId: String(res.task_id), userIds: ids });
    }
    return { batches };
  }

  async checkNotice(taskId: string): Promise<NoticeDelivery> {
    type R = {
      send_result: {
        read_user_id_list?: string[];
        unread_user_id_list?: string[];
        invalid_user_id_list?: string[];
        failed_user_id_list?: string[];
        forbidden_list?: Array<{ code: string; userid: string }>;
      };
    };
    const { send_result: r } = await this.oapi.call<R>(
      'message.getsendresult',
      '/topapi/message/corpconversation/getsendresult',
      { agent_id: this.o.agentId, task_id: Number(taskId) },
    );
    return {
      taskId,
      recipients: [
        ...(r.read_user_id_list ?? []).map((userId) => ({ userId, status: 'read' as const })),
        ...(r.unread_user_id_list ?? []).map((userId) => ({ userId, status: 'unread' as const })),
        ...(r.forbidden_list ?? []).map((f) => ({
          userId: f.userid,
          status: 'dropped' as const,
          code: String(f.code),
        })),
        ...(r.invalid_user_id_list ?? []).map((userId) => ({ userId, status: 'invalid' as const })),
        ...(r.failed_user_id_list ?? []).map((userId) => ({ userId, status: 'failed' as const })),
      ],
    };
  }

  async sendRobot(userIds: readonly string[], message: OutboundMessage): Promise<RobotSent> {
    const { msgKey, msgParam } = robotMsg(message);
    const out: RobotSent = { batches: [], invalidUserIds: [] };
    for (const ids of chunk([...new Set(userIds)], ROBOT_BATCH)) {
      const res = await this.api('robot.batchSend', (token) =>
        this.sdk.robot.batchSendOTOWithOptions(
          new robot.BatchSendOTORequest({ robotCode: this.o.robotCode, userIds: ids, msgKey, msgParam }),
          new robot.BatchSendOTOHeaders({ xAcsDingtalkAccessToken: token }),
          runtime(),
        ),
      );
      out.batches.push({ key: res.body!.processQueryKey ?? '', userIds: ids });
      out.invalidUserIds.push(...(res.body!.invalidStaffIdList ?? []));
    }
    return out;
  }

  async replyInSession(
    webhook: string,
    message: OutboundMessage,
  ): Promise<{ ok: true } | { ok: false; expired: boolean }> {
    // the webhook comes in the (unsigned) message body: only DingTalk's own session endpoint is
    // called, never an address a forged message names (no requests to the intranet on its behalf)
    if (!isSessionWebhook(webhook, this.o.oapiBase)) return { ok: false, expired: true };
    try {
      await withRetry(
        async () => {
          let res: Response;
          try {
            res = await fetch(webhook, {
              method: 'POST',
              headers: { 'content-type': 'application/json; charset=utf-8' },
              body: JSON.stringify(webhookBody(message)),
              signal: AbortSignal.timeout(10_000),
            });
          } catch (error) {
            throw new ChannelError('NETWORK', (error as Error).message, true, { cause: error });
          }
          return parseOapi(res);
        },
        { ...this.retry, attempts: Math.min(this.retry.attempts, 3) },
      );
      return { ok: true };
    } catch (error) {
      if (error instanceof ChannelError && /session/i.test(error.message)) return { ok: false, expired: true };
      if (error instanceof ChannelError) return { ok: false, expired: false };
      throw error;
    }
  }

  async createTodo(input: TodoInput): Promise<{ todoId: string }> {
    const request = new todo.CreateTodoTaskRequest({
      subject: input.subject,
      description: input.description,
      dueTime: input.dueAt?.getTime(),
      executorIds: input.executorUnionIds,
      detailUrl: new todo.CreateTodoTaskRequestDetailUrl({ appUrl: input.url, pcUrl: input.url }),
      sourceId: input.sourceId,
    });
    try {
      const res = await this.api('todo.create', (token) =>
        this.sdk.todo.createTodoTaskWithOptions(
          input.ownerUnionId,
          request,
          new todo.CreateTodoTaskHeaders({ xAcsDingtalkAccessToken: token }),
          runtime(),
        ),
      );
      return { todoId: res.body!.id! };
    } catch (error) {
      // Created already (an earlier attempt timed out after the platform accepted it): look it up.
      if (error instanceof ChannelError && /task exist/.test(error.message)) {
        const res = await this.api('todo.getBySource', (token) =>
          this.sdk.todo.getTodoTaskBySourceIdWithOptions(
            input.ownerUnionId,
            input.sourceId,
            new todo.GetTodoTaskBySourceIdHeaders({ xAcsDingtalkAccessToken: token }),
            runtime(),
          ),
        );
        return { todoId: res.body!.id! };
      }
      throw error;
    }
  }

  async completeTodo(ownerUnionId: string, todoId: string): Promise<void> {
    await this.api('todo.update', (token) =>
      this.sdk.todo.updateTodoTaskWithOptions(
        ownerUnionId,
        todoId,
        new todo.UpdateTodoTaskRequest({ done: true }),
        new todo.UpdateTodoTaskHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      ),
    );
  }

  async resolveAuthCode(code: string): Promise<ResolvedUser> {
    const res = await this.oapi.call<{ result: { userid: string; unionid: string; name: string } }>(
      'user.getuserinfo',
      '/topapi/v2/user/getuserinfo',
      { code },
    );
    return { userId: res.result.userid, unionId: res.result.unionid, name: res.result.name };
  }

  async downloadBotFile(downloadCode: string): Promise<{ bytes: Buffer; contentType: string }> {
    const res = await this.api('robot.messageFiles.download', (token) =>
      this.sdk.robot.robotMessageFileDownloadWithOptions(
        new robot.RobotMessageFileDownloadRequest({ downloadCode, robotCode: this.o.robotCode }),
        new robot.RobotMessageFileDownloadHeaders({ xAcsDingtalkAccessToken: token }),
        runtime(),
      ),
    );
    const file = await fetch(res.body!.downloadUrl!, { signal: AbortSignal.timeout(60_000) });
    if (!file.ok) throw new ChannelError('DOWNLOAD_FAILED', `文件下载失败 HTTP ${file.status}`, file.status >= 500);
    return {
      bytes: Buffer.from(await file.arrayBuffer()),
      contentType: file.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  async listContacts(): Promise<Contacts> {
    const departments: Contacts['departments'] = [];
    const queue = [1];
    while (queue.length > 0) {
      const parent = queue.shift()!;
      const res = await this.oapi.call<{ result: Array<{ dept_id: number; name: string; parent_id: number }> }>(
        'department.listsub',
        '/topapi/v2/department/listsub',
        { dept_id: parent },
      );
      for (const d of res.result) {
        departments.push({ id: d.dept_id, name: d.name, parentId: d.parent_id });
        queue.push(d.dept_id);
      }
    }
    const users = new Map<string, Contacts['users'][number]>();
    for (const dept of [1, ...departments.map((d) => d.id)]) {
      let cursor = 0;
      for (;;) {
        type U = {
          userid: string;
          unionid: string;
          name: string;
          title?: string;
          mobile?: string;
          dept_id_list: number[];
          leader_in_dept?: Array<{ dept_id: number; leader: boolean }>;
        };
        const res = await this.oapi.call<{ result: { has_more: boolean; next_cursor?: number; list: U[] } }>(
          'user.list',
          '/topapi/v2/user/list',
          { dept_id: dept, cursor, size: 100 },
        );
        for (const u of res.result.list) {
          users.set(u.userid, {
            userId: u.userid,
            unionId: u.unionid,
            name: u.name,
            title: u.title ?? '',
            ...(u.mobile ? { mobile: u.mobile } : {}),
            departmentIds: u.dept_id_list,
            leaderIn: (u.leader_in_dept ?? []).filter((l) => l.leader).map((l) => l.dept_id),
          });
        }
        if (!res.result.has_more || res.result.next_cursor === undefined) break;
        cursor = res.result.next_cursor;
      }
    }
    return { platform: 'dingtalk', departments, users: [...users.values()] };
  }
}
