import type { Channel } from '../channels/channel.js';
import type { Store } from '../store/ports.js';
import type { BotEventHandler } from './bot-event.js';

/**
 * Until the bot's commands land (issue 5): every message is recorded in the ledger with its msgId,
 * and the sender gets a short, honest reply.
 */
export function recordOnlyHandler(store: Store, channel: Channel): BotEventHandler {
  return async (event) => {
    await store.ledger.append({
      type: 'bot.messageReceived',
      actor: { type: 'person', id: event.sender.userId, name: event.sender.name },
      subject: { type: 'botMessage', id: event.msgId },
      channel: 'bot',
      payload: { msgId: event.msgId, transport: event.transport, kind: event.kind, text: event.text.slice(0, 2000), files: event.files.length },
    });
    const reply = { kind: 'text' as const, text: '已收到您的消息并记入台账。按指令填报(如"进展 11 已完成试点申报")即将开放,目前请在督办通应用中填报。' };
    if (event.reply && event.reply.expiresAt.getTime() > Date.now()) {
      const result = await channel.replyInSession(event.reply.webhook, reply);
      if (result.ok) return;
    }
    if (event.sender.userId) await channel.sendRobot([event.sender.userId], reply);
  };
}
