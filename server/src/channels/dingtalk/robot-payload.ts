import { z } from 'zod';
import type { BotEvent } from '../bot-event.js';

const Download = z.object({ downloadCode: z.string().min(1), fileName: z.string().optional() }).passthrough();

/** The robot message body DingTalk sends (HTTP callback body = Stream CALLBACK `data`). */
export const RobotPayload = z
  .object({
    msgId: z.string().min(1),
    msgtype: z.string(),
    createAt: z.coerce.number(),
    conversationId: z.string(),
    conversationType: z.string(),
    conversationTitle: z.string().optional(),
    senderStaffId: z.string().optional(),
    senderUnionId: z.string().optional(),
    senderNick: z.string().default(''),
    sessionWebhook: z.string().optional(),
    sessionWebhookExpiredTime: z.coerce.number().optional(),
    text: z.object({ content: z.string() }).optional(),
    content: z.unknown().optional(),
  })
  .passthrough();
export type RobotPayload = z.infer<typeof RobotPayload>;

const KINDS = ['text', 'picture', 'file', 'richText', 'audio', 'video'] as const;

/** DingTalk payload → BotEvent; undefined when it is not a message from a known staff member. */
export function toBotEvent(raw: unknown, transport: BotEvent['transport']): BotEvent | undefined {
  const parsed = RobotPayload.safeParse(raw);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const kind = (KINDS as readonly string[]).includes(p.msgtype) ? (p.msgtype as BotEvent['kind']) : 'other';
  const files: BotEvent['files'] = [];
  let text = p.text?.content.trim() ?? '';
  if (kind === 'picture' || kind === 'file' || kind === 'audio' || kind === 'video') {
    const d = Download.safeParse(p.content);
    if (d.success)
      files.push({
        downloadCode: d.data.downloadCode,
        ...(d.data.fileName ? { fileName: d.data.fileName } : {}),
        kind,
      });
    if (kind === 'audio') text = String((p.content as { recognition?: unknown } | undefined)?.recognition ?? '');
  }
  if (kind === 'richText') {
    const parts = z.object({ richText: z.array(z.record(z.string(), z.unknown())) }).safeParse(p.content);
    for (const part of parts.success ? parts.data.richText : []) {
      if (typeof part.text === 'string') text += part.text;
      if (typeof part.downloadCode === 'string') files.push({ downloadCode: part.downloadCode, kind: 'picture' });
    }
    text = text.trim();
  }
  return {
    msgId: p.msgId,
    at: new Date(p.createAt),
    transport,
    platform: 'dingtalk',
    sender: {
      userId: p.senderStaffId ?? '',
      ...(p.senderUnionId ? { unionId: p.senderUnionId } : {}),
      name: p.senderNick,
    },
    conversation: {
      id: p.conversationId,
      type: p.conversationType === '2' ? 'group' : 'single',
      ...(p.conversationTitle ? { title: p.conversationTitle } : {}),
    },
    kind,
    text,
    files,
    ...(p.sessionWebhook && p.sessionWebhookExpiredTime
      ? { reply: { webhook: p.sessionWebhook, expiresAt: new Date(p.sessionWebhookExpiredTime) } }
      : {}),
  };
}
