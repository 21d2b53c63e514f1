import type { ImportCorrection } from '../../../shared/schemas/import.js';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import { UnitResolver } from '../naming/unit-resolver.js';
import { expand } from './assemble.js';
import { ImportError } from './import-error.js';
import type { ImportResult } from './import-result.js';
import { parseTimeRequirement } from './time-requirement.js';
import { parseUnitList } from './unit-list.js';

/** A line read as a task of its own that continues the task above: its text, and its units, join that one. */
function mergeInto(
  tasks: ImportResult['tasks'],
  assignments: ImportResult['assignments'],
  task: ImportResult['tasks'][number],
  c: ImportCorrection,
  resolver: UnitResolver,
): void {
  const above = tasks.at(-1);
  if (!above) throw new ImportError('IMPORT_CORRECTION', `${task.label} 是第一项任务,没有可以并入的上一项`);
  // a title cut mid-sentence goes on; one that ended stays, and the rest is the task's text
  const cut = !/[。;!?]$/.test(above.title);
  const own = c.units ? refsOf(c.units, resolver) : task.units;
  const known = new Set(above.units.map((u) => `${u.target.type}:${u.target.id}`));
  const units = [...above.units, ...own.filter((u) => !known.has(`${u.target.type}:${u.target.id}`))];
  const merged = {
    ...above,
    ...(cut ? { title: `${above.title}${task.title}` } : {}),
    body: `${above.body}${task.body}`,
    units,
    unitsText: [above.unitsText, task.unitsText].filter(Boolean).join('、'),
    ...(above.schedule.source === 'default' && task.schedule.source !== 'default' ? { schedule: task.schedule } : {}),
  };
  tasks[tasks.length - 1] = merged;
  // the task above's parts, now with the continuation's units too
  for (let i = assignments.length - 1; i >= 0; i -= 1)
    if (assignments[i]!.taskId === above.id) assignments.splice(i, 1);
  assignments.push(...expand(above.id, above.planId, units, resolver));
}

type Task = ImportResult['tasks'][number];

/** Units named on the page, each with the role given, resolved against the directory like the document's own. */
function refsOf(units: NonNullable<ImportCorrection['units']>, resolver: UnitResolver): Task['units'] {
  return units.flatMap((u) => parseUnitList(u.name, resolver, u.role === 'lead' ? 'allLead' : 'allCo').refs);
}

/** A time wording typed on the page, parsed like the document's (empty: 每年推进). */
function scheduleOf(time: string, contextYear: number | undefined): Task['schedule'] {
  return time.trim() === ''
    ? { type: 'annual', text: '', source: 'default' }
    : parseTimeRequirement(time.trim(), contextYear).rule;
}

/** The first sentence of a text: what a task's title is when the document gave no title of its own. */
const firstSentence = (text: string): string => /^.*?[。;!?](?=.)/su.exec(text)?.[0] ?? text;

/**
 * Two tasks read as one (a lost 序号, a row run into the one above): the task keeps the words
 * before `at`, and a new task begins at `at` — the next free number of its kind, the task's units
 * and time unless the page gave its own.
 */
function splitTask(task: Task, split: NonNullable<ImportCorrection['split']>, taken: readonly Task[]): [Task, Task] {
  const at = task.body.indexOf(split.at.trim());
  const label = `${task.kind === 'key' ? '重点任务' : '任务'}${task.label}`;
  if (split.at.trim() === '' || at < 0)
    throw new ImportError(
      'IMPORT_CORRECTION',
      `${label} 的原文里没有"${split.at.slice(0, 30)}":请从原文中选择新一项开始的句子`,
    );
  if (split.units?.length === 0) throw new ImportError('IMPORT_CORRECTION', `从${label}另起的一项至少要有一个责任单位`);
  if (at === 0) throw new ImportError('IMPORT_CORRECTION', `${label} 从第一句起就是它自己:新一项应从后面的句子开始`);
  const before = task.body.slice(0, at).trim();
  const after = task.body.slice(at).trim();
  const whole = task.title === task.body;
  const number = Math.max(0, ...taken.filter((t) => t.kind === task.kind).map((t) => t.number)) + 1;
  const first = {
    ...task,
    body: before,
    title: whole ? before : before.startsWith(task.title) ? task.title : firstSentence(before),
  };
  const second = {
    ...task,
    id: `${task.id}-${number}`,
    number,
    label: /^\d+$/.test(task.label) ? String(number) : `${task.label}之二`,
    body: after,
    title: whole ? after : firstSentence(after),
  };
  return [first, second];
}

/**
 * The 督考办's corrections applied to a parsed document before it is written: a task dropped, its
 * units replaced (each name with the role given, resolved against the directory like the
 * document's own), its time wording replaced (parsed like the document's). Pure; a correction
 * naming a task the document does not have is refused.
 */
export function applyCorrections(
  result: ImportResult,
  corrections: readonly ImportCorrection[],
  directory: UnitDirectory,
): ImportResult {
  if (corrections.length === 0) return result;
  const byTask = new Map(corrections.map((c) => [c.taskId, c]));
  const unknown = [...byTask.keys()].filter((id) => !result.tasks.some((t) => t.id === id));
  if (unknown.length > 0)
    throw new ImportError(
      'IMPORT_CORRECTION',
      `更正所指的任务不在这份文件里:${unknown.slice(0, 5).join('、')}。请重新上传后再更正`,
    );
  const resolver = new UnitResolver({
    ...directory,
    units: [...directory.units, ...result.provisionalUnits],
    groups: [...directory.groups, ...result.provisionalGroups],
  });
  const contextYear =
    result.plan.period?.from ?? (result.plan.issuedOn ? Number(result.plan.issuedOn.slice(0, 4)) : undefined);
  const tasks: ImportResult['tasks'] = [];
  const assignments: ImportResult['assignments'] = [];
  /** Tasks split off, numbered after every task of the document. */
  const added: Task[] = [];
  /** The task each one split off came from (it starts on that task's line). */
  const origin = new Map<string, string>();
  for (const task of result.tasks) {
    const c = byTask.get(task.id);
    if (c?.drop) continue;
    if (c?.mergeUp && c.split)
      throw new ImportError('IMPORT_CORRECTION', `${task.label}:"并入上一项"和"另起一项"只能选一个`);
    if (c?.mergeUp) {
      mergeInto(tasks, assignments, task, c, resolver);
      continue;
    }
    const [first, second] = c?.split ? splitTask(task, c.split, [...result.tasks, ...added]) : [task];
    let next = first;
    if (c?.time !== undefined) next = { ...next, schedule: scheduleOf(c.time, contextYear) };
    if (c?.units) {
      if (c.units.length === 0)
        throw new ImportError(
          'IMPORT_CORRECTION',
          `${task.kind === 'key' ? '重点任务' : '任务'}${task.label} 至少要有一个责任单位;不需要这项任务请选"不导入"`,
        );
      const refs = refsOf(c.units, resolver);
      next = {
        ...next,
        units: refs,
        unitsText: c.units.map((u) => `${u.name}${u.role === 'lead' ? '(牵头)' : ''}`).join('、'),
      };
      assignments.push(...expand(task.id, task.planId, refs, resolver));
    } else assignments.push(...result.assignments.filter((a) => a.taskId === task.id));
    tasks.push(next);
    if (second) {
      const own = c?.split?.units;
      const split = {
        ...second,
        schedule: c?.split?.time !== undefined ? scheduleOf(c.split.time, contextYear) : next.schedule,
        ...(own
          ? {
              units: refsOf(own, resolver),
              unitsText: own.map((u) => `${u.name}${u.role === 'lead' ? '(牵头)' : ''}`).join('、'),
            }
          : { units: next.units, unitsText: next.unitsText }),
      };
      added.push(split);
      origin.set(split.id, task.id);
      assignments.push(...expand(split.id, split.planId, split.units, resolver));
    }
  }
  tasks.push(...added);
  const used = new Set(assignments.map((a) => a.unitId));
  const provisionalUnits = [
    ...new Map([...result.provisionalUnits, ...resolver.provisional].map((u) => [u.id, u])).values(),
  ].filter((u) => used.has(u.id));
  const provisionalGroups = [
    ...new Map([...result.provisionalGroups, ...resolver.provisionalGroups].map((g) => [g.id, g])).values(),
  ].filter((g) => used.has(g.id));
  return {
    ...result,
    tasks,
    assignments,
    // a task split off starts on the line of the task it came from
    lines: {
      ...result.lines,
      ...Object.fromEntries(added.map((t) => [t.id, result.lines[origin.get(t.id)!] ?? 0])),
    },
    provisionalUnits,
    provisionalGroups,
    report: {
      ...result.report,
      counts: {
        ...result.report.counts,
        measures: tasks.filter((t) => t.kind === 'measure').length,
        keyTasks: tasks.filter((t) => t.kind === 'key').length,
        assignments: assignments.length,
        toDesignate: assignments.filter((a) => a.status === 'toDesignate').length,
        unitsReached: new Set(assignments.filter((a) => a.status === 'active').map((a) => a.unitId)).size,
        provisionalUnits: provisionalUnits.length,
      },
    },
  };
}
