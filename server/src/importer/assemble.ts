import { planPeriodOf } from './plan-period.js';
import { createHash } from 'node:crypto';
import type { Assignment } from '../../../shared/schemas/assignment.js';
import type { Plan, ProseObligation, Section } from '../../../shared/schemas/plan.js';
import type { ScheduleRule } from '../../../shared/schemas/schedule.js';
import type { Task, UnitRef } from '../../../shared/schemas/task.js';
import type { UnitResolver } from '../naming/unit-resolver.js';
import type { DraftPlan, DraftTask } from './draft.js';
import type { ImportReport, ImportResult, ImportWarning } from './import-result.js';
import { FIRST_IS_LEAD_NOTE } from './draft.js';
import { roleSegments, takeConvention } from './roles.js';
import { linkKeyTasksToMeasures } from './link-measures.js';
import { findProseObligations } from './prose-obligations.js';
import { deadlineInText, parseTimeRequirement } from './time-requirement.js';
import { parseUnitList, type RoleRule } from './unit-list.js';

export interface AssembleOptions {
  /** Name of the source (file name), shown in the report and stored with the plan. */
  sourceName: string;
  format: 'text' | 'xlsx' | 'docx' | 'pdf';
  sha256: string;
  /** Id of the plan; default derived from its title, issuer and date (stable across re-imports). */
  planId?: string;
  /** The document's convention is "the first listed unit leads" (otherwise detected from a 注). */
  firstIsLead?: boolean;
  /** Title to use when the document has none (an .xlsx list, say). */
  fallbackTitle?: string;
}

/**
 * Adds a responsible leader once: the same person written with and without the title (李红 in the
 * 分管领导 column, 李红副区长 among the units) is one leader, named the fuller way.
 */
export function addLeader(list: string[], name: string): void {
  const same = list.findIndex((x) => x === name || x.startsWith(name) || name.startsWith(x));
  if (same < 0) list.push(name);
  else if (name.length > list[same]!.length) list[same] = name;
}

/** Turns a parsed draft into the plan's records, resolving units, groups and time requirements. */
export function assemble(draft: DraftPlan, resolver: UnitResolver, options: AssembleOptions): ImportResult {
  const warnings: ImportWarning[] = [];
  const { plan, contextYear } = planOf(draft, options, warnings);
  const firstIsLead = options.firstIsLead ?? draft.firstIsLeadStated;
  const conventionReport: ImportReport['conventions'] = draft.conventions.map((c) => ({
    line: c.line,
    text: c.text,
    effect: FIRST_IS_LEAD_NOTE.test(c.text) ? '各任务的单位列表按第一个单位牵头' : '已记录',
  }));
  const sections: Section[] = draft.sections.map((s) => ({
    id: `${plan.id}.s${s.number}`,
    planId: plan.id,
    number: s.number,
    label: s.label,
    title: s.title,
  }));
  for (const s of draft.skipped)
    warnings.push({
      code: 'SKIPPED_LINE',
      line: s.line,
      message: `第${s.line}行已跳过:${s.reason}。原文:${clip(s.text)}`,
    });
  const ids = taskIds(draft.tasks, plan.id, warnings);
  const { tasks, assignments } = tasksOf(draft, {
    planId: plan.id,
    ids,
    sectionIds: new Set(sections.map((s) => s.id)),
    resolver,
    conventions: { firstIsLead },
    contextYear,
    warnings,
    conventionReport,
  });
  if (tasks.length === 0)
    warnings.push({
      code: 'NO_TASKS',
      message: '没有识别到任何任务:请检查文档格式(编号条目、"责任单位:"行或带表头的任务清单)',
    });
  const obligations = proseObligationsOf(draft, plan.id, warnings);
  const reached = new Set(assignments.filter((a) => a.status === 'active').map((a) => a.unitId));
  return {
    plan,
    sections,
    tasks,
    assignments,
    obligations,
    provisionalUnits: [...resolver.provisional],
    provisionalGroups: [...resolver.provisionalGroups],
    lines: Object.fromEntries(draft.tasks.map((d) => [ids.get(d)!, d.line])),
    tables: draft.tables,
    ...(draft.originals ? { originals: draft.originals } : {}),
    report: {
      source: plan.source,
      counts: {
        sections: sections.length,
        measures: tasks.filter((t) => t.kind === 'measure').length,
        keyTasks: tasks.filter((t) => t.kind === 'key').length,
        assignments: assignments.length,
        toDesignate: assignments.filter((a) => a.status === 'toDesignate').length,
        unitsReached: reached.size,
        provisionalUnits: resolver.provisional.length,
        obligations: obligations.length,
        proseLines: draft.prose.length,
        skippedLines: draft.skipped.length,
      },
      roleConvention: firstIsLead ? 'firstIsLead' : 'marked',
      conventions: conventionReport,
      warnings,
    },
  };
}

/** The plan's own record: title (or the file's name), id, issuer, 实施期限 — and the year dates without one are read in. */
function planOf(
  draft: DraftPlan,
  options: AssembleOptions,
  warnings: ImportWarning[],
): { plan: Plan; contextYear: number | undefined } {
  const title = draft.meta.title ?? options.fallbackTitle ?? options.sourceName;
  if (!draft.meta.title) warnings.push({ code: 'NO_TITLE', message: `未识别到计划标题,暂用"${title}"` });
  const planId =
    options.planId ?? `p-${sha(`${title}|${draft.meta.issuer ?? ''}|${draft.meta.issuedOn ?? ''}`).slice(0, 10)}`;
  const period = planPeriodOf(title, draft.meta.issuedOn);
  const plan: Plan = {
    id: planId,
    title,
    issuer: draft.meta.issuer ?? '',
    source: { name: options.sourceName, format: options.format, sha256: options.sha256 },
  };
  if (draft.meta.issuedOn) plan.issuedOn = draft.meta.issuedOn;
  if (draft.meta.addressees) plan.addressees = draft.meta.addressees;
  if (period) plan.period = { from: period.from, to: period.to };
  if (period?.source === 'issued')
    warnings.push({
      code: 'PERIOD_ASSUMED',
      message: `标题中没有写明实施期限,暂按发文年份 ${period.from} 年;请在导入前核对或修改`,
    });
  if (!period) warnings.push({ code: 'NO_PERIOD', message: '未能读出实施期限(标题无年份、无发文日期):请在导入前填写' });
  const contextYear = plan.period?.from ?? (plan.issuedOn ? Number(plan.issuedOn.slice(0, 4)) : undefined);
  return { plan, contextYear };
}

interface TaskContext {
  planId: string;
  ids: Map<DraftTask, string>;
  sectionIds: ReadonlySet<string>;
  resolver: UnitResolver;
  conventions: Conventions;
  contextYear: number | undefined;
  warnings: ImportWarning[];
  conventionReport: ImportReport['conventions'];
}

/** Each draft task as a task record (units resolved, time parsed, section and measure linked) and its assignments. */
function tasksOf(draft: DraftPlan, ctx: TaskContext): { tasks: Task[]; assignments: Assignment[] } {
  const { planId, ids, resolver, warnings } = ctx;
  const links = linkKeyTasksToMeasures(
    draft.tasks.filter((t) => t.kind === 'key'),
    draft.tasks.filter((t) => t.kind === 'measure'),
  );
  const timeFieldsUsed = {
    key: draft.tasks.some((t) => t.kind === 'key' && t.timeText),
    measure: draft.tasks.some((t) => t.kind === 'measure' && t.timeText),
  };
  const hasMeasures = draft.tasks.some((t) => t.kind === 'measure');
  const tasks: Task[] = [];
  const assignments: Assignment[] = [];
  for (const d of draft.tasks) {
    const id = ids.get(d)!;
    const where = `${d.kind === 'key' ? '重点任务' : '任务'}${d.label}(第${d.line}行)`;
    const units = resolveUnits(d, resolver, ctx.conventions, where, warnings, ctx.conventionReport);
    const schedule = resolveSchedule(d, ctx.contextYear, timeFieldsUsed[d.kind], where, warnings);
    const linked = links.get(d);
    const sectionNumber = d.kind === 'key' && linked ? linked.sectionNumber : d.sectionNumber;
    const sectionId =
      sectionNumber !== undefined && ctx.sectionIds.has(`${planId}.s${sectionNumber}`)
        ? `${planId}.s${sectionNumber}`
        : undefined;
    const base = {
      id,
      planId,
      number: d.number,
      label: d.label,
      title: d.title || clip(d.body),
      body: d.body,
      unitsText: [d.leadText, d.unitsText, d.coText].filter(Boolean).join(';'),
      units,
      schedule,
      leaders: d.leaders,
      ...(sectionId ? { sectionId } : {}),
    };
    if (d.kind === 'key') {
      const measureId = linked ? ids.get(linked) : undefined;
      if (!measureId && hasMeasures)
        warnings.push({ code: 'NO_MEASURE_LINK', line: d.line, message: `${where}未能对应到正文中的任务条目` });
      tasks.push({ ...base, kind: 'key', ...(measureId ? { measureId } : {}) });
    } else tasks.push({ ...base, kind: 'measure' });
    assignments.push(...expand(id, planId, units, resolver));
  }
  return { tasks, assignments };
}

/** Time limits written in the prose (not on a task), each with who it applies to — or a warning to name them. */
function proseObligationsOf(draft: DraftPlan, planId: string, warnings: ImportWarning[]): ProseObligation[] {
  return findProseObligations(draft.prose).map((o, i) => {
    if (o.appliesTo === 'unresolved')
      warnings.push({
        code: 'OBLIGATION_UNRESOLVED',
        line: o.line,
        message: `第${o.line}行的时限要求"${clip(o.text)}"未能确定责任单位,请督考办指定`,
      });
    return {
      id: `${planId}.o${i + 1}`,
      planId,
      text: o.text,
      due: o.due,
      whoText: o.whoText,
      appliesTo: o.appliesTo,
      what: o.what,
    };
  });
}

/** The first-is-lead convention as the document states it, line by line (a 下同 note applies from its task on). */
interface Conventions {
  firstIsLead: boolean;
}

function resolveUnits(
  d: DraftTask,
  resolver: UnitResolver,
  conventions: Conventions,
  where: string,
  warnings: ImportWarning[],
  report: ImportReport['conventions'],
): UnitRef[] {
  // a convention stated in brackets inside a unit list: out of the names, into the report
  let firstIsLead = conventions.firstIsLead;
  const texts = { lead: d.leadText, units: d.unitsText, co: d.coText };
  for (const key of ['lead', 'units', 'co'] as const) {
    const t = texts[key];
    if (!t) continue;
    const { text, convention } = takeConvention(t);
    texts[key] = text;
    if (!convention) continue;
    report.push({
      line: d.line,
      text: convention.text,
      effect: convention.firstIsLead
        ? convention.fromHere
          ? '此后各任务的单位列表按第一个单位牵头'
          : '本任务的单位列表按第一个单位牵头'
        : '已从单位名称中去掉',
    });
    if (convention.firstIsLead) {
      firstIsLead = true;
      if (convention.fromHere) conventions.firstIsLead = true;
    }
  }
  const lists: Array<[string | undefined, RoleRule]> = [
    [texts.lead, 'allLead'],
    [texts.units, texts.lead ? 'allCo' : firstIsLead ? 'firstIsLead' : 'marked'],
    [texts.co, 'allCo'],
  ];
  const refs: UnitRef[] = [];
  for (const [text, rule] of lists) {
    if (!text) continue;
    for (const segment of roleSegments(text, rule)) {
      const result = parseUnitList(segment.text, resolver, segment.rule);
      refs.push(...result.refs);
      for (const name of result.leaders) addLeader(d.leaders, name);
      for (const name of result.unknown)
        warnings.push({
          code: 'UNKNOWN_UNIT',
          line: d.line,
          message: `${where}的责任单位"${name}"不在单位名录中,已作为待确认单位导入`,
        });
      for (const name of result.unknownGroups)
        warnings.push({
          code: 'UNKNOWN_GROUP',
          line: d.line,
          message: `${where}的"${name}"不是名录中的单位组,已作为待明确的单位组导入,请督考办明确责任单位`,
        });
    }
  }
  if (refs.length === 0) warnings.push({ code: 'NO_UNITS', line: d.line, message: `${where}没有写明责任单位` });
  // a unit named twice (in the 牵头单位 column and again among the 责任单位) is one unit: a lead if either says so
  const byTarget = new Map<string, UnitRef>();
  for (const ref of refs) {
    const key = `${ref.target.type}:${ref.target.id}`;
    const seen = byTarget.get(key);
    if (!seen) byTarget.set(key, ref);
    else if (ref.role === 'lead') seen.role = 'lead';
  }
  return [...byTarget.values()];
}

function resolveSchedule(
  d: DraftTask,
  contextYear: number | undefined,
  layoutHasTime: boolean,
  where: string,
  warnings: ImportWarning[],
): ScheduleRule {
  if (!d.timeText) {
    // no 时间要求 of its own: a deadline the task's sentence states (2022年10月底前完成…) is its deadline
    const stated = deadlineInText(d.title, contextYear);
    if (stated) {
      warnings.push({ code: 'DEADLINE_IN_TEXT', line: d.line, message: `${where}:${stated.warning}` });
      return stated.rule;
    }
    if (layoutHasTime)
      warnings.push({ code: 'NO_TIME', line: d.line, message: `${where}没有时间要求,按"每年推进"处理` });
    return { type: 'annual', text: '', source: 'default' };
  }
  const { rule, warning } = parseTimeRequirement(d.timeText, contextYear);
  if (warning)
    warnings.push({
      code: rule.flagged ? 'UNPARSED_TIME' : 'ASSUMED_YEAR',
      line: d.line,
      message: `${where}:${warning}`,
    });
  return rule;
}

/** One assignment per unit: groups expanded (viaGroupId), unexpandable groups kept as "to designate". */
export function expand(taskId: string, planId: string, refs: readonly UnitRef[], resolver: UnitResolver): Assignment[] {
  const byUnit = new Map<string, Assignment>();
  const put = (a: Assignment): void => {
    const prev = byUnit.get(a.unitId);
    const better =
      !prev ||
      (prev.viaGroupId && !a.viaGroupId) ||
      (prev.role === 'co' && a.role === 'lead' && !!prev.viaGroupId === !!a.viaGroupId);
    if (better) byUnit.set(a.unitId, a);
  };
  for (const ref of refs) {
    if (ref.target.type === 'unit') {
      put({
        id: `${taskId}.${ref.target.id}`,
        planId,
        taskId,
        unitId: ref.target.id,
        role: ref.role,
        status: 'active',
      });
      continue;
    }
    const group = resolver.group(ref.target.id)!;
    if (!group.expandable) {
      put({ id: `${taskId}.${group.id}`, planId, taskId, unitId: group.id, role: ref.role, status: 'toDesignate' });
      continue;
    }
    for (const unit of resolver.members(group)) {
      put({
        id: `${taskId}.${unit.id}`,
        planId,
        taskId,
        unitId: unit.id,
        role: ref.role,
        viaGroupId: group.id,
        status: 'active',
      });
    }
  }
  return [...byUnit.values()];
}

/** Ids by kind and number (k8, m20); when a document restarts numbering per section: m3-1. */
function taskIds(tasks: readonly DraftTask[], planId: string, warnings: ImportWarning[]): Map<DraftTask, string> {
  const ids = new Map<DraftTask, string>();
  for (const kind of ['key', 'measure'] as const) {
    const ofKind = tasks.filter((t) => t.kind === kind);
    const prefix = kind === 'key' ? 'k' : 'm';
    const unique = new Set(ofKind.map((t) => t.number)).size === ofKind.length;
    const used = new Set<string>();
    for (const t of ofKind) {
      let id = unique ? `${planId}.${prefix}${t.number}` : `${planId}.${prefix}${t.sectionNumber ?? 0}-${t.number}`;
      if (used.has(id)) {
        warnings.push({
          code: 'DUPLICATE_NUMBER',
          line: t.line,
          message: `编号${t.label}重复出现(第${t.line}行),已按出现顺序另行编号`,
        });
        let n = 2;
        while (used.has(`${id}-${n}`)) n += 1;
        id = `${id}-${n}`;
      }
      used.add(id);
      ids.set(t, id);
    }
  }
  return ids;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
