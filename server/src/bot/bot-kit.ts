import { taskLabel } from '../../../shared/task-label.js';
import type { GroupPace } from './group-replies.js';
import { planTags } from '../domain/obligations/obligation-book.js';
import type { Person } from '../../../shared/schemas/person.js';
import type { Viewer } from '../auth/viewer.js';
import { shanghaiDate } from '../calendar/dates.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { BotEvent } from '../channels/bot-event.js';
import type { Channel, OutboundMessage } from '../channels/channel.js';
import type { Clock, Log } from '../model/runtime.js';
import type { ProgressService } from '../domain/progress/progress-service.js';
import type { NoticeSheets } from '../domain/supervision/notice-sheets.js';
import { appLink } from '../domain/reminders/digest-text.js';
import type { ReminderPolicy } from '../domain/policy/policy.js';
import type { EvidenceStore } from '../evidence/evidence-store.js';
import type { Store } from '../store/ports.js';
import type { State } from '../model/state.js';
import type { BotCommand } from './bot-command.js';
import type { Conversation } from './conversation.js';

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
  /** The same service the mini-app's routes call (built once, by core.ts). */
  progress: ProgressService;
  /** 督办通知单: the same service the mini-app's routes call. */
  sheets?: NoticeSheets;
  /** The pace of group replies (20 a minute); tests inject one that does not wait. */
  groupPace?: GroupPace;
  /** Told of every refusal the reply explains (its stable code): for metrics and for tests. */
  onRefusal?: (code: string, message: string) => void;
}

/** What every listener shares: the services, the conversation state and read helpers. */
export interface BotKit {
  d: BotDeps;
  progress: ProgressService;
  conversation: Conversation;
  state(): Readonly<State>;
  unitName(id: string): string;
  /** Where several plans run at once, the short name of an assignment's plan (else undefined). */
  planTag(a: { planId: string }): string | undefined;
  /** 重点任务8 — or 营商环境提升·重点任务8 where several plans run at once. */
  taskLabel(a: { planId: string; taskId: string }): string;
  /** This year in Shanghai (item names carry it). */
  year(): number;
  /** Runs another command in the same turn (a confirmed draft becomes a report). */
  dispatch(command: BotCommand, turn: Turn): Promise<void>;
}

/** One message being answered: who sent it, as whom they act, and how to answer. */
export interface Turn {
  event: BotEvent;
  person: Person;
  viewer: Viewer;
  send(message: OutboundMessage): Promise<void>;
}

export type CommandKind = BotCommand['kind'];
export type Listener<K extends CommandKind> = (
  command: Extract<BotCommand, { kind: K }>,
  turn: Turn,
  kit: BotKit,
) => Promise<void>;

/** One listener per command, every command covered (the compiler checks). */
export type Listeners = { [K in CommandKind]: Listener<K> };

export const text = (t: string): OutboundMessage => ({ kind: 'text', text: t });
export const md = (title: string, body: string): OutboundMessage => ({ kind: 'markdown', title, text: body });

/** A confirmation with a link to the task (or to 我的任务) in the mini-app. */
export const done = (publicUrl: string, sentence: string, taskId?: string): OutboundMessage =>
  md(
    sentence.slice(0, 20),
    `${sentence}\n\n[${taskId ? '查看任务详情' : '打开我的任务'}](${appLink(publicUrl, taskId)})`,
  );

export const taskName = taskLabel;

export function makeKit(
  d: BotDeps,
  progress: ProgressService,
  conversation: Conversation,
  dispatch: BotKit['dispatch'],
): BotKit {
  const state = (): Readonly<State> => d.store.state.get();
  return {
    d,
    progress,
    conversation,
    state,
    unitName: (id) => state().units.find((u) => u.id === id)?.name ?? id,
    planTag: (a) => planTags(state(), shanghaiDate(d.clock.now()))?.get(a.planId),
    taskLabel(a) {
      const task = state().tasks.find((t) => t.id === a.taskId);
      const tag = this.planTag(a);
      return `${tag ? `${tag}·` : ''}${task ? taskName(task) : '任务'}`;
    },
    year: () => Number(shanghaiDate(d.clock.now()).slice(0, 4)),
    dispatch,
  };
}
