import { describe, expect, it } from 'vitest';
import { whoHears, type UnitHearers } from '../../server/src/domain/reminders/recipients.js';

type Unit = UnitHearers<string> & { name: string; levels: number[] };
/** A unit whose items 0…n−1 have the levels given, most urgent first; stagesAt bits say which levels occur. */
const unit = (name: string, first: string[], leaders: string[], levels: number[]): Unit => {
  const stagesAt = [0, 0, 0, 0];
  for (const l of levels) stagesAt[l] = 1;
  return { name, first, leaders, stagesAt, levels };
};

function hear(units: Unit[], supervisors: string[], spared: string[] = []) {
  const levelOf = new Map<number, number>();
  const orders = units.map((u, k) => u.levels.map((l, i) => (levelOf.set(k * 100 + i, l), k * 100 + i)));
  const { digestOf, escalationOf } = whoHears<string, Unit>(
    (fn) => units.forEach((u, k) => fn(u, orders[k]!)),
    (i) => levelOf.get(i)!,
    supervisors,
    (p) => !spared.includes(p),
  );
  const show = (parts: ReadonlyArray<{ u: Unit; at: readonly number[] }>) =>
    parts.map((p) => `${p.u.name}:${p.at.map((i) => levelOf.get(i)).join('')}`);
  return {
    digest: Object.fromEntries([...digestOf].map(([p, parts]) => [p, show(parts)])),
    escalation: Object.fromEntries([...escalationOf].map(([p, e]) => [p, { parts: show(e.parts), leader: e.leader }])),
  };
}

describe('who hears what (domain/reminders/recipients.ts)', () => {
  it('contacts hear all of their unit, other leaders from level 2, the 督考办 level 3 of every unit', () => {
    const heard = hear(
      [unit('财政局', ['c1', 'c2'], ['l1'], [3, 2, 1]), unit('司法局', ['c3'], ['l3'], [2, 1])],
      ['s1'],
    );
    expect(heard.digest).toEqual({ c1: ['财政局:321'], c2: ['财政局:321'], c3: ['司法局:21'] });
    expect(heard.escalation).toEqual({
      l1: { parts: ['财政局:32'], leader: true },
      l3: { parts: ['司法局:2'], leader: true },
      s1: { parts: ['财政局:3'], leader: false },
    });
  });

  it('a unit without contacts is told through its leaders, who then get no second escalation of it', () => {
    const heard = hear([unit('大数据中心', ['l4'], ['l4'], [3, 1])], ['s1']);
    expect(heard.digest).toEqual({ l4: ['大数据中心:31'] });
    expect(heard.escalation).toEqual({ s1: { parts: ['大数据中心:3'], leader: false } });
  });

  it('a day of level-1 items only escalates to nobody; a spared district leader hears nothing', () => {
    expect(hear([unit('审批局', ['c5'], ['l5'], [1, 1])], ['s1']).escalation).toEqual({});
    expect(hear([unit('审批局', ['c5'], ['区长'], [2])], [], ['区长']).escalation).toEqual({});
  });

  it('one who leads two units hears both in one escalation; a 督考办 member who leads a unit is told as its leader', () => {
    const heard = hear([unit('甲', ['c1'], ['l1', 's1'], [3]), unit('乙', ['c2'], ['l1'], [2])], ['s1']);
    expect(heard.escalation).toEqual({
      l1: { parts: ['甲:3', '乙:2'], leader: true },
      s1: { parts: ['甲:3', '甲:3'], leader: true },
    });
  });
});
