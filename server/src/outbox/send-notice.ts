import type { OutboundMessage } from '../channels/channel.js';
import type { OutboxRow } from '../model/outbox-row.js';
import { recipient, system, type Outcome, type RowOf, type SendContext } from './send-context.js';

/**
 * A work notice to one person on their platform, recorded as `reminder.sent`; where the platform
 * reports read state, two delivery checks follow (soon after, and at 17:00 that day).
 */
export async function sendNotice(row: RowOf<'notice'>, x: SendContext): Promise<Outcome> {
  const subject = { type: 'outbox', id: row.key };
  const p = row.payload;
  const { channel, userId } = recipient(x, row, p.userId);
  const sent = await channel.sendNotice([userId], p.message as OutboundMessage, { key: row.key });
  const taskId = sent.batches[0]!.taskId;
  const check = (n: number, after: number): OutboxRow => ({
    key: `deliveryCheck:${row.key}:${n}`,
    kind: 'deliveryCheck',
    date: row.date,
    ...(row.personId ? { personId: row.personId } : {}),
    payload: { noticeKey: row.key, taskId, userId, check: n, platform: channel.platform },
    status: 'pending',
    attempts: 0,
    runAt: new Date(x.now.getTime() + after).toISOString(),
    createdAt: x.now.toISOString(),
  });
  return {
    result: { taskId },
    events: [
      {
        type: 'reminder.sent',
        actor: system,
        subject,
        channel: 'scheduler',
        payload: {
          personId: row.personId,
          userId,
          ...(channel.platform !== 'dingtalk' ? { platform: channel.platform } : {}),
          date: row.date,
          kind: p.kind,
          level: p.level,
          taskId,
          obligations: p.obligations,
          tasks: p.tasks,
        },
      },
    ],
    // second check at 17:00 that day: read state, still inside getsendresult's 24-hour window
    // (a platform without read state has nothing to check)
    follow: channel.capabilities.readReceipts
      ? [
          check(1, x.options.checkAfterMs),
          check(2, Math.max(2 * x.options.checkAfterMs, Date.parse(`${row.date}T17:00:00+08:00`) - x.now.getTime())),
        ]
      : [],
  };
}
