import { progressFor } from './reminders.js';
import { createBotHandler } from '../../server/src/bot/bot.js';
import type { GroupPace } from '../../server/src/bot/group-replies.js';
import type { OutboundMessage } from '../../server/src/channels/channel.js';
import type { ImportPreview } from '../../shared/schemas/import.js';
import { recipientOn } from '../../shared/schemas/person.js';
import { FakeChannel } from './fake-channel.js';
import { silentLog, type TestApp } from './test-app.js';

/** A reply's words: a text's, a markdown's, an action card's markdown. */
export const words = (m: OutboundMessage): string =>
  m.kind === 'actionCard' ? m.markdown : m.kind === 'text' ? m.text : m.kind === 'markdown' ? m.text : '';

/** What each of a reply's buttons would send to the bot when tapped. */
export const buttonWords = (m: OutboundMessage): string[] =>
  m.kind === 'actionCard' ? m.buttons.map((b) => ('say' in b ? b.say : '')) : [];

/**
 * The bot over a test app's store, on a fake channel that keeps what it replied (in the session)
 * and what it sent privately; `say` delivers one message as an official of the seed directory.
 */
export function botHarness(t: TestApp, o: { groupPace?: GroupPace } = {}) {
  const replies: OutboundMessage[] = [];
  const privately: Array<{ to: string[]; m: OutboundMessage }> = [];
  const channel = new FakeChannel(() => t.deps.clock.now());
  Object.assign(channel, {
    replyInSession: async (_w: string, m: OutboundMessage) => {
      replies.push(m);
      return { ok: true as const };
    },
    sendRobot: async (to: string[], m: OutboundMessage) => {
      privately.push({ to, m });
      return { batches: [{ key: 'k', userIds: to }], invalidUserIds: [] };
    },
  });
  const { calendar, policy } = t.core;
  const bot = createBotHandler({
    progress: progressFor(t.store, t.deps.clock, 'http://x', t.core),
    sheets: t.core.sheets,
    store: t.store,
    channel,
    calendar,
    policy,
    clock: t.deps.clock,
    log: silentLog,
    publicUrl: 'http://x',
    ...(o.groupPace ? { groupPace: o.groupPace } : {}),
  });
  let n = 0;
  const say = async (
    personId: string,
    text: string,
    conversation: { id: string; type: 'single' | 'group'; title?: string } = { id: 'c', type: 'single' },
  ): Promise<OutboundMessage> => {
    const p = t.store.state.get().people.find((x) => x.id === personId)!;
    n += 1;
    await bot({
      msgId: `h${n}`,
      at: t.deps.clock.now(),
      transport: 'stream',
      platform: 'dingtalk',
      sender: { userId: recipientOn(p, 'dingtalk')!, name: p.name },
      conversation,
      kind: 'text',
      text,
      files: [],
      reply: { webhook: 'session', expiresAt: new Date(t.deps.clock.now().getTime() + 600_000) },
    });
    return replies.at(-1)!;
  };
  return { replies, privately, say };
}

/** Uploads a plan document through the import page's API and returns the preview (nothing written). */
export async function previewImport(t: TestApp, name: string, content: Buffer): Promise<ImportPreview> {
  const r = await t.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
    payload: content,
  });
  return r.json() as ImportPreview;
}
