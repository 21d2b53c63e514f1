import type { Person } from '../../../shared/schemas/person.js';
import type { Task } from '../../../shared/schemas/task.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Channel, OutboundMessage } from '../channels/channel.js';
import type { Clock, Log } from '../deps.js';
import { appLink } from '../domain/reminders/digest-text.js';
import { fulfilObligations } from '../domain/reminders/fulfil.js';
import { openObligations, type OpenObligation } from '../domain/reminders/open-obligations.js';
import type { ReminderPolicy } from '../domain/reminders/policy.js';
import { findDateExpression } from '../importer/date-expression.js';
import { reportTargets } from '../domain/progress/progress-service.js';
import type { Store } from '../store/ports.js';
import type { EvidenceStore, StoredEvidence } from '../evidence/evidence-store.js';
import { AppError } from '../errors.js';
import type { BotEvent, BotEventHandler } from './bot-event.js';
import { parseCommand, type BotCommand } from './command-parser.js';

export interface BotDeps {
  store: Store;
  /** Where pictures and files sent to the bot are kept; without it they are only recorded. */
  evidence?: EvidenceStore;
  channel: Channel;
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  clock: Clock;
  log: Log;
  publicUrl: string;
}

/** Files sent within this long after a report are attached to it. */
const CONTEXT_MS = 30 * 60_000;
const LIGHT = { red: '🔴', yellow: '🟡', green: '🟢' } as const;

export const HELP_TEXT = [
  '### 督办通机器人可以这样用',
  '- **我的任务**:查看待办事项和截止时间',
  '- **收到 8** 或 **全部收到**:签收任务',
  '- **进展 8 已完成试点申报**:报送进展',
  '- **无变化 8**:本期进展与上期相同',
  '- **完成 8 情况说明**:申请办结(督考办审核)',
  '- **延期 8 6月30日 原因**:申请延期',
  '- **详情 8**:查看任务内容和责任单位',
  '',
  '编号就是提醒里的"重点任务"编号,也可以写"第八项"。',
].join('\n');

/**
 * The bot: who is speaking, what they asked, the action in the ledger (channel bot, with the
 * msgId), and a reply through the session webhook while it lives, else a proactive message.
 */
export function createBotHandler(d: BotDeps): BotEventHandler {
  const reply = async (event: BotEvent, message: OutboundMessage): Promise<void> => {
    if (event.reply && event.reply.expiresAt.getTime() > Date.now()) {
      const r = await d.channel.replyInSession(event.reply.webhook, message);
      if (r.ok) return;
    }
    if (event.sender.userId) await d.channel.sendRobot([event.sender.userId], message);
  };
  const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });
  const md = (title: string, body: string): OutboundMessage => ({ kind: 'markdown', title, text: body });
  /** A confirmation with a link to the task (or to 我的任务) in the mini-app. */
  const done = (sentence: string, taskId?: string): OutboundMessage => md(sentence.slice(0, 20), `${sentence}\n\n[${taskId ? '查看任务详情' : '打开我的任务'}](${appLink(d.publicUrl, taskId)})`);
  const keyTaskId = (n: number | undefined): string | undefined => {
    const s = d.store.state.get();
    return n === undefined ? undefined : s.tasks.find((t) => t.planId === s.activePlanId && t.kind === 'key' && t.number === n)?.id;
  };

  return async (event) => {
    const state = d.store.state.get();
    const person = state.people.find((p) => p.dingtalk.userId === event.sender.userId);
    const actor = person ? { type: 'person' as const, id: person.id, name: person.name } : { type: 'person' as const, id: event.sender.userId || 'unknown', name: event.sender.name };
    const record = (type: string, payload: Record<string, unknown>, subject = { type: 'botMessage', id: event.msgId }) =>
      d.store.transact((_, tx) => tx.append({ type, actor, subject, channel: 'bot', payload: { msgId: event.msgId, ...payload } })).then((r) => r.events[0]!);

    if (!person) {
      await record('bot.unknownSender', { userId: event.sender.userId, text: event.text.slice(0, 500) });
      const dkb = state.people.find((p) => p.roles.includes('supervisor'));
      return reply(event, text(`您好${event.sender.name ? `,${event.sender.name}` : ''}。督办通里还没有您的账号,无法办理。请联系区督考办${dkb ? `(${dkb.name})` : ''}开通。`));
    }
    if (event.files.length > 0) return receiveFiles(event, person, record, (m) => reply(event, m));
    const command = parseCommand(event.text);
    const today = shanghaiDate(d.clock.now());
    const open = (): OpenObligation[] => openObligations(d.store.state.get(), d.calendar, d.policy, person.unitIds, today);
    try {
      await handle(command, person, open, today, event, record, (m) => reply(event, m));
    } catch (error) {
      d.log.error(`机器人处理消息 ${event.msgId} 失败:${(error as Error).stack ?? String(error)}`);
      await reply(event, text('抱歉,处理时出了点问题,已记录。请稍后再试,或在督办通应用中办理。'));
    }
  };

  /** Pictures and files: downloaded, checked, stored by content, attached to the report they belong to. */
  async function receiveFiles(event: BotEvent, person: Person, record: (type: string, payload: Record<string, unknown>) => Promise<unknown>, send: (m: OutboundMessage) => Promise<void>): Promise<void> {
    if (!d.evidence) {
      await record('bot.fileReceived', { files: event.files.map((f) => ({ kind: f.kind, fileName: f.fileName })) });
      return send(text('已收到文件并记入台账,请在督办通应用的"填报进展"中上传佐证材料。'));
    }
    const stored: StoredEvidence[] = [];
    for (const f of event.files) {
      try {
        const file = await d.channel.downloadBotFile(f.downloadCode);
        stored.push(await d.evidence.put(file.bytes, f.fileName ?? (f.kind === 'picture' ? '图片.jpg' : '文件')));
      } catch (error) {
        if (error instanceof AppError) return send(text(`这个文件没有收下:${error.message}`));
        throw error;
      }
    }
    const ctx = d.store.state.get().botContext[person.id];
    const fresh = ctx?.task !== undefined && d.clock.now().getTime() - Date.parse(ctx.at) < CONTEXT_MS;
    const what = stored.map((s) => (s.kind === 'image' ? '图片' : s.name)).join('、');
    if (fresh) {
      for (const s of stored) await record('evidence.attached', { sha256: s.sha256, mime: s.mime, size: s.size, name: s.name, task: ctx.task, reportSeq: ctx.reportSeq });
      return send(done(`已将${what}附在重点任务${ctx.task}的进展上。`, keyTaskId(ctx.task)));
    }
    await record('evidence.received', { files: stored.map((s) => ({ sha256: s.sha256, mime: s.mime, size: s.size, name: s.name })) });
    await d.store.transact((draft) => {
      const pending = [...(draft.botContext[person.id]?.pending ?? []), ...stored.map(({ sha256, mime, size, name }) => ({ sha256, mime, size, name }))].slice(-20);
      draft.botContext[person.id] = { at: d.clock.now().toISOString(), pending };
    });
    return send(text(`已收到${what}。请回复"进展 编号 内容",${stored.length > 1 ? '这些文件' : '它'}会附在这条进展上。`));
  }

  /** The key task a number names (active plan) and, when it is unambiguous, the person's unit on it. */
  function placeOf(person: Person, number: number, unitName?: string): { taskId?: string; unitId?: string } {
    const s = d.store.state.get();
    const task = s.tasks.find((t) => t.planId === s.activePlanId && t.kind === 'key' && t.number === number);
    if (!task) return {};
    const units = s.assignments.filter((a) => a.taskId === task.id && person.unitIds.includes(a.unitId)).map((a) => a.unitId);
    const named = unitName ? units.filter((id) => id === unitName || s.units.find((u) => u.id === id)?.name === unitName) : units;
    return named.length === 1 ? { taskId: task.id, unitId: named[0]! } : { taskId: task.id };
  }

  /** The task of the one-task reminder this person got in the last 4 hours, if any. */
  function remindedTask(personId: string): number | undefined {
    const since = d.clock.now().getTime() - 4 * 3600_000;
    const sent = d.store.state
      .get()
      .outbox.filter((r) => r.kind === 'notice' && r.personId === personId && r.status === 'sent' && r.doneAt && Date.parse(r.doneAt) >= since)
      .sort((a, b) => (a.doneAt! < b.doneAt! ? 1 : -1))[0];
    const tasks = (sent?.payload.tasks as string[] | undefined) ?? [];
    if (tasks.length !== 1) return undefined;
    return d.store.state.get().tasks.find((t) => t.id === tasks[0])?.number;
  }

  async function handle(
    command: BotCommand,
    person: Person,
    open: () => OpenObligation[],
    today: string,
    event: BotEvent,
    record: (type: string, payload: Record<string, unknown>, subject?: { type: string; id: string }) => Promise<unknown>,
    send: (m: OutboundMessage) => Promise<void>,
  ): Promise<void> {
    const units = (ids: readonly string[]) => ids.map((id) => d.store.state.get().units.find((u) => u.id === id)?.name ?? id);
    const taskName = (t: Task) => `${t.kind === 'key' ? '重点任务' : '任务'}${t.number}`;
    const pick = (list: OpenObligation[], n: number, unit?: string): OpenObligation[] | string => {
      const mine = list.filter((o) => o.task.number === n);
      if (mine.length === 0) return `您的单位在重点任务${n}上没有需要办理的事项。回复"我的任务"查看全部。`;
      const byUnit = [...new Set(mine.map((o) => o.unitId))];
      if (byUnit.length > 1 && !unit) return `您负责的 ${units(byUnit).join('、')} 都承担重点任务${n}。请注明单位,例如:收到 ${n} ${units(byUnit)[0]}`;
      if (unit) {
        const u = byUnit.find((id) => units([id])[0] === unit || id === unit);
        if (!u) return `重点任务${n}里没有"${unit}"这个单位,请从 ${units(byUnit).join('、')} 中选择。`;
        return mine.filter((o) => o.unitId === u);
      }
      return mine;
    };
    const fulfil = (list: OpenObligation[], action: 'acknowledge' | 'report', note?: string) =>
      fulfilObligations(d.store, list.map((o) => ({ obligationId: o.obligation.id, unitId: o.unitId, action, channel: 'bot' as const, actor: { type: 'person' as const, id: person.id, name: person.name }, at: d.clock.now(), ...(note ? { note: `${note}(消息 ${event.msgId})` } : { note: `消息 ${event.msgId}` }) })));

    switch (command.kind) {
      case 'help':
        return send(md('督办通机器人', HELP_TEXT));
      case 'myTasks': {
        const list = open();
        if (list.length === 0) return send(text(`${person.name},您的单位目前没有待办事项。下一次提醒会在有事项到期前发出。`));
        const lines = list.slice(0, 10).map((o) => `- ${LIGHT[o.light]} [${units([o.unitId])[0]}] **${taskName(o.task)}** ${o.obligation.label},${o.obligation.due} 截止${o.workingDaysLeft < 0 ? `(已逾期 ${-o.workingDaysLeft} 个工作日)` : ''}`);
        const more = list.length > 10 ? `\n\n另有 ${list.length - 10} 项,[在督办通中查看](${appLink(d.publicUrl)})` : '';
        return send(md('我的任务', `### 我的任务(${list.length} 项)\n${lines.join('\n')}${more}\n\n🔴 已逾期 🟡 即将到期 🟢 时间充裕`));
      }
      case 'ack': {
        const chosen = pick(open().filter((o) => o.obligation.kind === 'acknowledge'), command.task, command.unit);
        if (typeof chosen === 'string') return send(text(chosen));
        await fulfil(chosen, 'acknowledge');
        return send(done(`已签收:${taskName(chosen[0]!.task)}(${units([...new Set(chosen.map((o) => o.unitId))]).join('、')})。`, chosen[0]!.task.id));
      }
      case 'ackAll': {
        const acks = open().filter((o) => o.obligation.kind === 'acknowledge');
        if (acks.length === 0) return send(text('没有需要签收的任务。'));
        await fulfil(acks, 'acknowledge');
        return send(done(`已全部签收,共 ${acks.length} 项:${[...new Set(acks.map((o) => o.task.number))].sort((a, b) => a - b).join('、')}。`));
      }
      case 'progress':
      case 'noChange': {
        const body = command.kind === 'progress' ? command.text : '本期无变化,沿用上期进展';
        const chosen = pick(reportTargets(open(), today), command.task, command.unit);
        const where = typeof chosen === 'string' ? placeOf(person, command.task, command.unit) : { taskId: chosen[0]!.task.id, unitId: chosen[0]!.unitId };
        const reported = (await record('progress.reported', { task: command.task, ...where, text: body.slice(0, 2000), obligations: typeof chosen === 'string' ? [] : chosen.map((o) => o.obligation.id) })) as { seq: number };
        const waiting = d.store.state.get().botContext[person.id]?.pending ?? [];
        for (const e of waiting) await record('evidence.attached', { ...e, task: command.task, reportSeq: reported.seq });
        await d.store.transact((draft) => {
          draft.botContext[person.id] = { at: d.clock.now().toISOString(), task: command.task, reportSeq: reported.seq, pending: [] };
        });
        const attachedNote = waiting.length > 0 ? `已附上 ${waiting.length} 个文件。` : '';
        if (typeof chosen === 'string') return send(done(`已记录您对重点任务${command.task}的进展。${attachedNote}${chosen.startsWith('您的单位') ? '当前没有到期的报送事项。' : chosen}`, where.taskId));
        await fulfil(chosen.slice(0, 1), 'report', body);
        return send(done(`已报送:${taskName(chosen[0]!.task)} ${chosen[0]!.obligation.label}。${command.kind === 'noChange' ? '(本期无变化)' : ''}${attachedNote || '可以接着发图片或文件作为佐证材料。'}`, chosen[0]!.task.id));
      }
      case 'complete':
        await record('closure.requested', { task: command.task, ...placeOf(person, command.task), text: command.text.slice(0, 2000) });
        return send(done(`已提交重点任务${command.task}的办结申请,待督考办审核。`, keyTaskId(command.task)));
      case 'extend': {
        const due = command.dateText === '月底' ? `${today.slice(0, 7)}-${new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 0)).getUTCDate()}` : findDateExpression(command.dateText, Number(today.slice(0, 4)))?.due;
        if (!due) return send(text(`没看懂日期"${command.dateText}",请写成 6月30日 或 2026-06-30。`));
        await record('extension.requested', { task: command.task, ...placeOf(person, command.task), until: due, reason: command.reason.slice(0, 2000) });
        return send(done(`已提交重点任务${command.task}的延期申请(延期至 ${due}),待督考办审核。`, keyTaskId(command.task)));
      }
      case 'detail': {
        const s = d.store.state.get();
        const task = s.tasks.find((t) => t.kind === 'key' && t.number === command.task && t.planId === s.activePlanId) ?? s.tasks.find((t) => t.number === command.task && t.planId === s.activePlanId);
        if (!task) return send(text(`没有编号为 ${command.task} 的任务。`));
        const as = s.assignments.filter((a) => a.taskId === task.id);
        const lead = as.filter((a) => a.role === 'lead').map((a) => s.units.find((u) => u.id === a.unitId)?.name ?? s.groups.find((g) => g.id === a.unitId)?.name ?? a.unitId);
        const co = as.filter((a) => a.role === 'co').length;
        const mine = open().filter((o) => o.task.id === task.id);
        return send(
          md(taskName(task), `### ${taskName(task)} ${task.title}\n- 时间要求:${task.schedule.text || '每年推进'}\n- 牵头:${lead.slice(0, 6).join('、')}${lead.length > 6 ? ` 等 ${lead.length} 个单位` : ''}${co ? `;配合单位 ${co} 个` : ''}\n- 您的待办:${mine.length ? mine.map((o) => `${o.obligation.label}(${o.obligation.due})`).join('、') : '无'}\n\n[在督办通中查看](${appLink(d.publicUrl, task.id)})`),
        );
      }
      case 'incomplete':
        return send(text(command.hint));
      case 'confirmDraft': {
        const draft = d.store.state.get().botContext[person.id]?.draft;
        if (!draft || draft.task !== command.task || d.clock.now().getTime() - Date.parse(draft.at) > CONTEXT_MS) return send(text('没有待确认的进展,请直接回复"进展 编号 内容"。'));
        await d.store.transact((draftState) => {
          const c = draftState.botContext[person.id];
          if (c) delete c.draft;
        });
        return handle({ kind: 'progress', task: draft.task, text: draft.text }, person, open, today, event, record, send);
      }
      case 'dropDraft':
        await d.store.transact((draftState) => {
          const c = draftState.botContext[person.id];
          if (c) delete c.draft;
        });
        return send(text('好的,这条消息不作为进展报送。'));
      case 'unknown': {
        // A plain reply soon after a reminder that named one task: offer to report it, one tap.
        const task = remindedTask(person.id);
        if (task !== undefined && command.text.length >= 4) {
          await d.store.transact((draftState) => {
            const c = draftState.botContext[person.id] ?? { at: d.clock.now().toISOString(), pending: [] };
            draftState.botContext[person.id] = { ...c, draft: { text: command.text, task, at: d.clock.now().toISOString() } };
          });
          const say = (content: string) => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(content)}`;
          return send({ kind: 'actionCard', title: '确认报送进展', markdown: `把这条消息作为 **重点任务${task}** 的进展报送吗?\n\n> ${command.text.slice(0, 200)}`, buttons: [{ title: '确认报送', url: say(`确认进展 ${task}`) }, { title: '不是', url: say('不是') }] });
        }
        return send(text('没看懂这条消息。可以回复"我的任务"查看待办,"收到 8"签收,"进展 8 内容"报送进展;回复"帮助"查看全部用法。'));
      }
    }
  }
}
