import { z } from 'zod';
import { Instant, IsoDate } from '../../../shared/schemas/common.js';
import { Platform } from '../../../shared/schemas/person.js';

export const OutboxKind = z.enum(['notice', 'todoCreate', 'todoComplete', 'deliveryCheck']);
export type OutboxKind = z.infer<typeof OutboxKind>;

const Row = {
  key: z.string().min(1),
  /** The Shanghai date the row belongs to (a digest is never sent on another day). */
  date: IsoDate,
  personId: z.string().optional(),
  status: z.enum(['pending', 'claimed', 'sent', 'failed', 'expired']),
  attempts: z.number().int().min(0),
  runAt: Instant,
  /** While claimed: when, and by which instance (`Store.instance.id`); the claim lapses after the dispatcher's lease. */
  lockedAt: Instant.optional(),
  lockedBy: z.string().optional(),
  lastError: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  createdAt: Instant,
  doneAt: Instant.optional(),
};

/** A digest or escalation notice to one person: the message as written, and what it was about. */
export const NoticePayload = z.object({
  userId: z.string(),
  kind: z.enum(['digest', 'escalation', 'decision', 'urge', 'weekly']).optional(),
  as: z.string().optional(),
  level: z.number().int().optional(),
  message: z.record(z.string(), z.unknown()).optional(),
  obligations: z.array(z.string()).optional(),
  tasks: z.array(z.string()).optional(),
});
export const TodoCreatePayload = z.object({
  todoKey: z.string(),
  subject: z.string(),
  description: z.string().optional(),
  due: IsoDate,
  taskId: z.string().optional(),
  url: z.string(),
});
export const TodoCompletePayload = z.object({ todoKey: z.string() });
export const DeliveryCheckPayload = z.object({
  noticeKey: z.string(),
  taskId: z.string(),
  userId: z.string(),
  check: z.number().int(),
  /** The platform the notice went out on (DingTalk when absent). */
  platform: Platform.optional(),
});

/**
 * One thing to send, stored in the state document: a union by kind, each with its own payload.
 * `key` is deterministic (person + date + digest kind, obligation + person …), so planning twice
 * never enqueues twice. Retry state lives here, not in timers (ARCHITECTURE rule 7). Rows are
 * written by the day's enqueue (scheduler/enqueue-day.ts), by what the domain asks of notices
 * (domain/notices/) and by the dispatcher (outbox/), which alone sends them.
 */
export const OutboxRow = z.discriminatedUnion('kind', [
  z.object({ ...Row, kind: z.literal('notice'), payload: NoticePayload }),
  z.object({ ...Row, kind: z.literal('todoCreate'), payload: TodoCreatePayload }),
  z.object({ ...Row, kind: z.literal('todoComplete'), payload: TodoCompletePayload }),
  z.object({ ...Row, kind: z.literal('deliveryCheck'), payload: DeliveryCheckPayload }),
]);
export type OutboxRow = z.infer<typeof OutboxRow>;

type Of<K extends OutboxKind> = Extract<OutboxRow, { kind: K }>;

/** A new pending row, due now. */
export function outboxRow<K extends OutboxKind>(
  key: string,
  kind: K,
  date: string,
  at: Date,
  payload: Of<K>['payload'],
  personId?: string,
): OutboxRow {
  return {
    key,
    kind,
    date,
    ...(personId ? { personId } : {}),
    payload,
    status: 'pending',
    attempts: 0,
    runAt: at.toISOString(),
    createdAt: at.toISOString(),
  } as OutboxRow;
}
