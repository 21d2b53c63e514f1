import type { Actor, LedgerEvent, NewLedgerEvent } from '../../../../shared/schemas/ledger.js';
import type { ImportResult } from '../../importer/import-result.js';
import type { Store } from '../../store/ports.js';
import { State } from '../../store/state.js';
import { canonicalJson } from '../../../../shared/canonical-json.js';

export interface ApplyImportResult {
  changed: boolean;
  event?: LedgerEvent;
}

/**
 * The plan's records as stored, in a form that compares equal when nothing changed. The source's
 * file name is left out: the same document imported from another path is the same plan.
 */
function planRecords(state: Readonly<State>, planId: string): string {
  const of = <T extends { planId: string }>(items: readonly T[]): T[] => items.filter((i) => i.planId === planId);
  const plan = state.plans.find((p) => p.id === planId);
  return canonicalJson({
    plan: plan && { ...plan, source: { ...plan.source, name: '' } },
    sections: of(state.sections),
    tasks: of(state.tasks),
    assignments: of(state.assignments),
    obligations: of(state.proseObligations),
  });
}

/**
 * Writes an imported plan into the store, replacing that plan's previous records. Idempotent:
 * importing the same document again changes nothing and records nothing. Units the directory did
 * not know are added as provisional units. The ledger records the import before the state changes,
 * so a crash in between is repaired by importing again.
 */
export async function applyImport(store: Store, result: ImportResult, actor: Actor, at: Date): Promise<ApplyImportResult> {
  const planId = result.plan.id;
  const next = (draft: State): void => {
    const keep = <T extends { planId: string }>(items: T[]): T[] => items.filter((i) => i.planId !== planId);
    draft.plans = [...draft.plans.filter((p) => p.id !== planId), result.plan];
    draft.sections = [...keep(draft.sections), ...result.sections];
    draft.tasks = [...keep(draft.tasks), ...result.tasks];
    draft.assignments = [...keep(draft.assignments), ...result.assignments];
    draft.proseObligations = [...keep(draft.proseObligations), ...result.obligations];
    const known = new Set(draft.units.map((u) => u.id));
    draft.units.push(...result.provisionalUnits.filter((u) => !known.has(u.id)));
    draft.activePlanId ??= planId;
  };
  const before = store.state.get();
  const preview = structuredClone(before) as State;
  next(preview);
  State.parse(preview); // never write a state that would not load
  const newUnits = result.provisionalUnits.filter((u) => !before.units.some((b) => b.id === u.id));
  if (planRecords(before, planId) === planRecords(preview, planId) && newUnits.length === 0 && before.activePlanId !== null) {
    return { changed: false };
  }
  const event: NewLedgerEvent = {
    type: 'plan.imported',
    actor,
    subject: { type: 'plan', id: planId },
    channel: 'cli',
    payload: {
      title: result.plan.title,
      source: result.plan.source,
      counts: result.report.counts,
      warnings: result.report.warnings.length,
      replaced: before.plans.some((p) => p.id === planId),
      provisionalUnits: newUnits.map((u) => u.name),
    },
  };
  const { events: [recorded] } = await store.transact((draft, tx) => {
    tx.append(event);
    next(draft);
    draft.imports = [
      ...draft.imports.filter((i) => i.planId !== planId),
      { planId, sha256: result.plan.source.sha256, at: at.toISOString(), sourceName: result.plan.source.name },
    ];
  });
  return { changed: true, event: recorded! };
}
