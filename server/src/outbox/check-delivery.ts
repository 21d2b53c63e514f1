import { system, type Outcome, type RowOf, type SendContext } from './send-context.js';

/** What the platform says became of a notice to one person: read, delivered, a duplicate, failed. */
export async function checkDelivery(row: RowOf<'deliveryCheck'>, x: SendContext): Promise<Outcome> {
  const p = row.payload;
  const report = await (x.channels.on(p.platform ?? 'dingtalk') ?? x.channels.primary).checkNotice(p.taskId);
  const mine = report.recipients.find((r) => r.userId === p.userId);
  const status = !mine
    ? 'accepted'
    : mine.status === 'read'
      ? 'read'
      : mine.status === 'unread'
        ? 'delivered'
        : mine.code === '143106'
          ? 'duplicate'
          : 'failed';
  return {
    result: { status, ...(mine?.code ? { code: mine.code } : {}) },
    events: [
      {
        type: 'reminder.delivery',
        actor: system,
        subject: { type: 'outbox', id: p.noticeKey },
        channel: 'scheduler',
        payload: {
          userId: p.userId,
          taskId: p.taskId,
          status,
          ...(mine?.code ? { code: mine.code } : {}),
          check: p.check,
        },
      },
    ],
  };
}
