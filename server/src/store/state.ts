import { z } from 'zod';
import { Assignment } from '../../../shared/schemas/assignment.js';
import { Id, Instant } from '../../../shared/schemas/common.js';
import { PeopleFile, Person } from '../../../shared/schemas/person.js';
import { Plan, ProseObligation, Section } from '../../../shared/schemas/plan.js';
import { Task } from '../../../shared/schemas/task.js';
import { Unit, UnitGroup } from '../../../shared/schemas/unit.js';

/** Version of the state document. Bump it and add a migration in migrations.ts when the shape changes. */
export const STATE_VERSION = 1;

/**
 * The hot, bounded, mutable state (one lowdb document). Growing history (reports, reviews,
 * deliveries, audit) lives in the ledger, never here (ARCHITECTURE rule 10).
 */
export const State = z.object({
  schemaVersion: z.literal(STATE_VERSION),
  directory: z.object({ district: z.string(), sample: z.boolean(), note: z.string().optional() }),
  units: z.array(Unit),
  groups: z.array(UnitGroup),
  people: z.array(Person),
  peopleSample: PeopleFile.shape.sample,
  plans: z.array(Plan),
  activePlanId: Id.nullable(),
  sections: z.array(Section),
  tasks: z.array(Task),
  assignments: z.array(Assignment),
  obligations: z.array(ProseObligation),
  /** Last import per plan: what was read and when. */
  imports: z.array(z.object({ planId: Id, sha256: z.string(), at: Instant, sourceName: z.string() })),
});
export type State = z.infer<typeof State>;

export function emptyState(): State {
  return {
    schemaVersion: STATE_VERSION,
    directory: { district: '', sample: false },
    units: [],
    groups: [],
    people: [],
    peopleSample: false,
    plans: [],
    activePlanId: null,
    sections: [],
    tasks: [],
    assignments: [],
    obligations: [],
    imports: [],
  };
}
