import type { Platform } from '../../../shared/schemas/person.js';

/**
 * A message an official sent to the bot, independent of how it arrived (Stream or HTTP callback).
 * Receivers parse, ack and hand this on; the bot never sees DingTalk payloads.
 */
export interface BotEvent {
  msgId: string;
  /** When the platform received it. */
  at: Date;
  transport: 'stream' | 'http';
  /** The platform the sender's id belongs to (the robot that received it). */
  platform: Platform;
  sender: { userId: string; unionId?: string; name: string };
  conversation: { id: string; type: 'single' | 'group'; title?: string };
  kind: 'text' | 'picture' | 'file' | 'richText' | 'audio' | 'video' | 'other';
  /** Text typed (text messages, and the text parts of rich text). */
  text: string;
  files: Array<{ downloadCode: string; fileName?: string; kind: 'picture' | 'file' | 'audio' | 'video' }>;
  /** Where a reply can go while the session lives. */
  reply?: { webhook: string; expiresAt: Date };
}

export type BotEventHandler = (event: BotEvent) => Promise<void>;

/**
 * Where a receiver hands a raw platform payload once it has acked it (the bot's inbox parses,
 * deduplicates and handles it). A plain type here, so channels/ never imports bot/.
 */
export interface PayloadSink {
  accept(raw: unknown, transport: BotEvent['transport']): unknown;
}
