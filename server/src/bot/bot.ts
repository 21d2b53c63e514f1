import type { Person } from '../../../shared/schemas/person.js';
import { viewerFor } from '../auth/viewer.js';
import type { BotEvent, BotEventHandler } from '../channels/bot-event.js';
import type { OutboundMessage } from '../channels/channel.js';
import { AppError, isServerSide } from '../errors.js';
import { makeKit, text, type BotDeps, type BotKit, type CommandKind, type Listener, type Turn } from './bot-kit.js';
import { parseCommand as defaultParse } from './command-parser.js';
import type { BotCommand } from './bot-command.js';
import { COMMANDS } from './commands/index.js';
import { Conversation } from './conversation.js';
import { receiveFiles } from './file-intake.js';
import { atSender, GroupPace, privateInGroup, sentPrivately } from './group-replies.js';
import { personByAccount } from '../../../shared/schemas/person.js';

export type { BotDeps } from './bot-kit.js';

/** Commands that answer with a question: the message did not do anything yet. */
const ASKED = new Set<BotCommand['kind']>(['unknown', 'incomplete', 'whichTask', 'ackWhich']);
export { HELP_TEXT } from './commands/help.js';

/**
 * The bot: a message's sender is found, their files go to the file intake and their text, parsed
 * into a command, to the listener registered for it. Each listener calls the same domain service,
 * authorisation and rules as the mini-app's routes. The reply goes through the session webhook
 * while it lives, else as a proactive message; a refusal is told as the mini-app tells it.
 */
export class Bot {
  private readonly listeners = new Map<CommandKind, Listener<CommandKind>>();
  /** Group chats: 20 robot messages a minute (queued, never dropped). */
  private readonly pace: GroupPace;
  readonly kit: BotKit;

  constructor(
    private readonly d: BotDeps,
    private readonly parse: (text: string) => BotCommand = defaultParse,
  ) {
    this.pace = d.groupPace ?? new GroupPace();
    const progress = d.progress;
    this.kit = makeKit(d, progress, new Conversation(d.store, d.clock), (command, turn) =>
      this.dispatch(command, turn),
    );
  }

  /** Registers the listener for a command (a later one replaces an earlier one). */
  command<K extends CommandKind>(kind: K, listener: Listener<K>): this {
    this.listeners.set(kind, listener as unknown as Listener<CommandKind>);
    return this;
  }

  dispatch(command: BotCommand, turn: Turn): Promise<void> {
    const listener = this.listeners.get(command.kind);
    if (!listener) return turn.send(text('这个功能暂不可用,请在督办通应用中办理。'));
    return listener(command, turn, this.kit);
  }

  /** Answers one message (the inbox calls this once per msgId). */
  readonly handle: BotEventHandler = async (event) => {
    const person = personByAccount(this.kit.state().people, event.platform, event.sender.userId);
    const group = event.conversation.type === 'group';
    let kind: BotCommand['kind'] = 'unknown';
    // in a group: items go to the sender privately, the group hears one line @-ing them
    const send = async (m: OutboundMessage): Promise<void> => {
      if (!group) return this.reply(event, m);
      const name = person?.name ?? event.sender.name;
      // a group the 督考办 set up as the sender's (only) unit's: its items may be shown there
      const chatUnit = this.kit.state().unitChats?.[event.conversation.id]?.unitId;
      const ownGroup =
        !!chatUnit && !!person && person.unitIds.length > 0 && person.unitIds.every((u) => u === chatUnit);
      if (privateInGroup(kind, m) && !ownGroup && event.sender.userId) {
        await this.d.channel.sendRobot([event.sender.userId], m);
        await this.pace.turn();
        return this.reply(event, sentPrivately(name, event.sender.userId));
      }
      await this.pace.turn();
      return this.reply(event, atSender(m, name, event.sender.userId));
    };
    if (!person) return this.stranger(event, send);
    try {
      const turn: Turn = { event, person, viewer: viewerFor(this.kit.state(), person.id), send };
      if (event.files.length > 0) return await receiveFiles(turn, this.kit);
      const command = this.parse(event.text);
      kind = command.kind;
      // a message asked back: files sent right after it are not assumed to be for anything
      if (ASKED.has(command.kind)) await this.kit.conversation.unanswered(person.id);
      await this.dispatch(command, turn);
    } catch (error) {
      // the service's refusals are told as the mini-app tells them; anything else is logged
      if (
        error instanceof AppError &&
        (!isServerSide(error) || error.code === 'STORE_UNAVAILABLE' || error.code === 'STORE_BUSY')
      ) {
        this.d.onRefusal?.(error.code, error.message);
        if (person) await this.kit.conversation.unanswered(person.id).catch(() => undefined);
        // a number two running plans share: one tap per plan, the words as they were with its name
        if ((error.code === 'WHICH_PLAN' || error.code === 'WHICH_UNIT') && error.details?.length)
          return send({
            kind: 'actionCard',
            title: error.code === 'WHICH_PLAN' ? '是哪个方案的任务?' : '是哪个单位的?',
            markdown: error.message,
            buttons: error.details.map((d) => ({ title: d.message, say: `${event.text.trim()} ${d.message}` })),
          });
        return send(text(error.message));
      }
      this.d.log.error(`机器人处理消息 ${event.msgId} 失败:${(error as Error).stack ?? String(error)}`);
      await send(text('抱歉,处理时出了点问题,已记录。请稍后再试,或在督办通应用中办理。'));
    }
  };

  private async reply(event: BotEvent, message: OutboundMessage): Promise<void> {
    if (event.reply && event.reply.expiresAt.getTime() > this.d.clock.now().getTime()) {
      const r = await this.d.channel.replyInSession(event.reply.webhook, message);
      if (r.ok) return;
    }
    if (event.sender.userId) await this.d.channel.sendRobot([event.sender.userId], message);
  }

  /** Someone without an account: recorded, and told whom to ask. */
  private async stranger(event: BotEvent, send: (m: OutboundMessage) => Promise<void>): Promise<void> {
    await this.d.store.transact((_, tx) =>
      tx.append({
        type: 'bot.unknownSender',
        actor: { type: 'person', id: event.sender.userId || 'unknown', name: event.sender.name },
        subject: { type: 'botMessage', id: event.msgId },
        channel: 'bot',
        payload: { msgId: event.msgId, userId: event.sender.userId, text: event.text.slice(0, 500) },
      }),
    );
    const dkb: Person | undefined = this.kit.state().people.find((p) => p.roles.includes('supervisor'));
    const hello = `您好${event.sender.name ? `,${event.sender.name}` : ''}。`;
    return send(text(`${hello}督办通里还没有您的账号,无法办理。请联系区督考办${dkb ? `(${dkb.name})` : ''}开通。`));
  }
}

/** The bot with every command's listener registered. */
export function createBot(d: BotDeps): Bot {
  const bot = new Bot(d);
  for (const [kind, listener] of Object.entries(COMMANDS) as Array<[CommandKind, Listener<CommandKind>]>)
    bot.command(kind, listener);
  return bot;
}

/** The handler the inbox calls: `createBot(d).handle`. */
export function createBotHandler(d: BotDeps): BotEventHandler {
  return createBot(d).handle;
}
