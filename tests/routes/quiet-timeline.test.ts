import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../helpers/store-writes.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const TASK = 'yc-lqstg-2018.k1';
const FS = `${TASK}.fsjd`;

/** A reminder as the dispatcher records it: to one person, about items of their unit. */
const reminder = (personId: string, userId: string, unit: string) => ({
  type: 'reminder.sent' as const,
  actor: { type: 'scheduler' as const, name: '督办通提醒' },
  subject: { type: 'outbox', id: `notice:${personId}` },
  channel: 'scheduler' as const,
  payload: {
    personId,
    userId,
    date: '2019-03-01',
    kind: 'digest',
    level: 1,
    taskId: `t-${personId}`,
    obligations: [`${TASK}.${unit}:2019:acknowledge`],
    tasks: [TASK],
  },
});

describe('a quiet task timeline (#14 req 5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    await appendEvents(t.store, [
      reminder('p-bhjd-c', 'dt-bhjd-c', 'bhjd'),
      reminder('p-fsjd-c', 'dt-fsjd-c', 'fsjd'),
      reminder('p-tsjd-c', 'dt-tsjd-c', 'tsjd'),
    ]);
    await appendEvents(t.store, [
      {
        type: 'reminder.delivery',
        actor: { type: 'scheduler' },
        subject: { type: 'outbox', id: 'notice:p-fsjd-c' },
        channel: 'scheduler',
        payload: { userId: 'dt-fsjd-c', taskId: 't-p-fsjd-c', status: 'read', check: 1 },
      },
    ]);
    await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${FS}/reports`,
        payload: { text: '已完成试点申报', obligationId: `${FS}:2018:yearEnd` },
      },
      'p-fsjd-c',
    );
  });
  afterAll(async () => t.close());

  it("what people did comes first; the day's reminders are one line naming who (own units first) and who read it", async () => {
    const timeline = (await t.inject(`/api/tasks/${TASK}/overview`, 'p-fsjd-c')).json().timeline as Array<{
      type: string;
      title: string;
      text?: string;
      people?: Array<{ name: string; unit?: string; read: boolean }>;
    }>;
    const today = timeline.filter((e) => e.type !== 'obligations.materialised');
    expect(today.map((e) => e.type)).toEqual(['obligation.reported', 'progress.reported', 'reminders.summary']);
    const summary = today[2]!;
    expect(summary.title).toBe('提醒 3 人,已读 1');
    expect(summary.people![0]).toEqual({ name: '石刚', unit: '府山街道', read: true });
    expect(summary.people!.slice(1).map((p) => p.read)).toEqual([false, false]);
    // no internal id anywhere a person reads
    expect(JSON.stringify(timeline)).not.toMatch(/msg[0-9a-z]{8,}|notice:p-/);
  });
});
