import type { Person } from '../../../../shared/schemas/person.js';
import type { State } from '../../model/state.js';
import type { ReminderPolicy } from '../policy/policy.js';

/**
 * Who hears what, in one place. A unit's day is its items, most urgent first, each at a level:
 * 1 (its own deadline), 2 (overdue long enough for its leaders), 3 (overdue longest, for the 督考办).
 *
 * - The unit's **contacts** (联络员) — or its **leaders** where it has no contact — hear all of its
 *   items: their daily digest.
 * - Its **other leaders** hear what is at level 2 or above: the escalation digest. District
 *   leaders (区长, 分管副区长: leaders of a government unit) are spared it unless the policy says so.
 * - The **督考办** hears what is at level 3, of every unit, in one escalation digest.
 * - One person hears each unit once per digest: a leader of two units gets both in one.
 */

/** Some of a unit's items (positions in its columns, in its order) and the stages among them (a bit each). */
export interface Part<U> {
  u: U;
  at: readonly number[];
  stages: number;
  /** worked out once for every reminder sharing the part */
  ids?: string[];
  taskIds?: string[];
}

/** What the rules read of a unit's day. */
export interface UnitHearers<P> {
  /** its contacts, or its leaders where it has none */
  first: readonly P[];
  leaders: readonly P[];
  /** the stages of its items, by level 0–3 (a bit per stage) */
  stagesAt: readonly number[];
}

/** A unit's contacts and leaders, by unit id. */
export function peopleByUnit(people: readonly Person[]): Map<string, { contacts: Person[]; leaders: Person[] }> {
  const byUnit = new Map<string, { contacts: Person[]; leaders: Person[] }>();
  for (const p of people)
    for (const u of p.unitIds) {
      let entry = byUnit.get(u);
      if (!entry) byUnit.set(u, (entry = { contacts: [], leaders: [] }));
      if (p.roles.includes('contact')) entry.contacts.push(p);
      if (p.roles.includes('leader')) entry.leaders.push(p);
    }
  return byUnit;
}

/** Who hears a unit's items first: its contacts, or its leaders where it has none. */
export const firstHearers = (people: { contacts: Person[]; leaders: Person[] } | undefined): Person[] =>
  people?.contacts.length ? people.contacts : (people?.leaders ?? []);

/** Whether a leader is told item by item of what is overdue (district leaders only if the policy says so). */
export function escalatesTo(state: Readonly<State>, policy: ReminderPolicy): (p: Person) => boolean {
  // the 区长 leads 区政府党组 too: district leaders are not escalated to item by item (policy switch)
  const government = new Set(state.units.filter((u) => u.kind === 'government').map((u) => u.id));
  const districtLeader = (p: Person): boolean => p.roles.includes('leader') && p.unitIds.some((u) => government.has(u));
  return (p) => policy.escalation.districtLeaders || !districtLeader(p);
}

/** The digests and escalation digests of the day, by person. */
export interface Hearers<P, U> {
  digestOf: Map<P, Part<U>[]>;
  escalationOf: Map<P, { parts: Part<U>[]; leader: boolean }>;
}

/**
 * The rules above over the day's units. `eachUnit` hands each unit with its items in order (the
 * highest level first); `level` reads an item's level.
 */
export function whoHears<P, U extends UnitHearers<P>>(
  eachUnit: (fn: (u: U, order: readonly number[]) => void) => void,
  level: (item: number) => number,
  supervisors: readonly P[],
  escalateTo: (p: P) => boolean,
): Hearers<P, U> {
  const digestOf = new Map<P, Part<U>[]>();
  const escalationOf = new Map<P, { parts: Part<U>[]; leader: boolean }>();
  const severe: Part<U>[] = [];
  eachUnit((u, order) => {
    const [, one = 0, two = 0, three = 0] = u.stagesAt;
    const all: Part<U> = { u, at: order, stages: one | two | three };
    for (const p of u.first) digestOf.set(p, [...(digestOf.get(p) ?? []), all]);
    if (level(order[0]!) < 2) return;
    // the order puts higher levels first: what leaders and the 督考办 hear is where it starts
    const from = (min: number): readonly number[] =>
      order.slice(
        0,
        prefix(order, (i) => level(i) >= min),
      );
    const escalated: Part<U> = { u, at: from(2), stages: two | three };
    for (const l of u.leaders)
      if (!u.first.includes(l) && escalateTo(l)) {
        const mine = escalationOf.get(l);
        if (mine) mine.parts.push(escalated);
        else escalationOf.set(l, { parts: [escalated], leader: true });
      }
    if (supervisors.length > 0 && three !== 0) severe.push({ u, at: from(3), stages: three });
  });
  if (severe.length > 0)
    for (const s of supervisors) {
      const mine = escalationOf.get(s);
      if (mine) mine.parts.push(...severe);
      else escalationOf.set(s, { parts: [...severe], leader: false });
    }
  return { digestOf, escalationOf };
}

/** How many of `list`'s first elements pass `test` (all of them up to the first that does not). */
function prefix<T>(list: readonly T[], test: (t: T) => boolean): number {
  let n = 0;
  while (n < list.length && test(list[n]!)) n += 1;
  return n;
}
