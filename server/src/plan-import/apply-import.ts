import { taskLabel } from '../../../shared/task-label.js';
import type { Actor, LedgerEvent } from '../model/ledger.js';
import type { AppendEvent } from '../model/ledger-events.js';
import type { ImportResult } from '../importer/import-result.js';
import { ImportError } from '../importer/import-error.js';
import type { Store } from '../store/ports.js';
import { State } from '../model/state.js';
import { canonicalJson } from '../model/canonical-json.js';

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
 * Refuses an import that would destroy a plan unless forced: one with no tasks at all, or one
 * that would drop more than half of the tasks the plan of the same id has now (say which).
 */
export function checkApplySafety(
  before: Readonly<State>,
  result: ImportResult,
  force: boolean,
  o: { emptyOnly?: boolean } = {},
): void {
  if (force) return;
  if (result.tasks.length === 0) {
    throw new ImportError(
      'IMPORT_EMPTY',
      '文件里没有识别到任何任务,不会写入(以免清空计划)。请检查文件格式;确需如此,加 --force',
    );
  }
  if (o.emptyOnly) return; // the caller weighs losses itself (plan-loss.ts)
  const existing = before.tasks.filter((t) => t.planId === result.plan.id);
  const kept = new Set(result.tasks.map((t) => t.id));
  const dropped = existing.filter((t) => !kept.has(t.id));
  if (existing.length > 0 && dropped.length > existing.length / 2) {
    const names = dropped.slice(0, 10).map((t) => `${taskLabel(t)} ${t.title.slice(0, 20)}`);
    throw new ImportError(
      'IMPORT_DROPS_TASKS',
      `新文件会让计划 ${result.plan.id} 失去 ${dropped.length}/${existing.length} 项任务(${names.join(';')}${dropped.length > 10 ? ' 等' : ''}),不会写入。请确认导入的是同一份计划的完整版本;确需替换,加 --force`,
    );
  }
}

/**
 * Writes an imported plan into the store, replacing that plan's previous records. Idempotent:
 * importing the same document again changes nothing and records nothing. Units the directory did
 * not know are added as provisional units. The ledger records the import before the state changes,
 * so a crash in between is repaired by importing again.
 */
export interface ApplyImportOptions {
  channel?: 'cli' | 'miniapp';
  /** The 督考办's corrections made before applying (recorded with the document's hash). */
  corrections?: readonly Record<string, unknown>[];
  /** Make this plan the active one. */
  activate?: boolean;
  /** The tasks of the plan replaced that the document leaves out, as the 督考办 confirmed (recorded). */
  lost?: { planId: string; tasks: { id: string; label: string; title: string }[] };
}

export async function applyImport(
  store: Store,
  result: ImportResult,
  actor: Actor,
  at: Date,
  options: ApplyImportOptions = {},
): Promise<ApplyImportResult> {
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
    const knownGroups = new Set(draft.groups.map((g) => g.id));
    draft.groups.push(...result.provisionalGroups.filter((g) => !knownGroups.has(g.id)));
    if (options.activate) draft.activePlanId = planId;
    else draft.activePlanId ??= planId;
  };
  const before = store.state.get();
  const preview = structuredClone(before) as State;
  next(preview);
  State.parse(preview); // never write a state that would not load
  const newUnits = result.provisionalUnits.filter((u) => !before.units.some((b) => b.id === u.id));
  const newGroups = result.provisionalGroups.filter((g) => !before.groups.some((b) => b.id === g.id));
  if (
    planRecords(before, planId) === planRecords(preview, planId) &&
    newUnits.length === 0 &&
    newGroups.length === 0 &&
    before.activePlanId !== null &&
    before.activePlanId === preview.activePlanId
  ) {
    return { changed: false };
  }
  const event: AppendEvent = {
    type: 'plan.imported',
    actor,
    subject: { type: 'plan', id: planId },
    channel: options.channel ?? 'cli',
    payload: {
      title: result.plan.title,
      source: result.plan.source,
      counts: result.report.counts,
      warnings: result.report.warnings.length,
      replaced: before.plans.some((p) => p.id === planId),
      provisionalUnits: newUnits.map((u) => u.name),
      ...(options.corrections?.length ? { corrections: [...options.corrections] } : {}),
      ...(newGroups.length ? { provisionalGroups: newGroups.map((g) => g.name) } : {}),
      ...(options.lost ? { lost: options.lost } : {}),
      ...(options.activate && before.activePlanId && before.activePlanId !== planId
        ? { replacedActive: before.activePlanId }
        : {}),
    },
  };
  const {
    events: [recorded],
  } = await store.transact((draft, tx) => {
    tx.append(event);
    next(draft);
    const previous = draft.imports.find((i) => i.planId === planId);
    draft.imports = [
      ...draft.imports.filter((i) => i.planId !== planId),
      {
        planId,
        sha256: result.plan.source.sha256,
        at: at.toISOString(),
        sourceName: result.plan.source.name,
        firstAt: previous?.firstAt ?? previous?.at ?? at.toISOString(),
      },
    ];
  });
  return { changed: true, event: recorded! };
}
