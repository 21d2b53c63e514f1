import { describe, expect, it } from 'vitest';
import type { ObligationRecord } from '../../server/src/model/obligation.js';
import {
  addObligations,
  dropYearsBefore,
  findObligation,
  obligationsOfAssignment,
  selectObligations,
  storedObligations,
} from '../../server/src/domain/obligations/obligation-table.js';
import { ensureObligations, missingYears } from '../../server/src/domain/obligations/obligation-book.js';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { MemoryStore } from '../../server/src/store/memory/memory-store.js';
import { province } from '../../bench/reminders.js';
import { emptyState } from '../../server/src/model/state.js';

const record = (
  planId: string,
  assignmentId: string,
  year: number,
  kind: ObligationRecord['kind'],
): ObligationRecord => ({
  id: `${assignmentId}:${year}:${kind}`,
  planId,
  assignmentId,
  taskId: assignmentId.split('.').slice(0, 2).join('.'),
  unitId: assignmentId.split('.')[2]!,
  year,
  kind,
  label: kind,
  opensOn: `${year}-01-02`,
  due: `${year}-01-09`,
  status: 'open',
  seq: 1,
});

async function storeWith(records: ObligationRecord[]): Promise<MemoryStore> {
  const store = new MemoryStore(emptyState(), () => new Date('2019-03-01T09:00:00+08:00'));
  await store.transact((draft) => addObligations(draft, records));
  return store;
}

const RECORDS = [
  record('p', 'p.k1.a', 2018, 'acknowledge'),
  record('p', 'p.k1.a', 2019, 'acknowledge'),
  record('q', 'q.k1.a', 2019, 'acknowledge'),
  record('p', 'p.k1.b', 2019, 'acknowledge'),
  record('p', 'p.k1.a', 2019, 'yearEnd'),
];

describe('the obligation table (by year and plan)', () => {
  it('keeps lists by year, then plan, in the order stored; finds each by id', async () => {
    const store = await storeWith(RECORDS);
    const s = store.state.get();
    expect(Object.keys(s.obligations)).toEqual(['2018', '2019']);
    expect(Object.keys(s.obligations['2019']!)).toEqual(['p', 'q']);
    expect(s.obligations['2019']!.p!.map((o) => o.id)).toEqual([
      'p.k1.a:2019:acknowledge',
      'p.k1.b:2019:acknowledge',
      'p.k1.a:2019:yearEnd',
    ]);
    for (const o of RECORDS) expect(findObligation(s, o.id)).toEqual(o);
    expect(findObligation(s, 'p.k1.c:2019:acknowledge')).toBeUndefined();
    expect(findObligation(s, 'p.k1.a:2020:acknowledge')).toBeUndefined();
    expect(findObligation(s, 'garbage')).toBeUndefined();
    expect(storedObligations(s, [2019], 'q').map((o) => o.id)).toEqual(['q.k1.a:2019:acknowledge']);
    expect(storedObligations(s, [2018]).map((o) => o.id)).toEqual(['p.k1.a:2018:acknowledge']);
    expect(storedObligations(s)).toHaveLength(5);
  });

  it('in a transaction: changes through found records are committed, records added are found, selections see earlier changes', async () => {
    const store = await storeWith(RECORDS);
    const before = store.state.get();
    await store.transact((draft) => {
      findObligation(draft, 'p.k1.b:2019:acknowledge')!.status = 'fulfilled';
      addObligations(draft, [record('p', 'p.k1.c', 2019, 'acknowledge')]);
      expect(findObligation(draft, 'p.k1.c:2019:acknowledge')?.status).toBe('open');
      // judged on the values as they are now: b was just fulfilled, c was just added
      const open = selectObligations(draft, (o) => o.status === 'open', [2019]).map((o) => o.id);
      expect(open).toEqual([
        'p.k1.a:2019:acknowledge',
        'p.k1.a:2019:yearEnd',
        'p.k1.c:2019:acknowledge',
        'q.k1.a:2019:acknowledge',
      ]);
      for (const o of obligationsOfAssignment(draft, 'p.k1.a')) o.seq = 9;
    });
    const s = store.state.get();
    expect(findObligation(s, 'p.k1.b:2019:acknowledge')?.status).toBe('fulfilled');
    expect(findObligation(s, 'p.k1.c:2019:acknowledge')).toBeDefined();
    expect(
      storedObligations(s)
        .filter((o) => o.seq === 9)
        .map((o) => o.id),
    ).toEqual(['p.k1.a:2018:acknowledge', 'p.k1.a:2019:acknowledge', 'p.k1.a:2019:yearEnd']);
    // the committed state before is untouched, and only the changed plan-year list was copied
    expect(findObligation(before, 'p.k1.b:2019:acknowledge')?.status).toBe('open');
    expect(s.obligations['2019']!.q).toBe(before.obligations['2019']!.q);
  });

  it('drops whole years', async () => {
    const store = await storeWith(RECORDS);
    await store.transact((draft) => dropYearsBefore(draft, 2019));
    expect(Object.keys(store.state.get().obligations)).toEqual(['2019']);
    expect(findObligation(store.state.get(), 'p.k1.a:2018:acknowledge')).toBeUndefined();
  });
});

describe('what is not stored yet, worked out once per committed state', () => {
  it('follows every commit: a new assignment is missing until its obligations are stored, a closed one is not', async () => {
    const at = new Date('2019-03-18T09:00:00+08:00');
    const rules = { calendar: new WorkCalendar(), policy: DEFAULT_POLICY };
    const store = new MemoryStore(province(1, 2, 2), () => at);
    expect(missingYears(store.state.get(), rules, [2018, 2019])).toHaveLength(8); // 4 assignments × 2 years
    await ensureObligations(store, rules, at);
    const stored = store.state.get();
    expect(missingYears(stored, rules, [2018, 2019])).toEqual([]);
    expect(missingYears(stored, rules, [2019, 2020]).map((m) => m.year)).toEqual([2020, 2020, 2020, 2020]);
    // another unit joins task 1 (an import): it lacks both years; the state before still lacks nothing
    await store.transact((d) => {
      d.assignments.push({ ...d.assignments[0]!, id: 'd0.k1.d0u9', unitId: 'd0u1', role: 'co' });
    });
    expect(missingYears(store.state.get(), rules, [2018, 2019])).toEqual([
      { assignmentId: 'd0.k1.d0u9', year: 2018 },
      { assignmentId: 'd0.k1.d0u9', year: 2019 },
    ]);
    expect(missingYears(stored, rules, [2018, 2019])).toEqual([]);
    // it closes before anything is stored for it: nothing is missing any more
    await store.transact((d) => void (d.assignments.at(-1)!.status = 'closed'));
    expect(missingYears(store.state.get(), rules, [2018, 2019])).toEqual([]);
    // and missingYears on a draft sees the draft, not a cached answer
    await store.transact((d) => {
      d.assignments.at(-1)!.status = 'active';
      expect(missingYears(d, rules, [2018, 2019])).toHaveLength(2);
    });
  });
});
