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
  const cut = !/[。;;!!??]$/.test(above.title);
  const own = c.units
    ? c.units.flatMap((u) => parseUnitList(u.name, resolver, u.role === 'lead' ? 'allLead' : 'allCo').refs)
    : task.units;
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
  for (const task of result.tasks) {
    const c = byTask.get(task.id);
    if (c?.drop) continue;
    if (c?.mergeUp) {
      mergeInto(tasks, assignments, task, c, resolver);
      continue;
    }
    let next = task;
    if (c?.time !== undefined)
      next = {
        ...next,
        schedule:
          c.time.trim() === ''
            ? { type: 'annual', text: '', source: 'default' }
            : parseTimeRequirement(c.time.trim(), contextYear).rule,
      };
    if (c?.units) {
      if (c.units.length === 0)
        throw new ImportError(
          'IMPORT_CORRECTION',
          `${task.kind === 'key' ? '重点任务' : '任务'}${task.label} 至少要有一个责任单位;不需要这项任务请选"不导入"`,
        );
      const refs = c.units.flatMap(
        (u) => parseUnitList(u.name, resolver, u.role === 'lead' ? 'allLead' : 'allCo').refs,
      );
      next = {
        ...next,
        units: refs,
        unitsText: c.units.map((u) => `${u.name}${u.role === 'lead' ? '(牵头)' : ''}`).join('、'),
      };
      assignments.push(...expand(task.id, task.planId, refs, resolver));
    } else assignments.push(...result.assignments.filter((a) => a.taskId === task.id));
    tasks.push(next);
  }
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
