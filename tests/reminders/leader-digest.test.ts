import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstWorkingDayOfWeek } from '../../server/src/domain/overview/leader-digest.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { calendar, policy } from '../helpers/reminders.js';
import { fixedClock, seededApp, silentLog, type TestApp } from '../helpers/test-app.js';

describe("the leaders' weekly digest", () => {
  let t: TestApp;
  let channel: FakeChannel;
  let scheduler: Scheduler;
  const clock = fixedClock('2019-06-24T09:00:00+08:00'); // a Monday
  beforeAll(async () => {
    t = await seededApp();
    channel = new FakeChannel(clock.now);
    scheduler = new Scheduler({
      store: t.store,
      calendar,
      policy,
      clock,
      log: silentLog,
      dispatcher: new Dispatcher(t.store, channel, silentLog),
      publicUrl: 'http://127.0.0.1:3000',
    });
  });
  afterAll(async () => t.close());

  const to = (userId: string) =>
    channel.notices.filter((n) => n.userId === userId).map((n) => n.message as { title: string; markdown: string });

  it('goes out on the first working day of a week (after a holiday, the day after it)', () => {
    expect(firstWorkingDayOfWeek({ calendar, policy }, '2019-06-24')).toBe(true); // Monday
    expect(firstWorkingDayOfWeek({ calendar, policy }, '2019-06-25')).toBe(false);
    expect(firstWorkingDayOfWeek({ calendar, policy }, '2019-06-23')).toBe(false); // Sunday
    expect(firstWorkingDayOfWeek({ calendar, policy }, '2018-12-31')).toBe(false); // 元旦 holiday (Monday)
    expect(firstWorkingDayOfWeek({ calendar, policy }, '2019-01-02')).toBe(true); // the Saturday before was worked, but in the week before
  });

  it("lists a unit leader's red and yellow parts only, gives a district leader the district, and is their one message that day", async () => {
    await scheduler.runUntilIdle(clock.now());
    const unitLeader = to('dt-fsjd-l');
    expect(unitLeader).toHaveLength(1);
    expect(unitLeader[0]!.title).toBe('每周督办简报 · 6月24日');
    const lines = unitLeader[0]!.markdown.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.includes('🔴') || l.includes('🟡'))).toBe(true);
    expect(unitLeader[0]!.markdown).not.toContain('🟢');

    const district = to('dt-qzf-l1');
    expect(district).toHaveLength(1);
    expect(district[0]!.markdown).toMatch(/全区 \d+ 项责任分工中,\*\*\d+ 项逾期\*\*/);
    expect(district[0]!.markdown).toContain('逾期较多的单位');
    const planned = t.store.state.get().outbox.filter((r) => r.kind === 'notice' && r.payload.kind === 'weekly');
    expect(planned.length).toBeGreaterThan(10);

    // Tuesday: no weekly digest
    clock.set('2019-06-25T09:00:00+08:00');
    await scheduler.runUntilIdle(clock.now());
    expect(to('dt-fsjd-l').filter((m) => m.title.startsWith('每周督办简报'))).toHaveLength(1);
  });

  it("a supervisor's escalation is not called 通报 and opens the drill-down of exactly what it lists", async () => {
    const escalations = channel.notices
      .filter((n) => n.userId === 'dt-dkb-s2')
      .map((n) => n.message as { title: string; markdown: string; buttons: Array<{ url: string }> });
    expect(escalations.length).toBeGreaterThan(0);
    for (const m of escalations) expect(`${m.title}${m.markdown}`).not.toContain('通报');
    const url = new URL(escalations[0]!.buttons[0]!.url.replace('#/parts?', 'parts?'));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      light: 'red',
      minOverdueDays: String(policy.escalation.supervisorAfterOverdueWorkingDays),
    });
    const parts = (
      await t.inject(
        `/api/overview/parts?light=red&minOverdueDays=${policy.escalation.supervisorAfterOverdueWorkingDays}`,
      )
    ).json();
    expect(parts.total).toBeGreaterThan(0);
    expect(
      parts.items.every(
        (p: { overdueDays: number }) => p.overdueDays >= policy.escalation.supervisorAfterOverdueWorkingDays,
      ),
    ).toBe(true);
  });
});
