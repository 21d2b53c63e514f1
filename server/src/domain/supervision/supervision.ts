import { taskLabel } from '../../../../shared/task-label.js';
import { own } from '../../model/own.js';
import type { Actor } from '../../model/ledger.js';
import type { ObligationRecord } from '../../model/obligation.js';
import type { Round } from '../../../../shared/schemas/round.js';
import type { RoundDetail, RoundSummary } from '../../../../shared/schemas/supervision.js';
import { cnDate } from '../../../../shared/cn-date.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import { cardToEach, completeTodosInDraft } from '../notices/notices.js';
import type { Store } from '../../store/ports.js';
import type { State } from '../../model/state.js';
import { materialiseInDraft, obligationsOf, type BookRules } from '../obligations/obligation-book.js';
import { roundCoversOf, type RoundCovers } from '../../../../shared/round-covers.js';
import { appLink } from '../reminders/digest-text.js';
import { addManualInDraft } from '../obligations/manual-obligations.js';
import { findObligation, selectObligations } from '../obligations/obligation-table.js';

type Person = Actor & { id: string };
const byName = new Intl.Collator('zh-CN').compare;

export interface SupervisionDeps {
  store: Store;
  rules: BookRules;
  publicUrl: string;
}

/**
 * A round's items: the hand-made obligations it added (`…:manual:<id>`), stored or still to be
 * stored — or, for a round that is the policy's 年中/年末 duty, the units' own items it re-dated.
 */
function roundItems(state: Readonly<State>, rules: BookRules, round: Round): ObligationRecord[] {
  const ids = new Set(round.manualIds);
  const covered = new Set(round.obligationIds ?? []);
  return obligationsOf(state, rules, [Number(round.due.slice(0, 4))]).filter(
    (o) => covered.has(o.id) || (o.kind === 'manual' && o.period !== undefined && ids.has(o.period)),
  );
}

/**
 * The round as the policy's own duty: each carrying unit's 年中/年末 item of the round's year gets
 * the round's date and requirement (one item, one line in 考评 and 台账). Items already reported
 * stay as they are; a unit whose task owes no such item that year (finished earlier) is left out.
 */
function coverDutyInDraft(
  draft: State,
  rules: BookRules,
  kind: 'midYear' | 'yearEnd',
  input: { name: string; submit: string; due: string },
  assignmentIds: readonly string[],
  today: string,
): { ids: string[]; moved: Array<{ id: string; due: string; label: string; previousDue: string }> } {
  const year = Number(input.due.slice(0, 4));
  const base = kind === 'midYear' ? rules.policy.midYear.label : rules.policy.yearEnd.label;
  const label = `${base}(${input.name}:${input.submit})`.slice(0, 100);
  const ids: string[] = [];
  const moved: Array<{ id: string; due: string; label: string; previousDue: string }> = [];
  for (const a of assignmentIds) {
    const o = findObligation(draft, `${a}:${year}:${kind}`);
    if (!o) continue;
    ids.push(o.id);
    if (o.status !== 'open') continue;
    moved.push({ id: o.id, due: input.due, label, previousDue: o.due });
    Object.assign(o, {
      originalDue: o.originalDue ?? o.due,
      due: input.due,
      label,
      opensOn: o.opensOn < today ? o.opensOn : today,
    });
  }
  return { ids, moved };
}

/**
 * 督查 rounds and 催办 (the 督查 of the plan's five-in-one system). A round adds one hand-made
 * obligation per task for its units; the reminder engine chases them like any item and the round
 * page says who has submitted, who is late. A 催办 is one unit, one task, a message and a date:
 * an item chased like any other, and a work notification to the unit's contacts at once.
 */
export class Supervision {
  constructor(private readonly d: SupervisionDeps) {}

  async openRound(
    actor: Person,
    input: {
      name: string;
      submit: string;
      due: string;
      taskIds: string[];
      unitIds?: string[] | undefined;
      covers?: RoundCovers | undefined;
    },
  ): Promise<Round> {
    const covers = input.covers ?? roundCoversOf(input.name);
    const { result } = await this.d.store.transact((draft, tx) => {
      const today = shanghaiDate(tx.at);
      if (input.due <= today) throw new AppError('VALIDATION_FAILED', `截止日期应晚于今天(${today})`);
      if (covers !== 'none') materialiseInDraft(draft, tx, this.d.rules, [Number(input.due.slice(0, 4))]);
      const coveredIds: string[] = [];
      const covered: Array<{ id: string; due: string; label: string; previousDue: string }> = [];
      const units = input.unitIds ? new Set(input.unitIds) : undefined;
      for (const id of input.unitIds ?? [])
        if (!draft.units.some((u) => u.id === id)) throw new AppError('VALIDATION_FAILED', `没有编号为 ${id} 的单位`);
      const manualIds: string[] = [];
      const taskIds: string[] = [];
      for (const taskId of [...new Set(input.taskIds)]) {
        if (!draft.tasks.some((t) => t.id === taskId))
          throw new AppError('TASK_NOT_FOUND', `没有编号为 ${taskId} 的任务`);
        const carried = draft.assignments
          .filter((a) => a.taskId === taskId && a.status === 'active' && (!units || units.has(a.unitId)))
          .map((a) => a.unitId);
        if (carried.length === 0) continue; // none of the chosen units carries this task
        if (covers !== 'none') {
          const ids = draft.assignments
            .filter((a) => a.taskId === taskId && a.status === 'active' && (!units || units.has(a.unitId)))
            .map((a) => a.id);
          const mine = coverDutyInDraft(draft, this.d.rules, covers, input, ids, today);
          if (mine.ids.length === 0) continue; // the task owes no such report that year
          covered.push(...mine.moved);
          coveredIds.push(...mine.ids);
          taskIds.push(taskId);
          continue;
        }
        manualIds.push(
          addManualInDraft(
            draft,
            tx,
            this.d.rules,
            {
              taskId,
              ...(units ? { unitIds: carried } : {}),
              label: `${input.name}:${input.submit}`.slice(0, 100),
              due: input.due,
            },
            actor,
            'miniapp',
          ),
        );
        taskIds.push(taskId);
      }
      if (manualIds.length === 0 && coveredIds.length === 0)
        throw new AppError(
          'VALIDATION_FAILED',
          covers === 'none'
            ? '所选单位不承担所选的任何任务,没有可督查的事项'
            : `所选任务在 ${input.due.slice(0, 4)} 年没有${covers === 'midYear' ? '年中督查报告' : '年末自评报告'}事项(已完成或不在计划期内),没有可督查的事项`,
        );
      const rounds = (draft.rounds ??= {});
      const id = `G${Object.keys(rounds).length + 1}`;
      const planId = draft.tasks.find((t) => t.id === taskIds[0])!.planId;
      const round: Round = {
        id,
        planId,
        name: input.name,
        submit: input.submit,
        due: input.due,
        taskIds,
        ...(input.unitIds ? { unitIds: input.unitIds } : {}),
        manualIds,
        ...(covers !== 'none' ? { covers, obligationIds: coveredIds } : {}),
        status: 'open',
        createdBy: actor.id,
        createdAt: tx.at.toISOString(),
      };
      tx.append({
        type: 'round.opened',
        actor,
        subject: { type: 'round', id },
        channel: 'miniapp',
        payload: {
          roundId: id,
          name: input.name,
          submit: input.submit,
          due: input.due,
          taskIds,
          unitIds: input.unitIds ?? null,
          manualIds,
          ...(covers !== 'none' ? { covers, covered } : {}),
        },
      });
      rounds[id] = round;
      return round;
    });
    return result;
  }

  /**
   * Closes a round: what is still open of its own items is waived (no more reminders), what was
   * submitted stays. A round that is the policy's 年中/年末 duty waives nothing: the duty stands.
   */
  async closeRound(actor: Person, id: string): Promise<Round> {
    await this.d.store.transact((draft, tx) => {
      const round = own(draft.rounds, id);
      if (!round) throw new AppError('NOT_FOUND', `没有编号为 ${id} 的督查`);
      if (round.status === 'closed') throw new AppError('CONFLICT', '这次督查已经结束');
      const ids = new Set(round.manualIds);
      const waived = selectObligations(
        draft,
        (o) => o.kind === 'manual' && o.period !== undefined && ids.has(o.period) && o.status === 'open',
      ).map((o) => o.id);
      const seq = tx.append({
        type: 'round.closed',
        actor,
        subject: { type: 'round', id },
        channel: 'miniapp',
        payload: { roundId: id, waived, before: 'open', after: 'closed' },
      });
      for (const oid of waived) {
        Object.assign(findObligation(draft, oid)!, {
          status: 'waived',
          seq,
          doneAt: tx.at.toISOString(),
          by: actor.id,
          action: 'roundClosed',
        });
        completeTodosInDraft(draft, oid, tx.at);
      }
      Object.assign(round, { status: 'closed', closedAt: tx.at.toISOString(), closedBy: actor.id });
    });
    return this.d.store.state.get().rounds![id]!;
  }

  list(state: Readonly<State> = this.d.store.state.get(), today: string): RoundSummary[] {
    return Object.values(state.rounds ?? {})
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((r) => ({ ...r, ...counts(roundItems(state, this.d.rules, r), today) }));
  }

  detail(id: string, today: string, state: Readonly<State> = this.d.store.state.get()): RoundDetail {
    const round = own(state.rounds, id);
    if (!round) throw new AppError('NOT_FOUND', `没有编号为 ${id} 的督查`);
    const items = roundItems(state, this.d.rules, round);
    const tasks = new Map(state.tasks.map((t) => [t.id, t]));
    const units = new Map(state.units.map((u) => [u.id, u.name]));
    const rows = items
      .map((o) => {
        const t = tasks.get(o.taskId);
        return {
          obligationId: o.id,
          task: {
            id: o.taskId,
            kind: t?.kind ?? ('key' as const),
            number: t?.number ?? 0,
            title: t?.title ?? o.taskId,
          },
          unit: { id: o.unitId, name: units.get(o.unitId) ?? o.unitId },
          state: stateOf(o, today),
          ...(o.doneAt ? { doneAt: o.doneAt } : {}),
        };
      })
      .sort(
        (a, b) => ORDER[a.state] - ORDER[b.state] || a.task.number - b.task.number || byName(a.unit.name, b.unit.name),
      );
    return { round: { ...round, ...counts(items, today) }, rows };
  }

  /** 催办: one unit, one task, a message and a due date — chased like any item, and sent at once. */
  async urge(
    actor: Person,
    input: { taskId: string; unitId: string; message: string; due: string },
  ): Promise<{ manualId: string; people: string[] }> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const today = shanghaiDate(tx.at);
      if (input.due < today) throw new AppError('VALIDATION_FAILED', `截止日期不能早于今天(${today})`);
      const message = input.message.trim();
      // the platform drops a second identical work notice the same day: refuse it rather than say 已催办
      const same = draft.manualObligations.find(
        (m) =>
          m.taskId === input.taskId &&
          m.unitIds?.length === 1 &&
          m.unitIds[0] === input.unitId &&
          m.label === `催办:${message}`.slice(0, 100) &&
          shanghaiDate(new Date(m.createdAt)) === today,
      );
      if (same)
        throw new AppError(
          'CONFLICT',
          '今天已向该单位发出内容相同的催办(钉钉不会重复送达同样的消息);如需再次催办,请换一种说法或明天再发',
        );
      const manualId = addManualInDraft(
        draft,
        tx,
        this.d.rules,
        {
          taskId: input.taskId,
          unitIds: [input.unitId],
          label: `催办:${message}`.slice(0, 100),
          due: input.due,
          opensOn: today,
        },
        actor,
        'miniapp',
      );
      const task = draft.tasks.find((t) => t.id === input.taskId)!;
      const unitName = draft.units.find((u) => u.id === input.unitId)?.name ?? input.unitId;
      const people = draft.people.filter((p) => p.unitIds.includes(input.unitId) && p.roles.includes('contact'));
      if (people.length === 0)
        throw new AppError('VALIDATION_FAILED', `${unitName}还没有联络员,无法催办:请先同步通讯录`);
      const name = taskLabel(task);
      const title = `督考办催办 · ${name}`;
      tx.append({
        type: 'urge.sent',
        actor,
        subject: { type: 'assignment', id: `${input.taskId}.${input.unitId}` },
        channel: 'miniapp',
        payload: {
          manualId,
          taskId: input.taskId,
          unitId: input.unitId,
          message,
          due: input.due,
          people: people.map((p) => p.id),
        },
      });
      cardToEach(
        draft,
        people,
        {
          key: (p) => `urge:${manualId}:${p.id}`,
          kind: 'urge',
          title,
          markdown: (p) =>
            `### ${title}\n${p.name},**${name}** ${task.title.length > 30 ? `${task.title.slice(0, 29)}…` : task.title}\n\n${message}\n\n请于 **${cnDate(input.due, today)}** 前在督办通中报送。`,
          button: { title: '打开督办通报送', url: appLink(this.d.publicUrl, input.taskId) },
          tasks: [input.taskId],
          date: today,
        },
        tx.at,
      );
      return { manualId, people: people.map((p) => p.id) };
    });
    return result;
  }
}

type ItemState = 'late' | 'pending' | 'submitted' | 'waived';
const ORDER: Record<ItemState, number> = { late: 0, pending: 1, submitted: 2, waived: 3 };

function stateOf(o: ObligationRecord, today: string): ItemState {
  if (o.status === 'fulfilled' || o.status === 'closed') return 'submitted';
  if (o.status === 'waived') return 'waived';
  return o.due < today ? 'late' : 'pending';
}

function counts(
  items: readonly ObligationRecord[],
  today: string,
): { total: number; submitted: number; late: number; pending: number } {
  const c = { total: items.length, submitted: 0, late: 0, pending: 0 };
  for (const o of items) {
    const s = stateOf(o, today);
    if (s !== 'waived') c[s] += 1;
  }
  return c;
}
