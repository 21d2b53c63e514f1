import type {
  Channel,
  Contacts,
  NoticeDelivery,
  NoticeSent,
  OutboundMessage,
  RobotSent,
  TodoInput,
} from '../../server/src/channels/channel.js';
import { DINGTALK_CAPABILITIES } from '../../server/src/channels/channel.js';

/** An in-memory Channel that records what was sent (for simulations where the wire does not matter). */
export class FakeChannel implements Channel {
  readonly name = 'fake';
  readonly platform = 'dingtalk' as const;
  readonly capabilities = DINGTALK_CAPABILITIES;
  readonly notices: Array<{ userId: string; message: OutboundMessage; at: Date }> = [];
  readonly todos = new Map<string, { input: TodoInput; done: boolean }>();
  private next = 1;

  constructor(private readonly now: () => Date) {}

  async sendNotice(userIds: readonly string[], message: OutboundMessage): Promise<NoticeSent> {
    for (const userId of userIds) this.notices.push({ userId, message, at: this.now() });
    return { batches: [{ taskId: String(this.next++), userIds: [...userIds] }] };
  }
  async checkNotice(taskId: string): Promise<NoticeDelivery> {
    return { taskId, recipients: [] };
  }
  async sendRobot(userIds: readonly string[]): Promise<RobotSent> {
    return { batches: [{ key: String(this.next++), userIds: [...userIds] }], invalidUserIds: [] };
  }
  async replyInSession(): Promise<{ ok: true }> {
    return { ok: true };
  }
  async createTodo(input: TodoInput): Promise<{ todoId: string }> {
    const existing = [...this.todos.entries()].find(([, t]) => t.input.sourceId === input.sourceId);
    if (existing) return { todoId: existing[0] };
    const id = `todo-${this.next++}`;
    this.todos.set(id, { input, done: false });
    return { todoId: id };
  }
  async completeTodo(_owner: string, todoId: string): Promise<void> {
    const t = this.todos.get(todoId);
    if (t) t.done = true;
  }
  async resolveAuthCode(): Promise<never> {
    throw new Error('not supported');
  }
  async downloadBotFile(): Promise<never> {
    throw new Error('not supported');
  }
  async listContacts(): Promise<Contacts> {
    return { platform: 'dingtalk', departments: [], users: [] };
  }
}
