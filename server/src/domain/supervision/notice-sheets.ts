import { current, isDraft } from 'immer';
import { taskLabel } from '../../../../shared/task-label.js';
import { cnDate } from '../../../../shared/cn-date.js';
import {
  SHEET_LEVEL_NAMES,
  type NoticeSheet,
  type SheetBody,
  type SheetCandidates,
  type SheetItem,
  type SheetLevel,
} from '../../../../shared/schemas/notice-sheet.js';
import type { Person } from '../../../../shared/schemas/person.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import type { Store } from '../../store/ports.js';
import { lightOf, lightReason } from '../lights/lights.js';
import { cardToEach, unitPeople } from '../notices/notices.js';
import type { BookRules } from '../obligations/obligation-book.js';
import { findObligation, storedObligations } from '../obligations/obligation-table.js';
import { itemName } from '../progress/item-name.js';

/** Where a unit opens a sheet: the mini-app's page for it (回执 and 回复 there). */
export const sheetLink = (publicUrl: string, id: string): string =>
  `${publicUrl}/app/#/sheets/${encodeURIComponent(id)}`;

/** 待签收 · 待回复 · 已回复 · 逾期未回复 (seen on `today`). */
export function sheetStatus(s: NoticeSheet, today: string): 'unsigned' | 'signed' | 'answered' | 'late' {
  if (s.answer) return 'answered';
  if (s.replyBy < today) return 'late';
  return s.signed ? 'signed' : 'unsigned';
}

/** A person may sign and answer a sheet of one of their units (its contacts and leaders). */
function ownSheet(draft: Readonly<State>, person: Pick<Person, 'id' | 'unitIds' | 'roles'>, id: string): NoticeSheet {
  const sheet = draft.noticeSheets?.[id];
  if (!sheet || !person.unitIds.includes(sheet.unitId))
    throw new AppError('NOT_FOUND', `没有找到督办通知单 ${id}(或不是发给您单位的)`);
  if (!person.roles.includes('contact') && !person.roles.includes('leader'))
    throw new AppError('FORBIDDEN', '只有本单位的联络员或领导可以签收、回复督办通知单');
  // a snapshot, not the draft: it is returned from the transaction and spread into the next version
  return isDraft(sheet) ? current(sheet) : sheet;
}

/**
 * 督办通知单: issued by the 督考办 about a unit's lagging items, numbered within the year, graded by
 * the items' lights (or as chosen), delivered at once to the unit's contacts and leaders as a
 * notice that opens it; signed (回执) and answered by the unit — through the mini-app or the bot,
 * the same methods — and escalated to its leaders when left unsigned or unanswered.
 */
export class NoticeSheets {
  constructor(private readonly d: { store: Store; rules: BookRules; publicUrl: string }) {}

  async issue(actor: Actor & { id: string }, input: SheetBody): Promise<NoticeSheet> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const today = shanghaiDate(tx.at);
      const unit = draft.units.find((u) => u.id === input.unitId);
      if (!unit) throw new AppError('VALIDATION_FAILED', `没有这个单位:${input.unitId}`);
      if (input.replyBy < today) throw new AppError('VALIDATION_FAILED', `回复期限不能早于今天(${today})`);
      const year = Number(today.slice(0, 4));
      const items: SheetItem[] = [];
      let worst: SheetLevel = 'hint';
      for (const id of new Set(input.obligationIds)) {
        const o = findObligation(draft, id);
        if (!o || o.unitId !== input.unitId)
          throw new AppError('VALIDATION_FAILED', `事项 ${id} 不是${unit.name}的事项`);
        if (o.status !== 'open') throw new AppError('VALIDATION_FAILED', `事项"${o.label}"已经办理,无需督办`);
        const task = draft.tasks.find((t) => t.id === o.taskId);
        const light = lightOf(this.d.rules.calendar, this.d.rules.policy, today, o.due);
        if (light.light === 'red') worst = 'red';
        else if (light.light === 'yellow' && worst === 'hint') worst = 'yellow';
        items.push({
          obligationId: o.id,
          taskId: o.taskId,
          name: `${task ? taskLabel(task) : o.taskId} · ${itemName(o, year)}`,
          due: o.due,
          state: lightReason({ ...light, due: o.due }, today),
        });
      }
      const level = input.level ?? worst;
      const n = Object.values(draft.noticeSheets ?? {}).filter((s) => s.year === year).length + 1;
      const people = unitPeople(draft, [unit.id]);
      if (!people.some((p) => p.roles.includes('contact')))
        throw new AppError('VALIDATION_FAILED', `${unit.name}还没有联络员,无法送达督办通知单:请先同步通讯录`);
      const number = `督办〔${year}〕${n}号`;
      const seq = tx.append({
        type: 'sheet.issued',
        actor,
        subject: { type: 'unit', id: unit.id },
        channel: 'miniapp',
        payload: {
          number,
          level,
          unitId: unit.id,
          obligationIds: items.map((i) => i.obligationId),
          text: input.text,
          replyBy: input.replyBy,
        },
      });
      const sheet: NoticeSheet = {
        id: `D${seq}`,
        number,
        year,
        n,
        level,
        unitId: unit.id,
        items,
        text: input.text,
        replyBy: input.replyBy,
        issuedBy: actor.id,
        issuedAt: tx.at.toISOString(),
        seq,
      };
      draft.noticeSheets = { ...(draft.noticeSheets ?? {}), [sheet.id]: sheet };
      const title = `督办通知单 ${number}(${SHEET_LEVEL_NAMES[level]})`;
      cardToEach(
        draft,
        people,
        {
          key: (p) => `sheet:${sheet.id}:${p.id}`,
          kind: 'urge',
          title,
          markdown: (p) =>
            `### ${title}\n${p.name}:${unit.name}以下事项需加快办理:\n\n${items
              .map((i) => `- ${i.name}(${i.state})`)
              .join('\n')}\n\n${input.text}\n\n请**签收**,并于 **${cnDate(input.replyBy, today)}** 前回复办理情况。`,
          button: { title: '签收并回复', url: sheetLink(this.d.publicUrl, sheet.id) },
          tasks: [...new Set(items.map((i) => i.taskId))],
          date: today,
        },
        tx.at,
      );
      return sheet;
    });
    return result;
  }

  /** A unit's open items that are overdue or close (red, then yellow; oldest first), and the level they give. */
  candidates(state: Readonly<State>, unitId: string, today: string): SheetCandidates {
    const unit = state.units.find((u) => u.id === unitId);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', `没有编号为 ${unitId} 的单位`);
    const year = Number(today.slice(0, 4));
    const items = storedObligations(state)
      .filter((o) => o.unitId === unitId && o.status === 'open')
      .map((o) => {
        const light = lightOf(this.d.rules.calendar, this.d.rules.policy, today, o.due);
        const task = state.tasks.find((t) => t.id === o.taskId);
        return {
          obligationId: o.id,
          taskId: o.taskId,
          name: `${task ? taskLabel(task) : o.taskId} · ${itemName(o, year)}`,
          due: o.due,
          state: lightReason({ ...light, due: o.due }, today),
          light: light.light,
        };
      })
      .filter((i) => i.light !== 'green')
      .sort((a, b) => a.due.localeCompare(b.due) || a.name.localeCompare(b.name, 'zh-CN', { numeric: true }));
    const level: SheetLevel = items.some((i) => i.light === 'red')
      ? 'red'
      : items.some((i) => i.light === 'yellow')
        ? 'yellow'
        : 'hint';
    return { today, unit: { id: unit.id, name: unit.name }, items, level };
  }

  /** 回执: the unit signs for the sheet (again: nothing changes, `already`). */
  async sign(
    person: Person,
    id: string,
    channel: 'miniapp' | 'bot',
  ): Promise<{ sheet: NoticeSheet; already: boolean }> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const sheet = ownSheet(draft, person, id);
      if (sheet.signed) return { sheet, already: true };
      tx.append({
        type: 'sheet.signed',
        actor: { type: 'person', id: person.id },
        subject: { type: 'sheet', id },
        channel,
        payload: { number: sheet.number, unitId: sheet.unitId },
      });
      const signed = { ...sheet, signed: { by: person.id, at: tx.at.toISOString(), channel } };
      draft.noticeSheets![id] = signed;
      return { sheet: signed, already: false };
    });
    return result;
  }

  /** The unit's answer (办理情况, with files): signs it too when not signed yet. Once only. */
  async answer(
    person: Person,
    id: string,
    input: { text: string; evidence: readonly string[] },
    channel: 'miniapp' | 'bot',
  ): Promise<NoticeSheet> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const sheet = ownSheet(draft, person, id);
      if (sheet.answer)
        throw new AppError(
          'CONFLICT',
          `督办通知单 ${sheet.number} 已于 ${cnDate(shanghaiDate(new Date(sheet.answer.at)))} 回复`,
        );
      const text = input.text.trim();
      if (text.length < 2) throw new AppError('VALIDATION_FAILED', '请写明办理情况');
      const at = tx.at.toISOString();
      tx.append({
        type: 'sheet.answered',
        actor: { type: 'person', id: person.id },
        subject: { type: 'sheet', id },
        channel,
        payload: { number: sheet.number, unitId: sheet.unitId, text, evidence: [...input.evidence] },
      });
      const answered: NoticeSheet = {
        ...sheet,
        signed: sheet.signed ?? { by: person.id, at, channel },
        answer: { by: person.id, at, channel, text, evidence: [...input.evidence] },
      };
      draft.noticeSheets![id] = answered;
      return answered;
    });
    return result;
  }

  /**
   * The day's escalations (the scheduler, on a working day): a sheet still unsigned the working day
   * after it was issued, or unanswered after its reply date, goes to the unit's leaders — once each.
   */
  async escalate(now: Date): Promise<number> {
    const today = shanghaiDate(now);
    const { calendar } = this.d.rules;
    if (!calendar.isWorkingDay(today)) return 0;
    const due = (s: NoticeSheet): Array<'unsigned' | 'unanswered'> => {
      const out: Array<'unsigned' | 'unanswered'> = [];
      if (s.answer) return out;
      const issued = shanghaiDate(new Date(s.issuedAt));
      if (!s.signed && !s.escalated?.unsigned && calendar.workingDaysBetween(issued, today) >= 1) out.push('unsigned');
      if (!s.escalated?.unanswered && s.replyBy < today) out.push('unanswered');
      return out;
    };
    if (!Object.values(this.d.store.state.get().noticeSheets ?? {}).some((s) => due(s).length > 0)) return 0;
    const { result } = await this.d.store.transact((draft, tx) => {
      let sent = 0;
      for (const sheet of Object.values(draft.noticeSheets ?? {})) {
        const reasons = due(sheet);
        if (reasons.length === 0) continue;
        const unit = draft.units.find((u) => u.id === sheet.unitId);
        const leaders = draft.people.filter((p) => p.unitIds.includes(sheet.unitId) && p.roles.includes('leader'));
        const why = reasons.includes('unanswered')
          ? `已过回复期限(${cnDate(sheet.replyBy, today)})仍未回复`
          : '送达后一个工作日仍未签收';
        tx.append({
          type: 'sheet.escalated',
          actor: { type: 'system', id: 'scheduler' },
          subject: { type: 'sheet', id: sheet.id },
          channel: 'scheduler',
          payload: { number: sheet.number, unitId: sheet.unitId, reasons, leaders: leaders.map((p) => p.id) },
        });
        const title = `督办通知单 ${sheet.number} ${why}`;
        cardToEach(
          draft,
          leaders,
          {
            key: (p) => `sheet:${sheet.id}:${reasons.join('+')}:${p.id}`,
            kind: 'urge',
            title,
            markdown: (p) =>
              `### ${title}\n${p.name}:督考办向${unit?.name ?? sheet.unitId}发出的督办通知单(${SHEET_LEVEL_NAMES[sheet.level]}),${why},请督促办理。\n\n${sheet.items
                .map((i) => `- ${i.name}`)
                .join('\n')}`,
            button: { title: '查看督办通知单', url: sheetLink(this.d.publicUrl, sheet.id) },
            tasks: [...new Set(sheet.items.map((i) => i.taskId))],
            date: today,
          },
          tx.at,
        );
        const escalated = { ...sheet.escalated };
        for (const r of reasons) escalated[r] = today;
        draft.noticeSheets![sheet.id] = { ...sheet, escalated };
        sent += 1;
      }
      return sent;
    });
    return result;
  }
}
