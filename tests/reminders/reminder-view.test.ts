import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessage } from '../../server/src/domain/reminders/digest-text.js';
import { planReminders, type Reminder } from '../../server/src/domain/reminders/planner.js';
import { viewOf } from '../../server/src/domain/reminders/reminder-view.js';
import { fulfilObligations } from '../../server/src/domain/obligations/fulfil.js';
import { ensureObligations } from '../../server/src/domain/obligations/obligation-book.js';
import { ReminderPlan } from '../../shared/schemas/reminders.js';
import { at, calendar, fulfilRandomly, policy } from '../helpers/reminders.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** Everything the day's run asks of a reminder: what the view answers without making its items. */
function answers(r: Reminder): unknown {
  const v = viewOf(r);
  return {
    count: v.count,
    alsoCount: v.alsoCount,
    overdue: v.overdue(),
    ids: v.obligationIds(),
    tasks: v.taskIds(),
    severalUnits: v.severalUnits(),
    mostUrgent: [1, 8, 60].map((n) => v.mostUrgent(n)),
    digest: digestMessage(r, 'http://127.0.0.1:3000', policy.digest.maxItems, { overdueAtLeast: 3 }),
    // 浙政钉's reach: no robot chat, fewer bytes (lines are cut)
    narrow: digestMessage(r, 'http://127.0.0.1:3000', policy.digest.maxItems, {
      reach: { robotChat: false, maxBytes: 700 },
    }),
  };
}

/**
 * The planner makes a reminder's items only when they are read; the day's run reads the planner's
 * view instead (counts, ids, the lines a digest shows). The view must answer exactly as the items
 * do once made — which the rest of the suite checks against the documents.
 */
describe("the planner's view of a reminder", () => {
  let t: TestApp;
  const rng = seededRandom(testSeed(31));
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it(`answers as its items do, for random states (seed ${rng.seed}): digests, ids, tasks, counts`, async () => {
    let compared = 0;
    const seen = { escalation: 0, several: 0, also: 0, cut: 0 };
    for (const day of ['2018-11-01', '2018-11-13', '2018-12-03', '2019-01-15', '2019-03-25', '2019-07-10']) {
      await fulfilRandomly(t.store, rng, 0.15);
      const now = at(`${day}T09:00`);
      await ensureObligations(t.store, { calendar, policy }, now);
      const plan = planReminders(t.store.state.get(), calendar, policy, now);
      for (const r of plan.reminders) {
        const lazy = answers(r);
        // made: a plain copy, answered from its items and "also" list
        const plain = JSON.parse(JSON.stringify(r)) as Reminder;
        expect(lazy).toEqual(answers(plain));
        seen.escalation += r.kind === 'escalation' ? 1 : 0;
        seen.several += viewOf(plain).severalUnits() ? 1 : 0;
        seen.also += plain.also ? 1 : 0;
        seen.cut += plain.items.length + (plain.also?.length ?? 0) > policy.digest.maxItems ? 1 : 0;
        compared += 1;
      }
      expect(() => ReminderPlan.parse(plan)).not.toThrow();
    }
    expect(compared).toBeGreaterThan(150);
    // the cases that differ in how they are answered all occurred
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(0);
  });

  it("names units when today's items are one unit's and the other open ones another's (a contact of two units)", async () => {
    // an app of its own: the state the random cases left depends on the seed
    const t = await seededApp();
    const now = at('2019-07-10T09:00');
    await ensureObligations(t.store, { calendar, policy }, now);
    const mine = (): Reminder =>
      planReminders(t.store.state.get(), calendar, policy, now).reminders.find(
        (r) => r.personId === 'p-qfb-c' && r.kind === 'digest',
      )!;
    // today's items of one of the two units done: the other's items remain, the first's other records are "also"
    const before = mine();
    const units = [...new Set(before.items.map((i) => i.unitId))];
    expect(units.length).toBe(2);
    await fulfilObligations(
      t.store,
      before.items
        .filter((i) => i.unitId === units[0])
        .map((i) => ({
          obligationId: i.obligationId,
          action: 'report' as const,
          channel: 'miniapp' as const,
          actor: { type: 'person' as const, id: 'p-qfb-c' },
          at: now,
        })),
    );
    const r = mine();
    const lazy = answers(r);
    const plain = JSON.parse(JSON.stringify(r)) as Reminder;
    expect(new Set(plain.items.map((i) => i.unitId))).toEqual(new Set([units[1]]));
    expect(plain.also?.some((i) => i.unitId === units[0])).toBe(true);
    expect(lazy).toEqual(answers(plain));
    expect(viewOf(plain).severalUnits()).toBe(true);
    await t.close();
  });

  it('makes its items once, as plain members; afterwards a change to them is what the digest shows', () => {
    const plan = planReminders(t.store.state.get(), calendar, policy, at('2019-07-10T09:00'));
    const r = plan.reminders.find((x) => x.kind === 'digest' && x.also && x.items.length > 1)!;
    expect(Object.keys(r)).toEqual([
      'key',
      'kind',
      'date',
      'personId',
      'personName',
      'userId',
      ...(r.unionId ? ['unionId'] : []),
      'as',
      'level',
      'items',
      'reasons',
      'open',
      'also',
    ]);
    expect(r.items).toBe(r.items);
    const first = r.items[0]!;
    r.items = [first];
    expect(viewOf(r).count).toBe(1);
    expect(viewOf(r).obligationIds()).toEqual([first.obligationId]);
    r.also = [];
    const m = digestMessage(r, 'http://127.0.0.1:3000', 8) as { markdown: string };
    expect(m.markdown.match(/^\d+\. /gm)).toHaveLength(1);
  });
});
