import { current, isDraft, original } from 'immer';
import type { ObligationRecord } from '../../model/obligation.js';
import type { State } from '../../model/state.js';

/**
 * The stored obligations: `state.obligations[year][planId]` is the list of that plan's records of
 * that year, in the order they were materialised. Lists, not one record keyed by id, because a
 * province holds millions of obligations: V8 enumerates and copies a dictionary of 1.58M keys in
 * seconds (and immer copied it on every fulfilment), while a list is walked in milliseconds and a
 * write copies only its own plan-year list. Lookups by id go through an index per list, built once
 * per list version: positions never change (a list only grows; years leave whole).
 *
 * Every read and write of obligations goes through this module; on an immer draft, `find…` and
 * `select…` return draft records (changes are recorded), and read the values as of now.
 */
const indexes = new WeakMap<readonly ObligationRecord[], { byId: Map<string, number>; length: number }>();

/** Where `id` is in `list` (a committed or a plain list — never a draft), indexing what is new. */
function positionIn(list: readonly ObligationRecord[], id: string): number | undefined {
  let ix = indexes.get(list);
  if (!ix) indexes.set(list, (ix = { byId: new Map(), length: 0 }));
  // a plain list built in a transaction grows by appends: index the tail
  for (; ix.length < list.length; ix.length += 1) ix.byId.set(list[ix.length]!.id, ix.length);
  return ix.byId.get(id);
}

/** The year an id names (`${assignmentId}:${year}:${kind}[:${period}]`). */
function yearOf(id: string): string | undefined {
  const from = id.indexOf(':');
  const to = id.indexOf(':', from + 1);
  return from < 0 || to < 0 ? undefined : id.slice(from + 1, to);
}

/** A draft list's base (the committed list its positions come from), or the list itself. */
function baseOf(list: ObligationRecord[]): readonly ObligationRecord[] {
  return isDraft(list) ? (original(list) as readonly ObligationRecord[]) : list;
}

/** A list's records as they are now, without making a draft of each. */
function valuesOf(list: ObligationRecord[]): readonly ObligationRecord[] {
  return isDraft(list) ? current(list) : list;
}

/** The stored obligation `id`, or undefined. On a draft, the draft record (changes to it are recorded). */
export function findObligation(state: Readonly<State>, id: string): ObligationRecord | undefined {
  const year = yearOf(id);
  const plans = year === undefined ? undefined : state.obligations[year];
  if (!plans) return undefined;
  for (const list of Object.values(plans)) {
    const base = baseOf(list);
    const at = positionIn(base, id);
    if (at !== undefined) return list[at];
    // appended in this transaction
    for (let i = base.length; i < list.length; i += 1) if (list[i]!.id === id) return list[i];
  }
  return undefined;
}

/** The stored lists of `years` (every stored year when omitted), of one plan or all, oldest year first. */
function listsOf(state: Readonly<State>, years?: readonly number[], planId?: string): ObligationRecord[][] {
  const out: ObligationRecord[][] = [];
  const keys = Object.keys(state.obligations).sort();
  for (const y of keys) {
    if (years && !years.includes(Number(y))) continue;
    const plans = state.obligations[y]!;
    if (planId !== undefined) {
      const list = plans[planId];
      if (list) out.push(list);
    } else out.push(...Object.values(plans));
  }
  return out;
}

/** The stored lists of `years` (of one plan or all) as they are now, read-only: for walks over millions of records without copying them into one array. */
export function storedLists(
  state: Readonly<State>,
  years?: readonly number[],
  planId?: string,
): ReadonlyArray<readonly ObligationRecord[]> {
  return listsOf(state, years, planId).map(valuesOf);
}

/**
 * The stored obligations (of `years` and `planId` when given) as one read-only array. Not for
 * drafts' writes: use `selectObligations` to change what matches.
 */
export function storedObligations(
  state: Readonly<State>,
  years?: readonly number[],
  planId?: string,
): readonly ObligationRecord[] {
  return concatLists(storedLists(state, years, planId));
}

/** Lists as one array (the list itself when there is one): a loop of pushes, which V8 runs faster than flat(). */
export function concatLists(lists: ReadonlyArray<readonly ObligationRecord[]>): readonly ObligationRecord[] {
  if (lists.length === 1) return lists[0]!;
  const out: ObligationRecord[] = [];
  for (const list of lists) for (const o of list) out.push(o);
  return out;
}

/**
 * The stored obligations that match `test` (judged on their values as of now), as records that can
 * be changed on a draft. Only matching records are made drafts.
 */
export function selectObligations(
  state: Readonly<State>,
  test: (o: ObligationRecord) => boolean,
  years?: readonly number[],
): ObligationRecord[] {
  const out: ObligationRecord[] = [];
  for (const list of listsOf(state, years)) {
    const values = valuesOf(list);
    for (let i = 0; i < values.length; i += 1) if (test(values[i]!)) out.push(list[i]!);
  }
  return out;
}

/** The obligations of one assignment (every stored year), as records that can be changed on a draft. */
export function obligationsOfAssignment(state: Readonly<State>, assignmentId: string): ObligationRecord[] {
  const prefix = `${assignmentId}:`;
  return selectObligations(state, (o) => o.id.startsWith(prefix) && o.assignmentId === assignmentId);
}

/** Stores new records (each id once: the caller checks). */
export function addObligations(draft: State, records: readonly ObligationRecord[]): void {
  for (const r of records) {
    const year = String(r.year);
    const plans = (draft.obligations[year] ??= {});
    const list = (plans[r.planId] ??= []);
    list.push(r);
  }
}

/** Drops the years before `from` (their history is in the ledger). */
export function dropYearsBefore(draft: State, from: number): void {
  for (const y of Object.keys(draft.obligations)) if (Number(y) < from) delete draft.obligations[y];
}
