import type { Platform } from '../../../shared/schemas/person.js';
/**
 * What the domain needs from a messaging platform. Only channels/* knows the wire formats; the
 * domain speaks in these neutral shapes (ARCHITECTURE rule 1).
 */

/** A message as the domain writes it; each channel maps it onto its own formats. */
export type OutboundMessage =
  /** `at`: in a group chat, the people the reply @-mentions (their user ids). */
  | { kind: 'text'; text: string; at?: string[] }
  | { kind: 'markdown'; title: string; text: string; at?: string[] }
  | { kind: 'actionCard'; title: string; markdown: string; buttons: Button[] };

/**
 * A card's button: a link to open, or words the tap sends to the bot as if typed (each platform
 * renders that its own way: DingTalk's client link, channels/dingtalk/links.ts).
 */
export type Button = { title: string; url: string } | { title: string; say: string };

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
  /** The platform whose ids these are (a DingTalk directory: userId and unionId on DingTalk). */
  platform: Platform;
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

/** What a platform can do; the dispatcher, the reminder engine and the bot adapt to it. */
export interface ChannelCapabilities {
  /** A 1:1 chat with a robot: the bot, quick replies, files sent to it. */
  robotChat: boolean;
  /** 待办 in the platform's own task list. */
  todo: boolean;
  /** Per-recipient read state of a work notification. */
  readReceipts: boolean;
  /** The largest work notification, in bytes of its message JSON. */
  maxMessageBytes: number;
  /** Recipients per work notification call. */
  receiversPerCall: number;
  /** The same content to the same person is dropped within a day, so each day's text must differ. */
  dropsSameContent: boolean;
}

export interface SendOptions {
  /** The outbox row's key: a platform that dedupes by it (浙政钉's bizMsgId) never sends it twice. */
  key?: string;
}

export interface Channel {
  readonly name: string;
  /** The platform whose ids it takes (DingTalk userids, 浙政钉 accountIds). */
  readonly platform: Platform;
  readonly capabilities: ChannelCapabilities;
  sendNotice(userIds: readonly string[], message: OutboundMessage, options?: SendOptions): Promise<NoticeSent>;
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

/** DingTalk's: asyncsend_v2 takes ≤ 100 userids and 2,048 bytes of msg JSON. */
export const DINGTALK_CAPABILITIES: ChannelCapabilities = {
  robotChat: true,
  todo: true,
  readReceipts: true,
  maxMessageBytes: 2048,
  receiversPerCall: 100,
  dropsSameContent: true,
};

/** 浙政钉's gateway: no robot, no 待办 or read state in the reference; ≤ 1,000 receivers, msg ≤ 2,048 bytes. */
export const ZZD_CAPABILITIES: ChannelCapabilities = {
  robotChat: false,
  todo: false,
  readReceipts: false,
  maxMessageBytes: 2048,
  receiversPerCall: 1000,
  dropsSameContent: true,
};

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
    capabilities: DINGTALK_CAPABILITIES,
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
