import type { Platform } from '../../../shared/schemas/person.js';
/**
 * What the domain needs from a messaging platform. Only channels/* knows the wire formats; the
 * domain speaks in these neutral shapes (ARCHITECTURE rule 1).
 */

/** A message as the domain writes it; each channel maps it onto its own formats. */
export type OutboundMessage =
  | { kind: 'text'; text: string }
  | { kind: 'markdown'; title: string; text: string }
  | { kind: 'actionCard'; title: string; markdown: string; buttons: Array<{ title: string; url: string }> };

export interface NoticeSent {
  /** One platform task per batch of recipients (≤ 100 for DingTalk). */
  batches: Array<{ taskId: string; userIds: string[] }>;
}

export type RecipientStatus = 'read' | 'unread' | 'dropped' | 'invalid' | 'failed';

/** What actually happened to a notice, per recipient (a notice can be dropped while the send "succeeded"). */
export interface NoticeDelivery {
  taskId: string;
  recipients: Array<{ userId: string; status: RecipientStatus; code?: string }>;
}

export interface RobotSent {
  batches: Array<{ key: string; userIds: string[] }>;
  invalidUserIds: string[];
}

export interface TodoInput {
  ownerUnionId: string;
  executorUnionIds: string[];
  subject: string;
  description?: string;
  dueAt?: Date;
  url: string;
  /** Our own id for it, so it is never created twice. */
  sourceId: string;
}

export interface ResolvedUser {
  userId: string;
  unionId: string;
  name: string;
}

export interface Contacts {
  departments: Array<{ id: number; name: string; parentId: number }>;
  users: Array<{
    userId: string;
    unionId: string;
    name: string;
    title: string;
    mobile?: string;
    departmentIds: number[];
    leaderIn: number[];
  }>;
}

export interface Channel {
  readonly name: string;
  /** The platform whose ids it takes (DingTalk userids, 浙政钉 accountIds). */
  readonly platform: Platform;
  sendNotice(userIds: readonly string[], message: OutboundMessage): Promise<NoticeSent>;
  checkNotice(taskId: string): Promise<NoticeDelivery>;
  sendRobot(userIds: readonly string[], message: OutboundMessage): Promise<RobotSent>;
  /** Reply through a session webhook; `expired` when the session is gone (send proactively instead). */
  replyInSession(webhook: string, message: OutboundMessage): Promise<{ ok: true } | { ok: false; expired: boolean }>;
  createTodo(input: TodoInput): Promise<{ todoId: string }>;
  completeTodo(ownerUnionId: string, todoId: string): Promise<void>;
  resolveAuthCode(code: string): Promise<ResolvedUser>;
  downloadBotFile(downloadCode: string): Promise<{ bytes: Buffer; contentType: string }>;
  listContacts(): Promise<Contacts>;
}

/** A channel failure mapped to a stable code and whether retrying can help. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChannelError';
  }
}

/**
 * No messaging platform (read-only tools, API tests): every call fails with a clear reason and
 * nothing is retried. Routes see `deps.channel` absent and say so (e.g. 免登 is unavailable).
 */
export const NO_CHANNEL: Channel = (() => {
  const fail = async (): Promise<never> => {
    throw new ChannelError('CHANNEL_NOT_CONFIGURED', '未配置消息平台(钉钉或浙政钉)', false);
  };
  return {
    name: 'none',
    platform: 'dingtalk',
    sendNotice: fail,
    checkNotice: fail,
    sendRobot: fail,
    replyInSession: fail,
    createTodo: fail,
    completeTodo: fail,
    resolveAuthCode: fail,
    downloadBotFile: fail,
    listContacts: fail,
  };
})();
