import { createHash } from 'node:crypto';
import { cnDate } from '../../../../shared/cn-date.js';
import {
  INSTRUCTIONS_PLAN_ID,
  URGENCY_NAMES,
  type InstructionBody,
  type InstructionMeta,
  type InstructionView,
} from '../../../../shared/schemas/instruction.js';
import type { Assignment } from '../../../../shared/schemas/assignment.js';
import type { EvidenceMeta } from '../../../../shared/schemas/request.js';
import type { Plan } from '../../../../shared/schemas/plan.js';
import type { InstructionTask } from '../../../../shared/schemas/task.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import type { Store, Tx } from '../../store/ports.js';
import { lightOf } from '../lights/lights.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import { liveYears, materialiseInDraft, type BookRules } from '../obligations/obligation-book.js';
import { obligationsOfAssignment } from '../obligations/obligation-table.js';
import { appLink } from '../reminders/digest-text.js';

type Person = Actor & { id: string };
const RANK = { green: 0, yellow: 1, red: 2 } as const;
type Light = keyof typeof RANK;

/** The instructions plan, made at the first registration: a plan of its own, never the active one. */
function instructionsPlan(): Plan {
  return {
    id: INSTRUCTIONS_PLAN_ID,
    title: '领导批示件',
    issuer: '督考办',
    source: {
      name: '督考办登记',
      format: 'text',
      sha256: createHash('sha256').update('duban:instructions').digest('hex'),
    },
  };
}

/** The 办结 date a registration asks for: the date given, or the working days counted from today. */
function dueOf(b: Pick<InstructionBody, 'due' | 'workingDays'>, today: string, rules: BookRules): string {
  if (b.due) {
    if (b.due < today) throw new AppError('VALIDATION_FAILED', `办结日期不能早于今天(${today})`);
    return b.due;
  }
  const from = rules.calendar.isWorkingDay(today) ? today : rules.calendar.nextWorkingDay(today);
  return rules.calendar.addWorkingDays(from, b.workingDays!);
}

/**
 * 领导批示件: the 督考办 registers a leader's instruction — the leader, the 批示, the document and
 * its 文号, the urgency, the 办结 date (or working days), the lead and co units — and it becomes a
 * task of the instructions plan (批示件N) with an assignment per unit; from there it is chased
 * like any task (签收, 进展, 办结 with review, reminders, lights). When every part is 办结, the
 * result goes back to the leader (`reportBackInDraft`, called by the review).
 */
export class Instructions {
  constructor(private readonly d: { store: Store; rules: BookRules; publicUrl: string }) {}

  async register(actor: Person, b: InstructionBody, photo?: EvidenceMeta): Promise<InstructionMeta> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const today = shanghaiDate(tx.at);
      const due = dueOf(b, today, this.d.rules);
      const units = [
        ...b.leadUnitIds.map((id) => ({ id, role: 'lead' as const })),
        ...b.coUnitIds.filter((id) => !b.leadUnitIds.includes(id)).map((id) => ({ id, role: 'co' as const })),
      ];
      for (const u of units)
        if (!draft.units.some((x) => x.id === u.id))
          throw new AppError('VALIDATION_FAILED', `没有编号为 ${u.id} 的单位,请从单位名录中选择`);
      if (b.leaderPersonId && !draft.people.some((p) => p.id === b.leaderPersonId))
        throw new AppError('VALIDATION_FAILED', `人员名录中没有 ${b.leaderPersonId}`);
      if (!draft.plans.some((p) => p.id === INSTRUCTIONS_PLAN_ID)) {
        const plan = instructionsPlan();
        draft.plans.push(plan);
        draft.imports.push({
          planId: plan.id,
          sha256: plan.source.sha256,
          at: tx.at.toISOString(),
          sourceName: plan.source.name,
          firstAt: tx.at.toISOString(),
        });
      }
      const number = draft.tasks.filter((t) => t.planId === INSTRUCTIONS_PLAN_ID).length + 1;
      const taskId = `${INSTRUCTIONS_PLAN_ID}.i${number}`;
      const names = new Map(draft.units.map((u) => [u.id, u.name]));
      const title = b.title ?? b.docTitle;
      const task: InstructionTask = {
        id: taskId,
        planId: INSTRUCTIONS_PLAN_ID,
        kind: 'instruction',
        number,
        label: `批示件${number}`,
        title,
        body: `${b.leader}批示:${b.text}`,
        unitsText: units.map((u) => `${names.get(u.id)}${u.role === 'lead' ? '△' : ''}`).join('、'),
        units: units.map((u) => ({ name: names.get(u.id)!, role: u.role, target: { type: 'unit', id: u.id } })),
        schedule: { type: 'deadline', text: `${cnDate(due, today)}前办结`, due, source: 'document' },
        leaders: [b.leader],
        registeredOn: today,
      };
      draft.tasks.push(task);
      const created: Assignment[] = units.map((u) => ({
        id: `${taskId}.${u.id}`,
        planId: INSTRUCTIONS_PLAN_ID,
        taskId,
        unitId: u.id,
        role: u.role,
        status: 'active',
      }));
      draft.assignments.push(...created);
      const seq = tx.append({
        type: 'instruction.registered',
        actor,
        subject: { type: 'task', id: taskId },
        channel: 'miniapp',
        payload: {
          taskId,
          number,
          leader: b.leader,
          text: b.text,
          docTitle: b.docTitle,
          ...(b.docNo ? { docNo: b.docNo } : {}),
          date: b.date,
          urgency: b.urgency,
          due,
          units: units.map((u) => ({ unitId: u.id, role: u.role })),
          ...(photo ? { evidence: [photo] } : {}),
        },
      });
      const meta: InstructionMeta = {
        taskId,
        leader: b.leader,
        ...(b.leaderPersonId ? { leaderPersonId: b.leaderPersonId } : {}),
        text: b.text,
        docTitle: b.docTitle,
        ...(b.docNo ? { docNo: b.docNo } : {}),
        date: b.date,
        urgency: b.urgency,
        ...(b.workingDays ? { workingDays: b.workingDays } : {}),
        ...(b.photo ? { photo: b.photo } : {}),
        registeredBy: actor.id,
        registeredAt: tx.at.toISOString(),
        seq,
      };
      draft.instructions = { ...(draft.instructions ?? {}), [taskId]: meta };
      // its items, from today: the 签收 within a working day, the 办理时限
      materialiseInDraft(draft, tx, this.d.rules, liveYears(today));
      this.deliverInDraft(draft, tx, task, meta, created);
      return meta;
    });
    return result;
  }

  /** At once to every unit's contacts and leaders (a 批示件 does not wait for the next digest). */
  private deliverInDraft(
    draft: State,
    tx: Tx,
    task: InstructionTask,
    meta: InstructionMeta,
    parts: Assignment[],
  ): void {
    const today = shanghaiDate(tx.at);
    const urgency = URGENCY_NAMES[meta.urgency];
    for (const a of parts) {
      const title = `【${urgency}】领导批示件 · 批示件${task.number}`;
      cardToEach(
        draft,
        unitPeople(draft, [a.unitId]),
        {
          key: (p) => `instruction:${task.id}:${p.id}`,
          kind: 'urge',
          title,
          markdown: (p) =>
            `### ${title}\n${p.name}:**${meta.leader}**在《${meta.docTitle}》${meta.docNo ? `(${meta.docNo})` : ''}上批示:\n\n> ${meta.text}\n\n贵单位为**${a.role === 'lead' ? '牵头单位' : '配合单位'}**,请签收并于 **${cnDate(task.schedule.due!, today)}** 前办结。`,
          button: { title: '签收并办理', url: appLink(this.d.publicUrl, task.id) },
          tasks: [task.id],
          date: today,
        },
        tx.at,
      );
    }
  }

  /** The 批示件 as the 批示件 tab lists them: each part's light, 签收 and 办结, newest first. */
  list(state: Readonly<State>, today: string, unitIds?: ReadonlySet<string>): InstructionView[] {
    const names = new Map(state.units.map((u) => [u.id, u.name]));
    const out: InstructionView[] = [];
    for (const meta of Object.values(state.instructions ?? {})) {
      const task = state.tasks.find((t) => t.id === meta.taskId);
      if (!task) continue;
      const parts = state.assignments.filter(
        (a) => a.taskId === task.id && (a.status === 'active' || a.status === 'closed'),
      );
      if (unitIds && !parts.some((a) => unitIds.has(a.unitId))) continue;
      const units = parts.map((a) => {
        const items = obligationsOfAssignment(state, a.id);
        const open = items.filter((o) => o.status === 'open');
        const light = open.reduce<Light>((worst, o) => {
          const l = lightOf(this.d.rules.calendar, this.d.rules.policy, today, o.due).light;
          return RANK[l] > RANK[worst] ? l : worst;
        }, 'green');
        return {
          id: a.unitId,
          name: names.get(a.unitId) ?? a.unitId,
          role: a.role,
          status: a.status === 'closed' ? ('closed' as const) : ('active' as const),
          light: a.status === 'closed' ? ('green' as const) : light,
          acknowledged: !items.some((o) => o.kind === 'acknowledge' && o.status === 'open'),
        };
      });
      const closed = units.length > 0 && units.every((u) => u.status === 'closed');
      out.push({
        ...meta,
        number: task.number,
        title: task.title,
        due: task.schedule.due ?? today,
        units,
        status: closed ? 'closed' : 'open',
        light: units.reduce<Light>((w, u) => (RANK[u.light] > RANK[w] ? u.light : w), 'green'),
      });
    }
    return out.sort((a, b) => b.seq - a.seq);
  }
}

/**
 * After a 办结 is approved: when every part of a 批示件 is closed, its result goes back to the
 * leader who wrote it (when the directory has their account) and to the 督考办 who registered it,
 * once, with the 办理情况报告's link; recorded as `instruction.reported`.
 */
export function reportBackInDraft(draft: State, tx: Tx, taskId: string, publicUrl: string): void {
  const meta = draft.instructions?.[taskId];
  const task = draft.tasks.find((t) => t.id === taskId);
  if (!meta || meta.reported || !task) return;
  const parts = draft.assignments.filter(
    (a) => a.taskId === taskId && (a.status === 'active' || a.status === 'closed'),
  );
  if (parts.length === 0 || parts.some((a) => a.status !== 'closed')) return;
  const today = shanghaiDate(tx.at);
  const seq = tx.append({
    type: 'instruction.reported',
    actor: { type: 'system', id: 'duban' },
    subject: { type: 'task', id: taskId },
    channel: 'miniapp',
    payload: { taskId, leader: meta.leader, ...(meta.leaderPersonId ? { leaderPersonId: meta.leaderPersonId } : {}) },
  });
  draft.instructions![taskId] = { ...meta, reported: { at: tx.at.toISOString(), seq } };
  const people = draft.people.filter((p) => p.id === meta.leaderPersonId || p.id === meta.registeredBy);
  const names = new Map(draft.units.map((u) => [u.id, u.name]));
  const title = `批示件办理情况:${task.title.length > 20 ? `${task.title.slice(0, 19)}…` : task.title}`;
  cardToEach(
    draft,
    people,
    {
      key: (p) => `instruction:${taskId}:reported:${p.id}`,
      kind: 'decision',
      title,
      markdown: (p) =>
        `### ${title}\n${p.name}:${meta.leader}在《${meta.docTitle}》上的批示(${cnDate(meta.date, today)})已办结。\n\n${parts
          .map((a) => `- ${names.get(a.unitId) ?? a.unitId}(${a.role === 'lead' ? '牵头' : '配合'}):已办结`)
          .join('\n')}\n\n办理过程和报告见督办通。`,
      button: { title: '查看办理情况', url: appLink(publicUrl, taskId) },
      tasks: [taskId],
      date: today,
    },
    tx.at,
  );
}
