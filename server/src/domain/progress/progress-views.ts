import { taskLabel } from '../../../../shared/task-label.js';
import type {
  MyAssignment,
  MyItems,
  OpenItem,
  TaskOverview,
  TimelineEntry,
} from '../../../../shared/schemas/miniapp.js';
import type { SessionTokens } from '../../auth/session-tokens.js';
import { assertReadTask, seesAppealsOf, type Viewer } from '../../auth/viewer.js';
import type { State } from '../../model/state.js';
import type { ObligationRecord } from '../../model/obligation.js';
import { taskView } from '../plan/plan-queries.js';
import { itemName, type ProgressService } from './progress-service.js';
import { KIND_NAME, resultText } from '../review/review-service.js';
import { evidenceKind, type TaskTimeline, type TimelineItem } from './task-timeline.js';
import { findObligation } from '../obligations/obligation-table.js';
import { planTags } from '../obligations/obligation-book.js';

type S = Readonly<State>;

export { lightReason } from '../lights/lights.js';

const unitRef = (s: S, id: string) => ({
  id,
  name: s.units.find((u) => u.id === id)?.name ?? s.groups.find((g) => g.id === id)?.name ?? id,
});

/** 我的任务: what the viewer's units still owe, with lights, counts and the sections they fall in. */
export function myItems(s: S, progress: ProgressService, v: Viewer, section?: string): MyItems {
  const all = progress.openFor([...v.unitIds]);
  // several plans at once: each item names its plan (重点任务1 alone could mean either)
  const tags = planTags(s, progress.today());
  const items: OpenItem[] = all
    .filter((o) => !section || o.task.sectionId === section)
    .map((o) => ({
      obligationId: o.obligation.id,
      assignmentId: o.obligation.assignmentId,
      kind: o.obligation.kind,
      label: o.obligation.label,
      due: o.obligation.due,
      light: o.light,
      reason: o.reason,
      workingDaysLeft: o.workingDaysLeft,
      unit: unitRef(s, o.unitId),
      task: {
        id: o.task.id,
        kind: o.task.kind,
        number: o.task.number,
        title: o.task.title,
        ...(o.task.sectionId ? { sectionId: o.task.sectionId } : {}),
        ...(tags?.get(o.task.planId) ? { plan: tags.get(o.task.planId)! } : {}),
      },
    }));
  const sectionCounts = new Map<string, number>();
  for (const o of all)
    if (o.task.sectionId) sectionCounts.set(o.task.sectionId, (sectionCounts.get(o.task.sectionId) ?? 0) + 1);
  const sections = s.sections
    .filter((x) => sectionCounts.has(x.id))
    .map((x) => ({ id: x.id, label: x.label, title: x.title, count: sectionCounts.get(x.id)! }));
  const next = items.length === 0 ? progress.upcoming([...v.unitIds]) : undefined;
  const nextTask = next && s.tasks.find((t) => t.id === next.taskId);
  return {
    today: progress.today(),
    items,
    counts: {
      red: items.filter((i) => i.light === 'red').length,
      yellow: items.filter((i) => i.light === 'yellow').length,
      green: items.filter((i) => i.light === 'green').length,
    },
    nextDue: items.map((i) => i.due).sort()[0] ?? null,
    sections,
    upcoming:
      next && nextTask
        ? {
            label: next.label,
            opensOn: next.opensOn,
            task: taskLabel(nextTask),
          }
        : null,
  };
}

const TITLES: Record<string, string> = {
  'obligation.acknowledged': '签收',
  'obligation.acknowledgeUndone': '撤销签收',
  'obligation.reported': '完成报送事项',
  'obligation.approved': '审核通过',
  'progress.reported': '报送进展',
  'closure.requested': '申请办结',
  'extension.requested': '申请延期',
  'progress.refiled': '改报事项',
  'request.withdrawn': '撤回申请',
  'review.approved': '审核通过',
  'review.returned': '退回',
  'review.confirmed': '分管领导确认,报送督考办',
  'appeal.filed': '考评申诉',
  'reminder.sent': '发送提醒',
  'instruction.registered': '登记领导批示',
};

function entry(
  s: S,
  sessions: SessionTokens,
  v: Viewer,
  i: TimelineItem,
  labelOf: (obligationId: string) => string | undefined,
): TimelineEntry {
  const person = i.personId ? s.people.find((p) => p.id === i.personId) : undefined;
  let title = TITLES[i.type] ?? i.type;
  let text = i.text;
  if (i.type === 'reminders.summary') {
    return {
      seq: i.seq,
      at: i.at,
      type: i.type,
      title: i.text ?? '',
      evidence: [],
      ...(i.people ? { people: i.people } : {}),
    };
  } else if (i.type === 'reminder.sent') {
    title = `${i.text === 'leader' || i.text === 'supervisor' ? '逾期督办提醒' : '提醒'}已发给 ${person?.name ?? '相关人员'}${i.read ? ',已读' : ''}`;
    text = undefined;
  } else if (i.type === 'obligation.reported' && i.obligationId) {
    title = `完成报送事项:${labelOf(i.obligationId) ?? '进展报送'}`;
    text = undefined;
  } else if (i.type === 'obligation.acknowledged' && i.obligationId) {
    title = `签收(${i.obligationId.split(':')[1]}年度)`;
  }
  return {
    seq: i.seq,
    at: i.at,
    type: i.type,
    title,
    ...(i.actorName ? { actor: i.actorName } : {}),
    ...(i.unitId ? { unit: unitRef(s, i.unitId) } : {}),
    ...(i.channel ? { channel: i.channel } : {}),
    ...(text ? { text } : {}),
    evidence: i.evidence.map((e) => ({
      ...e,
      kind: evidenceKind(e),
      ...sessions.evidenceUrls(e.sha256, v.person.id, evidenceKind(e)),
    })),
  };
}

/** 任务详情: the task, the viewer's own assignments with this year's obligations, and the timeline. */
export async function taskOverview(
  s: S,
  progress: ProgressService,
  timeline: TaskTimeline,
  sessions: SessionTokens,
  v: Viewer,
  taskId: string,
): Promise<TaskOverview> {
  assertReadTask(s, v, taskId);
  const task = s.tasks.find((t) => t.id === taskId)!;
  const items = await timeline.forTask(taskId);
  const cache = new Map<string, string | undefined>();
  const labels = (id: string) => (cache.has(id) ? cache.get(id) : cache.set(id, progress.obligationLabel(id)).get(id));
  const measure = task.kind === 'key' && task.measureId ? s.tasks.find((t) => t.id === task.measureId) : undefined;
  const section = task.sectionId ? s.sections.find((x) => x.id === task.sectionId) : undefined;
  const mine: MyAssignment[] = s.assignments
    .filter((a) => a.taskId === taskId && v.unitIds.has(a.unitId))
    .map((a) => {
      const open = new Map(progress.open(a).map((o) => [o.obligation.id, o]));
      const today = progress.today();
      const obligations = progress.yearObligations(a).map((o) => {
        const live = open.get(o.id);
        const done = o.status !== 'open';
        return {
          obligationId: o.id,
          kind: o.kind,
          label: o.label,
          opensOn: o.opensOn,
          due: o.due,
          status: done ? ('done' as const) : o.opensOn > today ? ('notYet' as const) : ('open' as const),
          ...(live ? { light: live.light, reason: live.reason } : {}),
          ...(done && o.doneAt ? { doneAt: o.doneAt } : {}),
        };
      });
      // last year's still open obligations come first: they are the most overdue
      const carried = [...open.values()].filter((o) => !obligations.some((x) => x.obligationId === o.obligation.id));
      const last = s.lastReports[a.id];
      const requests = progress.pendingRequests(a);
      const closure = requests.find((r) => r.kind === 'closure');
      const extension = requests.find((r) => r.kind === 'extension');
      const acks = obligations.filter((o) => o.kind === 'acknowledge');
      const ack =
        acks.some((o) => o.status === 'open') || carried.some((o) => o.obligation.kind === 'acknowledge')
          ? ('open' as const)
          : acks.some((o) => o.status === 'done')
            ? ('done' as const)
            : ('none' as const);
      const year = Number(today.slice(0, 4));
      const item = (o: ObligationRecord) => ({
        obligationId: o.id,
        label: itemName(o, year),
        due: o.due,
        kind: o.kind,
        ...(o.period ? { period: o.period } : {}),
        year: o.year,
        opensOn: o.opensOn,
      });
      return {
        assignmentId: a.id,
        unit: unitRef(s, a.unitId),
        role: a.role,
        canAct: v.person.roles.some((r) => r === 'contact' || r === 'leader'),
        obligations: [
          ...carried.map((o) => ({
            obligationId: o.obligation.id,
            kind: o.obligation.kind,
            label: `${o.obligation.year}年${o.obligation.label}`,
            opensOn: o.obligation.opensOn,
            due: o.obligation.due,
            status: 'open' as const,
            light: o.light,
            reason: o.reason,
          })),
          ...obligations,
        ],
        acknowledged: ack,
        lastReport: last ? { at: last.at, text: last.text } : null,
        pending: { closure: Boolean(closure), extensionUntil: extension?.until ?? null },
        requests: requests.map((r) => ({
          id: r.id,
          kind: r.kind,
          ...(r.until ? { until: r.until } : {}),
          label: r.obligationIds
            .map((id) => findObligation(s, id))
            .filter((o) => o !== undefined)
            .map((o) => itemName(o, year))
            .join('、'),
          late: r.late,
          createdAt: r.createdAt,
        })),
        closed: a.status === 'closed',
        decisions: decisionsOf(s, a.id, today),
        reportTargets: progress.reportTargets(a).map(item),
        extendable: progress.extendable(a).map(item),
        latestExtension: progress.latestExtension(a),
      };
    });
  return {
    today: progress.today(),
    task: taskView(s, task),
    measure: measure ? { id: measure.id, number: measure.number, title: measure.title } : null,
    section: section ? { id: section.id, label: section.label, title: section.title } : null,
    mine,
    ...shown(
      collapseReminders(
        s,
        v,
        // a 考评申诉 is its unit's matter: shown to that unit, the 督考办 and the evaluators only
        items.filter((i) => i.type !== 'appeal.filed' || seesAppealsOf(v, new Set(i.unitId ? [i.unitId] : []))),
      ).map((i) => entry(s, sessions, v, i, labels)),
    ),
  };
}

/** The 督考办's decisions on a part (and its reports under review), newest first, at most 5. */
function decisionsOf(s: S, assignmentId: string, today: string): MyAssignment['decisions'] {
  const year = Number(today.slice(0, 4));
  return Object.values(s.requests)
    .filter(
      (r) =>
        r.assignmentId === assignmentId &&
        (r.state === 'approved' ||
          r.state === 'returned' ||
          r.state === 'leaderPending' ||
          (r.state === 'pending' && r.kind === 'report')),
    )
    .sort((x, y) => (y.changedAt ?? y.createdAt).localeCompare(x.changedAt ?? x.createdAt) || y.seq - x.seq)
    .slice(0, 5)
    .map((r) => {
      const labels = r.obligationIds
        .map((id) => findObligation(s, id))
        .filter((o) => o !== undefined)
        .map((o) => itemName(o, year));
      const state = r.state as 'leaderPending' | 'pending' | 'approved' | 'returned';
      return {
        id: r.id,
        kind: r.kind,
        state,
        label: labels.join('、') || KIND_NAME[r.kind],
        result:
          state === 'leaderPending'
            ? '待本单位分管领导确认'
            : state === 'pending'
              ? '待督考办审核'
              : resultText(r, state === 'approved' ? 'approve' : 'return', labels, today),
        ...(r.comment ? { comment: r.comment } : {}),
        at: r.changedAt ?? r.createdAt,
      };
    });
}

/** The newest entries a phone can take; the 台账 export has the rest. */
export const TIMELINE_MAX = 300;
const shown = (all: TimelineEntry[]) => ({ timeline: all.slice(0, TIMELINE_MAX), timelineTotal: all.length });

/**
 * A quiet timeline: what people did comes first, reminders are one line per day ("提醒 5 人,已读 3")
 * listing who (the viewer's own units first), after that day's actions — a task with 40 units
 * would otherwise bury its reports under "提醒已发给 …" rows.
 */
function collapseReminders(s: S, v: Viewer, items: readonly TimelineItem[]): TimelineItem[] {
  const out: TimelineItem[] = [];
  let day = '';
  let actions: TimelineItem[] = [];
  let reminders: TimelineItem[] = [];
  const flush = () => {
    out.push(...actions);
    if (reminders.length > 0) {
      const people = reminders
        .map((i) => {
          const person = i.personId ? s.people.find((p) => p.id === i.personId) : undefined;
          const unit = i.unitId ? unitRef(s, i.unitId).name : undefined;
          return {
            name: person?.name ?? '相关人员',
            ...(unit ? { unit } : {}),
            read: Boolean(i.read),
            own: i.unitId !== undefined && v.unitIds.has(i.unitId),
          };
        })
        .sort((a, b) => Number(b.own) - Number(a.own));
      const read = people.filter((p) => p.read).length;
      const newest = reminders[0]!;
      out.push({
        ...newest,
        type: 'reminders.summary',
        evidence: [],
        text: `提醒 ${people.length} 人${read ? `,已读 ${read}` : ''}`,
        people: people.map(({ own: _own, ...p }) => p),
      });
    }
    actions = [];
    reminders = [];
  };
  for (const i of items) {
    const d = i.at.slice(0, 10);
    if (d !== day) {
      flush();
      day = d;
    }
    if (i.type === 'reminder.sent') reminders.push(i);
    else actions.push(i);
  }
  flush();
  return out;
}
