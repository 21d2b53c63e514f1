import { createHash } from 'node:crypto';
import { EmulatorClock, shanghaiDay } from './clock.js';
import type { App, Org, User } from './org.js';
import { Random } from './random.js';

export interface NoticeTask {
  taskId: number;
  appKey: string;
  agentId: number;
  msg: Record<string, unknown>;
  createdAt: number;
  delivered: string[];
  invalid: string[];
  forbidden: Array<{ code: string; userid: string }>;
  recalled: boolean;
}

/** Something a user received or sent, as their DingTalk client would show it. */
export type InboxItem =
  | {
      id: string;
      kind: 'notice';
      userid: string;
      at: number;
      appKey: string;
      taskId: number;
      msg: Record<string, unknown>;
      read: boolean;
      recalled: boolean;
      /** Where it arrived: DingTalk (absent) or 浙政钉. */
      platform?: 'zzd';
    }
  | {
      id: string;
      kind: 'robot';
      userid: string;
      at: number;
      appKey: string;
      direction: 'toUser' | 'fromUser';
      /** batchSend (proactive), session (reply via sessionWebhook), http (reply in the callback response), user (typed by the user). */
      via: 'batchSend' | 'session' | 'http' | 'user';
      msgKey?: string;
      msgParam?: Record<string, unknown>;
      body?: Record<string, unknown>;
      processQueryKey?: string;
      read: boolean;
    };

export interface Todo {
  id: string;
  appKey: string;
  ownerUnionId: string;
  subject: string;
  description?: string;
  dueTime?: number;
  executorIds: string[];
  participantIds: string[];
  detailUrl?: { appUrl?: string; pcUrl?: string };
  sourceId?: string;
  priority?: number;
  done: boolean;
  finishTime?: number;
  executorStatus: Record<string, boolean>;
  createdTime: number;
  modifiedTime: number;
  deleted: boolean;
  raw: Record<string, unknown>;
}

export interface Counters {
  calls: Record<string, number>;
  drops: number;
  faults: number;
  rateLimited: number;
}

export interface FaultConfig {
  /** Share of API calls (0–1) answered with HTTP 500. */
  errorRate: number;
  /** Added latency in ms for every API call. */
  latencyMs: number;
  /** Answer every API call with the HTML "blocked" page (per-IP ban). */
  htmlBlock: boolean;
  /** Only calls whose API name contains this text are affected (all when empty). */
  only: string;
}

export interface Settings {
  /** Requests per second per app per API; 0 = unlimited. */
  qps: number;
  /** Per-API overrides of qps. */
  qpsByApi: Record<string, number>;
  noticeUseridCap: number;
  noticeCapErrcode: number;
  dailyQuotaPerUser: number;
  tokenTtlSeconds: number;
  authCodeTtlSeconds: number;
  sessionWebhookTtlSeconds: number;
  /** Where robot messages go: the Stream gateway, the HTTP callback URL, or both. */
  robotDelivery: 'stream' | 'http' | 'both';
  robotCallbackUrl: string;
  /** Test switches for the HTTP callback: send a wrong sign, or a timestamp 2 h old. */
  callbackBadSign: boolean;
  callbackStaleTimestamp: boolean;
  /** Seconds during which unacked Stream callbacks are redelivered. */
  redeliverForSeconds: number;
}

export const DEFAULT_SETTINGS: Settings = {
  qps: 20,
  qpsByApi: {},
  noticeUseridCap: 100,
  noticeCapErrcode: 40035,
  dailyQuotaPerUser: 500,
  tokenTtlSeconds: 7200,
  authCodeTtlSeconds: 300,
  sessionWebhookTtlSeconds: 5400,
  robotDelivery: 'stream',
  robotCallbackUrl: '',
  callbackBadSign: false,
  callbackStaleTimestamp: false,
  redeliverForSeconds: 60,
};

/** Everything the emulated platform knows. One instance per emulator. */
export class EmulatorState {
  readonly clock = new EmulatorClock();
  readonly random = new Random(20181031);
  settings: Settings = { ...DEFAULT_SETTINGS };
  /** 督办通's own URL when it started this emulator (local mode): the console's time controls relay there. */
  serverUrl: string | undefined;
  faults: FaultConfig = { errorRate: 0, latencyMs: 0, htmlBlock: false, only: '' };

  readonly tokens = new Map<string, { appKey: string; expiresAt: number }>();
  readonly tokenByApp = new Map<string, string>();
  readonly noticeTasks = new Map<number, NoticeTask>();
  readonly inbox: InboxItem[] = [];
  readonly todos = new Map<string, Todo>();
  readonly authCodes = new Map<string, { userid: string; appKey: string; expiresAt: number; used: boolean }>();
  readonly media = new Map<string, { type: string; fileName: string; bytes: Buffer; createdAt: number }>();
  /** Files sent to the bot: downloadCode → blob. */
  readonly botFiles = new Map<string, { blobId: string; fileName: string; robotCode: string; expiresAt: number }>();
  readonly blobs = new Map<string, { bytes: Buffer; contentType: string; expiresAt: number }>();
  readonly sessions = new Map<string, { userid: string; conversationId: string; appKey: string; expiresAt: number }>();
  readonly counters = new Map<string, Counters>();
  /** 浙政钉 work notifications' bizMsgIds seen (the gateway's dedupe: the same id again is 重复), kept with the world. */
  readonly zzdBizMsgIds = new Set<string>();
  readonly groupMessages: Array<{
    openConversationId: string;
    appKey: string;
    msgKey: string;
    msgParam: Record<string, unknown>;
    processQueryKey: string;
    at: number;
  }> = [];
  /** Per user per day: how many notices, and the content hashes already delivered. */
  readonly daily = new Map<string, { count: number; hashes: Set<string> }>();
  private readonly qpsWindows = new Map<string, { second: number; count: number }>();
  private nextTaskId = 256271667500;
  private nextId = 1;

  constructor(readonly org: Org) {}

  id(prefix: string): string {
    return `${prefix}${(this.nextId++).toString(36)}${this.random.id(6)}`;
  }

  taskId(): number {
    return this.nextTaskId++;
  }

  /** The id counters, saved with the world so ids are never reused after a restart. */
  ids(): { nextTaskId: number; nextId: number } {
    return { nextTaskId: this.nextTaskId, nextId: this.nextId };
  }

  setIds(nextTaskId: number, nextId: number): void {
    this.nextTaskId = Math.max(this.nextTaskId, nextTaskId);
    this.nextId = Math.max(this.nextId, nextId);
  }

  app(appKey: string | undefined): App | undefined {
    return this.org.apps.find((a) => a.appKey === appKey);
  }

  user(userid: string): User | undefined {
    return this.org.users.find((u) => u.userid === userid);
  }

  userByUnion(unionid: string): User | undefined {
    return this.org.users.find((u) => u.unionid === unionid);
  }

  counter(appKey: string): Counters {
    let c = this.counters.get(appKey);
    if (!c) this.counters.set(appKey, (c = { calls: {}, drops: 0, faults: 0, rateLimited: 0 }));
    return c;
  }

  /** Issues (or returns and extends) the app's token: same token while valid, as the platform does. */
  issueToken(appKey: string): { token: string; expiresIn: number } {
    const now = this.clock.now();
    const ttl = this.settings.tokenTtlSeconds;
    const current = this.tokenByApp.get(appKey);
    if (current) {
      const t = this.tokens.get(current);
      if (t && t.expiresAt > now) {
        t.expiresAt = now + ttl * 1000;
        return { token: current, expiresIn: ttl };
      }
      this.tokens.delete(current);
    }
    const token = createHash('sha256')
      .update(`${appKey}:${now}:${this.random.id(12)}`)
      .digest('hex')
      .slice(0, 32);
    this.tokens.set(token, { appKey, expiresAt: now + ttl * 1000 });
    this.tokenByApp.set(appKey, token);
    return { token, expiresIn: ttl };
  }

  appForToken(token: string | undefined): App | undefined {
    if (!token) return undefined;
    const t = this.tokens.get(token);
    if (!t || t.expiresAt <= this.clock.now()) return undefined;
    return this.app(t.appKey);
  }

  expireAllTokens(): number {
    const n = this.tokens.size;
    for (const t of this.tokens.values()) t.expiresAt = 0;
    return n;
  }

  /** Counts a call against the app's per-API QPS window; false when over the limit. */
  admitCall(appKey: string, api: string): boolean {
    const limit = this.settings.qpsByApi[api] ?? this.settings.qps;
    if (!limit) return true;
    const second = Math.floor(Date.now() / 1000);
    const key = `${appKey} ${api}`;
    const w = this.qpsWindows.get(key);
    if (!w || w.second !== second) {
      this.qpsWindows.set(key, { second, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= limit;
  }

  /**
   * Delivers a work notification to one user, applying the platform's silent limits: at most
   * `dailyQuotaPerUser` a day (143105) and the same content only once a day (143106).
   */
  deliverNotice(task: NoticeTask, userid: string): void {
    const now = this.clock.now();
    const key = `${task.appKey} ${userid} ${shanghaiDay(now)}`;
    let d = this.daily.get(key);
    if (!d) this.daily.set(key, (d = { count: 0, hashes: new Set() }));
    const hash = createHash('sha256').update(JSON.stringify(task.msg)).digest('hex');
    if (d.hashes.has(hash)) {
      task.forbidden.push({ code: '143106', userid });
      this.counter(task.appKey).drops += 1;
      return;
    }
    if (d.count >= this.settings.dailyQuotaPerUser) {
      task.forbidden.push({ code: '143105', userid });
      this.counter(task.appKey).drops += 1;
      return;
    }
    d.count += 1;
    d.hashes.add(hash);
    task.delivered.push(userid);
    this.inbox.push({
      id: this.id('n'),
      kind: 'notice',
      userid,
      at: now,
      appKey: task.appKey,
      taskId: task.taskId,
      msg: task.msg,
      read: false,
      recalled: false,
    });
  }
}
