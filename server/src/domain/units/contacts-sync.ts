import type { Person, Role } from '../../../../shared/schemas/person.js';
import type { Contacts } from '../../channels/channel.js';
import { nameKey } from '../../naming/names.js';
import type { State } from '../../model/state.js';
import { personByAccount, recipientOn } from '../../../../shared/schemas/person.js';

export interface ContactsSyncPlan {
  departments: {
    matched: Array<{ deptId: number; name: string; unitId: string }>;
    unmatched: Array<{ deptId: number; name: string }>;
  };
  people: {
    add: Person[];
    change: Array<{ before: Person; after: Person; fields: string[] }>;
    /** People we hold that DingTalk does not know (kept; review them). */
    missing: Person[];
    /** DingTalk users in no department we could match to a unit. */
    unmatched: Array<{ userId: string; name: string; departments: string[] }>;
    unchanged: number;
  };
}

/**
 * Maps DingTalk departments onto the unit directory by name, full name and alias, and DingTalk
 * users onto people by userid: what would be added, changed, or cannot be matched. Pure.
 */
export function planContactsSync(
  state: Readonly<State>,
  contacts: Contacts,
  options: { confirmsSample?: boolean } = {},
): ContactsSyncPlan {
  /** A real DingTalk directory confirms a sample person as real; the emulator (seeded from the samples) does not. */
  const confirmsSample = options.confirmsSample ?? true;
  const unitByName = new Map<string, string>();
  for (const u of state.units)
    for (const n of [u.name, u.fullName, ...u.aliases]) if (n) unitByName.set(nameKey(n), u.id);
  const deptUnit = new Map<number, string>();
  const plan: ContactsSyncPlan = {
    departments: { matched: [], unmatched: [] },
    people: { add: [], change: [], missing: [], unmatched: [], unchanged: 0 },
  };
  for (const d of contacts.departments) {
    const unitId = unitByName.get(nameKey(d.name));
    if (unitId) {
      deptUnit.set(d.id, unitId);
      plan.departments.matched.push({ deptId: d.id, name: d.name, unitId });
    } else plan.departments.unmatched.push({ deptId: d.id, name: d.name });
  }
  const deptName = new Map(contacts.departments.map((d) => [d.id, d.name]));
  const seen = new Set<string>();
  for (const u of contacts.users) {
    seen.add(u.userId);
    const unitIds = [...new Set(u.departmentIds.map((d) => deptUnit.get(d)).filter((x): x is string => !!x))];
    const existing = personByAccount(state.people, contacts.platform, u.userId);
    if (unitIds.length === 0 && !existing) {
      plan.people.unmatched.push({
        userId: u.userId,
        name: u.name,
        departments: u.departmentIds.map((d) => deptName.get(d) ?? String(d)),
      });
      continue;
    }
    if (!existing) {
      const leads = u.leaderIn.some((d) => deptUnit.has(d));
      const roles: Role[] = [leads ? 'leader' : 'contact'];
      plan.people.add.push({
        id: `p-${u.userId}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 120),
        name: u.name,
        title: u.title,
        accounts: [{ platform: contacts.platform, userId: u.userId, ...(u.unionId ? { unionId: u.unionId } : {}) }],
        ...(u.mobile ? { mobile: u.mobile } : {}),
        unitIds,
        roles,
        sample: false,
      });
      continue;
    }
    const after: Person = {
      ...existing,
      name: u.name,
      ...(u.title ? { title: u.title } : {}),
      // the DingTalk account as the contacts say now; other platforms' accounts stay
      accounts: [
        { platform: contacts.platform, userId: u.userId, ...(u.unionId ? { unionId: u.unionId } : {}) },
        ...existing.accounts.filter((a) => a.platform !== contacts.platform),
      ],
      unitIds:
        unitIds.length > 0
          ? [
              ...new Set([
                ...unitIds,
                ...existing.unitIds.filter(
                  (id) => !state.units.some((x) => x.id === id && [...deptUnit.values()].includes(id)),
                ),
              ]),
            ]
          : existing.unitIds,
      sample: confirmsSample ? false : existing.sample,
    };
    const fields: string[] = (['name', 'title', 'accounts', 'unitIds'] as const).filter(
      (f) => JSON.stringify(existing[f]) !== JSON.stringify(after[f]),
    );
    if (existing.sample !== after.sample) fields.push('sample');
    if (fields.length > 0) plan.people.change.push({ before: existing, after, fields: [...fields] });
    else plan.people.unchanged += 1;
  }
  plan.people.missing = state.people.filter((p) => {
    const id = recipientOn(p, contacts.platform);
    return id !== undefined && !seen.has(id);
  });
  return plan;
}

/** Applies a plan to a state draft: adds and updates people; never deletes. */
export function applyContactsSync(draft: State, plan: ContactsSyncPlan): void {
  for (const c of plan.people.change) {
    const i = draft.people.findIndex((p) => p.id === c.before.id);
    if (i >= 0) draft.people[i] = c.after;
  }
  const ids = new Set(draft.people.map((p) => p.id));
  draft.people.push(...plan.people.add.filter((p) => !ids.has(p.id)));
  draft.peopleSample = draft.people.some((p) => p.sample);
}
