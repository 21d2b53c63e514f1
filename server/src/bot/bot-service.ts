import type { Assignment } from '../../../shared/schemas/assignment.js';
import type { Person } from '../../../shared/schemas/person.js';
import type { Task } from '../../../shared/schemas/task.js';
import { assertReadTask, viewerFor, type Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Channel, OutboundMessage } from '../channels/channel.js';
import type { Clock, Log } from '../deps.js';
import { actFor, assignmentsByNumber, type ActingFor } from '../domain/progress/acting.js';
import { itemName, ProgressService } from '../domain/progress/progress-service.js';
import { appLink } from '../domain/reminders/digest-text.js';
import type { OpenObligation } from '../domain/reminders/open-obligations.js';
import type { ReminderPolicy } from '../domain/reminders/policy.js';
import { AppError } from '../errors.js';
import type { EvidenceStore, StoredEvidence } from '../evidence/evidence-store.js';
import { findDateExpression } from '../importer/date-expression.js';
import type { Store } from '../store/ports.js';
import { lastNoticeTasks } from '../outbox/outbox.js';
import type { State } from '../store/state.js';
import type { BotEvent, BotEventHandler } from '../channels/bot-event.js';
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
  /** The same service the mini-app's routes call (one is made when absent). */
  progress?: ProgressService;
  /** Told of every refusal the reply explains (its stable code): for metrics and for tests. */
  onRefusal?: (code: string, message: string) => void;
}

/** Files sent within this long after a report or request are attached to it. */
const CONTEXT_MS = 30 * 60_000;
const LIGHT = { red: '🔴', yellow: '🟡', green: '🟢' } as const;

export const HELP_TEXT = [
  '### 督办通机器人可以这样用',
  '- **我的任务**:查看待办事项和截止时间',
  '- **收到 8** 或 **全部收到**:签收任务',
  '- **进展 8 已完成试点申报**:报送进展',
  '- **无变化 8**:本期进展与上期相同',
  '- **完成 8 情况说明**:申请办结(督考办审核)',
  '- **延期 8 6月30日 原因**:申请延期(日期也可写 月底、下月底、年底、下周五)',
  '- **撤回 8**:撤回待审核的办结或延期申请',
  '- **详情 8**:查看任务内容和责任单位',
  '',
  '编号就是提醒里的"重点任务"编号,也可以写"第八项"。',
].join('\n');

const say = (content: string): string => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(content)}`;

/**
 * The bot: who is speaking, what they asked, and the same domain service, authorisation and
 * rules as the mini-app's routes (a task the sender's unit does not carry is refused the same
 * way). Replies go through the session webhook while it lives, else as a proactive message.
 */
export function createBotHandler(d: BotDeps): BotEventHandler {
  const progress = d.progress ?? new ProgressService(d);
  const reply = async (event: BotEvent, message: OutboundMessage): Promise<void> => {
    if (event.reply && event.reply.expiresAt.getTime() > d.clock.now().getTime()) {
      const r = await d.channel.replyInSession(event.reply.webhook, message);
      if (r.ok) return;
    }
    if (event.sender.userId) await d.channel.sendRobot([event.sender.userId], message);
  };
  const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });
  const md = (title: string, body: string): OutboundMessage => ({ kind: 'markdown', title, text: body });
  /** A confirmation with a link to the task (or to 我的任务) in the mini-app. */
  const done = (sentence: string, taskId?: string): OutboundMessage =>
    md(
      sentence.slice(0, 20),
      `${sentence}\n\n[${taskId ? '查看任务详情' : '打开我的任务'}](${appLink(d.publicUrl, taskId)})`,
    );
  const state = (): Readonly<State> => d.store.state.get();
  const unitName = (id: string): string => state().units.find((u) => u.id === id)?.name ?? id;
  const taskName = (t: Pick<Task, 'kind' | 'number'>): string => `${t.kind === 'key' ? '重点任务' : '任务'}${t.number}`;
  const year = (): number => Number(shanghaiDate(d.clock.now()).slice(0, 4));

  return async (event) => {
    const person = state().people.find((p) => p.dingtalk.userId === event.sender.userId);
    if (!person) {
      await d.store.transact((_, tx) =>
        tx.append({
          type: 'bot.unknownSender',
          actor: { type: 'person', id: event.sender.userId || 'unknown', name: event.sender.name },
          subject: { type: 'botMessage', id: event.msgId },
          channel: 'bot',
          payload: { msgId: event.msgId, userId: event.sender.userId, text: event.text.slice(0, 500) },
        }),
      );
      const dkb = state().people.find((p) => p.roles.includes('supervisor'));
      return reply(
        event,
        text(
          `您好${event.sender.name ? `,${event.sender.name}` : ''}。督办通里还没有您的账号,无法办理。请联系区督考办${dkb ? `(${dkb.name})` : ''}开通。`,
        ),
      );
    }
    const send = (m: OutboundMessage): Promise<void> => reply(event, m);
    try {
      const viewer = viewerFor(state(), person.id);
      if (event.files.length > 0) return await receiveFiles(event, person, send);
      await handle(parseCommand(event.text), viewer, event, send);
    } catch (error) {
      // the service's refusals are told as the mini-app tells them; anything else is logged
      if (error instanceof AppError && (error.status < 500 || error.code === 'STORE_UNAVAILABLE')) {
        d.onRefusal?.(error.code, error.message);
        return send(text(error.message));
      }
      d.log.error(`机器人处理消息 ${event.msgId} 失败:${(error as Error).stack ?? String(error)}`);
      await send(text('抱歉,处理时出了点问题,已记录。请稍后再试,或在督办通应用中办理。'));
    }
  };

  /** The assignment a command acts on: the sender's unit on that task (asked back when there are several). */
  function acting(v: Viewer, event: BotEvent, task: number, unit?: string): ActingFor | string {
    const mine = assignmentsByNumber(state(), v, task, unit);
    if (mine.length > 1)
      return `您负责的 ${mine.map((a) => unitName(a.unitId)).join('、')} 都承担重点任务${task}。请注明单位,例如:收到 ${task} ${unitName(mine[0]!.unitId)}`;
    return { ...actFor(state(), v, mine[0]!.id, 'bot'), msgId: event.msgId };
  }

  /** Remembers what this person filed, so files sent next attach to it. */
  async function remember(
    person: Person,
    a: Assignment,
    task: number,
    kind: 'report' | 'closure' | 'extension',
    seq: number,
    requestId?: string,
  ): Promise<void> {
    const task0 = state().tasks.find((t) => t.id === a.taskId)!;
    await d.store.transact((draft) => {
      const pending = draft.botContext[person.id]?.pending ?? [];
      draft.botContext[person.id] = {
        at: d.clock.now().toISOString(),
        filed: { kind, seq, assignmentId: a.id, taskId: task0.id, task, ...(requestId ? { requestId } : {}) },
        pending: kind === 'report' ? [] : pending,
      };
    });
  }

  /** Pictures and files: downloaded, checked, stored by content, attached to what they belong to. */
  async function receiveFiles(
    event: BotEvent,
    person: Person,
    send: (m: OutboundMessage) => Promise<void>,
  ): Promise<void> {
    const record = (type: string, payload: Record<string, unknown>, apply?: (draft: State) => void) =>
      d.store.transact((draft, tx) => {
        tx.append({
          type,
          actor: { type: 'person', id: person.id, name: person.name },
          subject: { type: 'botMessage', id: event.msgId },
          channel: 'bot',
          payload: { msgId: event.msgId, ...payload },
        });
        apply?.(draft);
      });
    if (!d.evidence) {
      await record('bot.fileReceived', {
        files: event.files.map((f) => ({ kind: f.kind, fileName: f.fileName ?? null })),
      });
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
    const files = stored.map(({ sha256, mime, size, name }) => ({ sha256, mime, size, name }));
    const ctx = state().botContext[person.id];
    const filed = ctx?.filed && d.clock.now().getTime() - Date.parse(ctx.at) < CONTEXT_MS ? ctx.filed : undefined;
    const what = stored.map((s) => (s.kind === 'image' ? '图片' : s.name)).join('、');
    if (filed) {
      const on = filed.kind === 'report' ? '进展' : filed.kind === 'closure' ? '办结申请' : '延期申请';
      await record(
        'evidence.attached',
        {
          files,
          taskId: filed.taskId,
          assignmentId: filed.assignmentId,
          to: filed.kind,
          toSeq: filed.seq,
          ...(filed.requestId ? { requestId: filed.requestId } : {}),
        },
        (draft) => {
          if (filed.requestId) progress.attachToRequestInDraft(draft, filed.requestId, files);
        },
      );
      return send(done(`已将${what}附在重点任务${filed.task}的${on}上。`, filed.taskId));
    }
    await record('evidence.received', { files }, (draft) => {
      const pending = [...(draft.botContext[person.id]?.pending ?? []), ...files].slice(-20);
      draft.botContext[person.id] = { at: d.clock.now().toISOString(), pending };
    });
    return send(
      text(`已收到${what}。请回复"进展 编号 内容",${stored.length > 1 ? '这些文件' : '它'}会附在这条进展上。`),
    );
  }

  /** The task of the one-task reminder this person got in the last 4 hours, if any. */
  function remindedTask(personId: string): number | undefined {
    const tasks = lastNoticeTasks(state(), personId, new Date(d.clock.now().getTime() - 4 * 3600_000));
    if (tasks.length !== 1) return undefined;
    return state().tasks.find((t) => t.id === tasks[0])?.number;
  }

  /** 月底 / 本月底 / 下月底 / 年底 / 下周五 / 6月30日 / 2019-06-30 → a date (this year's unless it says). */
  function dateOf(dateText: string): string | undefined {
    const today = shanghaiDate(d.clock.now());
    const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const monthEnd = (yy: number, mm: number): string =>
      `${yy}-${String(mm).padStart(2, '0')}-${String(new Date(Date.UTC(yy, mm, 0)).getUTCDate()).padStart(2, '0')}`;
    const iso = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(dateText);
    if (iso) {
      const [yy, mm, dd] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
      const date = new Date(Date.UTC(yy, mm - 1, dd));
      return date.getUTCMonth() === mm - 1 && date.getUTCDate() === dd
        ? `${iso[1]}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`
        : undefined;
    }
    if (dateText === '月底' || dateText === '本月底') return monthEnd(y, m);
    const week = /^(下|本)?(?:周|星期)([一二三四五六日天])$/.exec(dateText);
    if (week) {
      // 周五 / 本周五: this week's (today if it is that day); 下周五: next week's
      const want = '一二三四五六'.indexOf(week[2]!) + 1 || 7; // Monday 1 … Sunday 7
      const t = new Date(`${today}T00:00:00Z`);
      const dow = t.getUTCDay() || 7;
      const monday = new Date(t.getTime() - (dow - 1) * 86_400_000);
      return new Date(monday.getTime() + ((week[1] === '下' ? 7 : 0) + want - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    }
    if (dateText === '下月底') return m === 12 ? monthEnd(y + 1, 1) : monthEnd(y, m + 1);
    return findDateExpression(dateText, y)?.due;
  }

  async function handle(
    command: BotCommand,
    v: Viewer,
    event: BotEvent,
    send: (m: OutboundMessage) => Promise<void>,
  ): Promise<void> {
    const person = v.person;
    const openList = (): OpenObligation[] => progress.openFor(person.unitIds);
    switch (command.kind) {
      case 'help':
        return send(md('督办通机器人', HELP_TEXT));
      case 'myTasks': {
        const list = openList();
        if (list.length === 0)
          return send(text(`${person.name},您的单位目前没有待办事项。下一次提醒会在有事项到期前发出。`));
        const short = (t: string) => (t.length > 14 ? `${t.slice(0, 13)}…` : t);
        const lines = list
          .slice(0, 10)
          .map(
            (o) =>
              `- ${LIGHT[o.light]} [${unitName(o.unitId)}] **${taskName(o.task)}** ${short(o.task.title)} — ${itemName(o.obligation, year())},${o.reason}`,
          );
        const more =
          list.length > 10 ? `\n\n另有 ${list.length - 10} 项,[在督办通中查看](${appLink(d.publicUrl)})` : '';
        return send(
          md(
            '我的任务',
            `### 我的任务(${list.length} 项)\n${lines.join('\n')}${more}\n\n🔴 已逾期 🟡 即将到期或报告被退回 🟢 时间充裕`,
          ),
        );
      }
      case 'ack': {
        const f = acting(v, event, command.task, command.unit);
        if (typeof f === 'string') return send(text(f));
        const r = await progress.acknowledge(f);
        const name = `重点任务${command.task}(${unitName(f.assignment.unitId)})`;
        return send(
          r.already ? text(`${name}目前没有需要签收的事项。`) : done(`已签收:${name}。`, f.assignment.taskId),
        );
      }
      case 'ackAll': {
        const s = state();
        const assignments = [
          ...new Set(
            openList()
              .filter((o) => o.obligation.kind === 'acknowledge')
              .map((o) => o.obligation.assignmentId),
          ),
        ];
        if (assignments.length === 0) return send(text('没有需要签收的任务。'));
        const numbers: number[] = [];
        for (const id of assignments) {
          const r = await progress.acknowledge({ ...actFor(s, v, id, 'bot'), msgId: event.msgId });
          if (!r.already)
            numbers.push(s.tasks.find((t) => t.id === s.assignments.find((a) => a.id === id)?.taskId)?.number ?? 0);
        }
        return send(
          done(`已全部签收,共 ${numbers.length} 项:${[...new Set(numbers)].sort((a, b) => a - b).join('、')}。`),
        );
      }
      case 'progress':
      case 'noChange': {
        const f = acting(v, event, command.task, command.unit);
        if (typeof f === 'string') return send(text(f));
        const waiting = state().botContext[person.id]?.pending ?? [];
        const r = await progress.report(f, {
          text: command.kind === 'progress' ? command.text : '',
          noChange: command.kind === 'noChange',
          evidence: waiting,
        });
        await remember(person, f.assignment, command.task, 'report', r.seq);
        const attached =
          waiting.length > 0 ? `已附上 ${waiting.length} 个文件。` : '可以接着发图片或文件作为佐证材料。';
        if (!r.answered)
          return send(
            done(`已记录您对重点任务${command.task}的进展(目前没有待报送的事项)。${attached}`, f.assignment.taskId),
          );
        // the nearest item was answered; the others can be chosen with one tap
        const others = progress.reportTargets(f.assignment).slice(0, 3);
        const sentence = `已报送:重点任务${command.task} ${r.answered.label}${command.kind === 'noChange' ? '(本期无变化)' : ''}。${attached}`;
        if (others.length === 0) return send(done(sentence, f.assignment.taskId));
        const unit = person.unitIds.length > 1 ? ` ${unitName(f.assignment.unitId)}` : '';
        return send({
          kind: 'actionCard',
          title: sentence.slice(0, 20),
          markdown: `${sentence}\n\n如果这条进展报的是别的事项,点下面改报:`,
          buttons: [
            ...others.map((o) => ({
              title: `改报:${itemName(o, year())}`,
              url: say(`改报 ${command.task} ${itemName(o, year())}${unit}`),
            })),
            { title: '查看任务详情', url: appLink(d.publicUrl, f.assignment.taskId) },
          ],
        });
      }
      case 'refile': {
        const f = acting(v, event, command.task, command.unit);
        if (typeof f === 'string') return send(text(f));
        const last = state().lastReports[f.assignment.id];
        const target = progress.reportTargets(f.assignment).find((o) => itemName(o, year()) === command.item);
        if (!last || !target)
          return send(
            text(
              `重点任务${command.task}没有可以改报的"${command.item}"。回复"详情 ${command.task}"查看本单位的事项。`,
            ),
          );
        const r = await progress.refile(f, last.seq, target.id);
        return send(
          done(`已改报:重点任务${command.task}的这条进展改为报送"${r.answered.label}"。`, f.assignment.taskId),
        );
      }
      case 'complete': {
        const f = acting(v, event, command.task);
        if (typeof f === 'string') return send(text(f));
        const r = await progress.requestClosure(f, { text: command.text || '(未填写说明)', evidence: [] });
        await remember(person, f.assignment, command.task, 'closure', r.seq, r.id);
        return send(
          done(
            `已提交重点任务${command.task}的办结申请${r.late ? '(已过截止日期)' : ''},待督考办审核。可以接着发图片或文件作为佐证材料。`,
            f.assignment.taskId,
          ),
        );
      }
      case 'extend': {
        const f = acting(v, event, command.task, command.unit);
        if (typeof f === 'string') return send(text(f));
        const until = dateOf(command.dateText);
        if (!until)
          throw new AppError(
            'EXTENSION_DATE_INVALID',
            400,
            `没看懂日期"${command.dateText}",请写成 6月30日 或 ${year()}-06-30。`,
          );
        const r = await progress.requestExtension(f, { until, reason: command.reason });
        await remember(person, f.assignment, command.task, 'extension', r.seq, r.id);
        const item = state().obligations[r.obligationIds[0]!];
        return send(
          done(
            `已提交重点任务${command.task}的延期申请:"${item ? itemName(item, year()) : '事项'}"由 ${r.previousDue} 延至 ${until}${r.late ? '(已过截止日期)' : ''},待督考办审核。`,
            f.assignment.taskId,
          ),
        );
      }
      case 'withdraw': {
        const f = acting(v, event, command.task, command.unit);
        if (typeof f === 'string') return send(text(f));
        // the pending one, else the latest (the service says why it cannot be withdrawn)
        const all = Object.values(state().requests).filter(
          (r) => r.assignmentId === f.assignment.id && r.kind !== 'report',
        );
        const target =
          all.find((r) => r.state === 'pending' || r.state === 'leaderPending') ?? all.sort((a, b) => b.seq - a.seq)[0];
        if (!target) throw new AppError('REQUEST_NOT_FOUND', 404, `重点任务${command.task}没有您单位提交的申请`);
        await progress.withdraw(f, target.id);
        return send(
          done(
            `已撤回重点任务${command.task}的${target.kind === 'closure' ? '办结' : '延期'}申请。`,
            f.assignment.taskId,
          ),
        );
      }
      case 'detail': {
        const s = state();
        const task = s.tasks.find((t) => t.kind === 'key' && t.number === command.task && t.planId === s.activePlanId);
        if (!task) throw new AppError('TASK_NOT_FOUND', 404, `没有编号为 ${command.task} 的重点任务`);
        assertReadTask(s, v, task.id); // a task the mini-app would not show is not described here either
        const as = s.assignments.filter((a) => a.taskId === task.id);
        const lead = as
          .filter((a) => a.role === 'lead')
          .map(
            (a) =>
              s.units.find((u) => u.id === a.unitId)?.name ?? s.groups.find((g) => g.id === a.unitId)?.name ?? a.unitId,
          );
        const co = as.filter((a) => a.role === 'co').length;
        const mine = openList().filter((o) => o.task.id === task.id);
        return send(
          md(
            taskName(task),
            `### ${taskName(task)} ${task.title}\n- 时间要求:${task.schedule.text || '每年推进'}\n- 牵头:${lead.slice(0, 6).join('、')}${lead.length > 6 ? ` 等 ${lead.length} 个单位` : ''}${co ? `;配合单位 ${co} 个` : ''}\n- 您的待办:${mine.length ? mine.map((o) => `${itemName(o.obligation, year())}(${o.obligation.due})`).join('、') : '无'}\n\n[在督办通中查看](${appLink(d.publicUrl, task.id)})`,
          ),
        );
      }
      case 'incomplete':
        return send(text(command.hint));
      case 'confirmDraft': {
        const draft = state().botContext[person.id]?.draft;
        if (!draft || draft.task !== command.task || d.clock.now().getTime() - Date.parse(draft.at) > CONTEXT_MS)
          return send(text('没有待确认的进展,请直接回复"进展 编号 内容"。'));
        await d.store.transact((s) => {
          const c = s.botContext[person.id];
          if (c) delete c.draft;
        });
        return handle({ kind: 'progress', task: draft.task, text: draft.text }, v, event, send);
      }
      case 'dropDraft':
        await d.store.transact((s) => {
          const c = s.botContext[person.id];
          if (c) delete c.draft;
        });
        return send(text('好的,这条消息不作为进展报送。'));
      case 'unknown': {
        // A plain reply soon after a reminder that named one task: offer to report it, one tap.
        const task = remindedTask(person.id);
        if (task !== undefined && command.text.length >= 4) {
          await d.store.transact((s) => {
            const c = s.botContext[person.id] ?? { at: d.clock.now().toISOString(), pending: [] };
            s.botContext[person.id] = { ...c, draft: { text: command.text, task, at: d.clock.now().toISOString() } };
          });
          return send({
            kind: 'actionCard',
            title: '确认报送进展',
            markdown: `把这条消息作为 **重点任务${task}** 的进展报送吗?\n\n> ${command.text.slice(0, 200)}`,
            buttons: [
              { title: '确认报送', url: say(`确认进展 ${task}`) },
              { title: '不是', url: say('不是') },
            ],
          });
        }
        return send(
          text(
            '没看懂这条消息。可以回复"我的任务"查看待办,"收到 8"签收,"进展 8 内容"报送进展;回复"帮助"查看全部用法。',
          ),
        );
      }
    }
  }
}
