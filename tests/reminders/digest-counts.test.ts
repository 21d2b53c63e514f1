import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerFor } from '../../server/src/auth/viewer.js';
import { digestMessage } from '../../server/src/domain/reminders/digest-text.js';
import { planReminders } from '../../server/src/domain/reminders/planner.js';
import { ProgressService } from '../../server/src/domain/progress/progress-service.js';
import { myItems } from '../../server/src/domain/progress/progress-views.js';
import { at, calendar, fulfilRandomly, policy } from '../helpers/reminders.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** #14 requirement 1: the digest's numbers are 我的任务's numbers, whatever has been done. */
describe('digest counts match 我的任务', () => {
  let t: TestApp;
  const rng = seededRandom(testSeed(14));
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it(`for random states (seed ${rng.seed}), every digest's headline equals the person's 我的任务 counts`, async () => {
    const progress = new ProgressService({ store: t.store, calendar, policy, clock: t.deps.clock });
    let checked = 0;
    for (const day of ['2018-11-13', '2018-11-22', '2019-01-02', '2019-03-25', '2019-06-26']) {
      // officials have done a random part of what they owe
      await fulfilRandomly(t.store, rng, 0.3);
      const now = at(`${day}T09:00`);
      t.deps.clock.set(now.toISOString());
      const plan = planReminders(t.store.state.get(), calendar, policy, now);
      for (const r of plan.reminders.filter((x) => x.kind === 'digest')) {
        const mine = myItems(t.store.state.get(), progress, viewerFor(t.store.state.get(), r.personId));
        const overdue = mine.counts.red;
        expect({ day, person: r.personId, total: r.open?.total, overdue: r.open?.overdue }).toEqual({
          day,
          person: r.personId,
          total: mine.items.length,
          overdue,
        });
        const text = (digestMessage(r, 'http://x', policy.digest.maxItems) as { markdown: string }).markdown;
        expect(text).toContain(
          `您的单位有 ${mine.items.length} 个待办事项${overdue ? `,其中 ${overdue} 个已逾期` : ''}`,
        );
        const listed = (text.match(/^\d+\. /gm) ?? []).length;
        if (mine.items.length > listed) expect(text).toContain(`另有 ${mine.items.length - listed} 项`);
        // the most urgent first: when anything is overdue, the first line is overdue
        if (overdue > 0) expect(text.split('\n').find((l) => l.startsWith('1. '))).toContain('已逾期');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
