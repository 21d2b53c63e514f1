import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterParts, overview, partsOf } from '../../server/src/domain/overview/overview.js';
import type { State } from '../../server/src/model/state.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

const LIGHTS = ['red', 'yellow', 'green'] as const;

describe('the overview counts alike everywhere', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it('over random states, the rows by unit and by section sum to the totals, and each drill-down lists exactly its count', () => {
    const seed = testSeed(20261129);
    const rng = seededRandom(seed);
    const rules = { calendar: t.core.calendar, policy: t.core.policy };
    const base = t.store.state.get();
    const seen = { red: 0, yellow: 0, green: 0, recovered: 0, closed: 0 };
    const ids = storedObligations(base).map((o) => o.id);
    for (let round = 0; round < 25; round += 1) {
      // a random day of 2019 and a random history: items done (some late), parts closed, reports returned
      const s: State = structuredClone(base) as State;
      const today = round === 0 ? '2019-06-20' : rules.calendar.addWorkingDays('2019-01-02', rng.int(0, 240));
      const diligence = round === 0 ? 1 : rng.next();
      for (const id of ids) {
        const r = rng.next();
        const o = findObligation(s, id)!;
        if (r < diligence && o.due < today)
          Object.assign(o, {
            status: 'fulfilled',
            action: 'report',
            doneAt: new Date(`${rng.next() < 0.5 ? o.due : today}T10:00:00+08:00`).toISOString(),
          });
        else if (round > 0 && r < 0.05 && o.kind === 'midYear')
          s.requests[`R${id}`] = {
            id: `R${round}${id.length}`,
            kind: 'report',
            state: 'returned',
            planId: o.planId,
            assignmentId: o.assignmentId,
            taskId: o.taskId,
            unitId: o.unitId,
            obligationIds: [id],
            text: '',
            evidence: [],
            requester: { id: 'x' },
            channel: 'miniapp',
            late: false,
            createdAt: '2019-01-02T00:00:00.000Z',
            seq: 1,
            comment: '补充材料',
          };
      }
      for (const a of s.assignments) if (a.status === 'active' && rng.next() < 0.05) a.status = 'closed';
      const o = overview(s, rules, today);
      const parts = partsOf(s, rules, today);
      const where = `seed ${seed}, round ${round}, ${today}`;
      expect(o.lights.red + o.lights.yellow + o.lights.green, where).toBe(parts.length);
      for (const light of LIGHTS) {
        expect(
          o.units.reduce((n, u) => n + u[light], 0),
          where,
        ).toBe(o.lights[light]);
        expect(
          o.sections.reduce((n, x) => n + x[light], 0),
          where,
        ).toBe(o.lights[light]);
        expect(filterParts(parts, { light }).length, where).toBe(o.lights[light]);
        for (const u of o.units)
          expect(filterParts(parts, { unitId: u.unitId, light }).length, `${where} ${u.unitName}`).toBe(u[light]);
        for (const x of o.sections)
          expect(filterParts(parts, { sectionId: x.sectionId, light }).length, `${where} ${x.title}`).toBe(x[light]);
      }
      for (const light of LIGHTS) seen[light] += o.lights[light];
      seen.recovered += o.recovered;
      seen.closed += o.closed;
      // every red part says how late, every closed one is green
      for (const p of parts) {
        if (p.light === 'red') expect(p.reason, where).toContain('已逾期');
        if (p.status === 'closed') expect(p.light, where).toBe('green');
      }
    }
    // the random states were not all alike: every kind of count occurred
    for (const [k, n] of Object.entries(seen)) expect(n, `${k} over all rounds (seed ${seed})`).toBeGreaterThan(0);
  });
});
