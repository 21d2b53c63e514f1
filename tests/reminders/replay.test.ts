import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { burden, replay } from '../helpers/replay.js';
import { SEEDS_DIR } from '../helpers/seeds.js';

describe('replaying the seeded plan from its start to 2019-12-31', () => {
  it('produces a plausible year: a digest at most once a day, never on holidays, light outside deadline weeks', async () => {
    const r = await replay(SEEDS_DIR, '2018-11-01', '2019-12-31');
    const calendar = new WorkCalendar();
    expect(r.workingDays).toBe(calendar.workingDaysBetween('2018-11-01', '2020-01-01'));
    expect(r.holidayMessages).toBe(0);
    expect(r.maxPerPersonDay).toBe(1);
    for (const n of r.notices)
      expect(calendar.isWorkingDay(new Date(n.at.getTime() + 8 * 3600_000).toISOString().slice(0, 10))).toBe(true);
    const b = burden(r, '2018-11-01', '2019-12-31');
    expect(b.perWeekOutsideDeadlines).toBeLessThanOrEqual(2);
    expect(b.officials).toBeGreaterThan(50);
    expect(r.fulfilled).toBeGreaterThan(1000);
    // slow units are escalated: some leaders and the 督考办 hear about them
    const escalated = new Set(
      r.notices
        .filter((n) => n.message.kind === 'actionCard' && n.message.title.startsWith('逾期督办'))
        .map((n) => n.userId),
    );
    expect([...escalated].some((u) => u.endsWith('-l'))).toBe(true);
    expect([...escalated].some((u) => u.startsWith('dt-dkb-s'))).toBe(true);
    // one 待办 per person and item: no two with the same title for one person, across both years
    const subjects = new Map<string, Set<string>>();
    for (const { input } of r.todoList) {
      const mine = subjects.get(input.ownerUnionId) ?? new Set<string>();
      expect(mine.has(input.subject), input.subject).toBe(false);
      subjects.set(input.ownerUnionId, mine.add(input.subject));
    }
    expect(r.todoList.length).toBeGreaterThan(100);
    // every digest differs from the one the same person got before
    const last = new Map<string, string>();
    for (const n of r.notices) {
      const text = JSON.stringify(n.message);
      expect(last.get(n.userId)).not.toBe(text);
      last.set(n.userId, text);
    }
  }, 120_000);
});
