import type { Assignment } from '../../../shared/schemas/assignment.js';
import type { Clock } from '../model/runtime.js';
import { lastNoticeTasks } from '../domain/notices/notices.js';
import type { Store } from '../store/ports.js';
import type { State } from '../model/state.js';

/** Files sent within this long after a report or request are attached to it; a draft waits this long. */
export const CONTEXT_MS = 30 * 60_000;

type Context = State['botContext'][string];
export type Filed = NonNullable<Context['filed']>;
export type PendingFile = Context['pending'][number];

/**
 * What the bot remembers between one person's messages, kept in the store (so it survives a
 * restart and is the same on every instance): what they last filed (files sent next attach to
 * it), files sent before a report (attached to the next one), and a plain reply waiting for the
 * one-tap confirmation that it is a report.
 */
export class Conversation {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  private get(personId: string): Context | undefined {
    return this.store.state.get().botContext[personId];
  }

  private fresh(at: string): boolean {
    return this.clock.now().getTime() - Date.parse(at) < CONTEXT_MS;
  }

  /** Files waiting (not expired: CONTEXT_MS after they arrived). */
  waiting(personId: string): PendingFile[] {
    const c = this.get(personId);
    return (c?.pending ?? []).filter((f) => this.fresh(f.at ?? c!.at));
  }

  /**
   * Files a report on `task` takes: those waiting that were not held back (sent after a refused or
   * unanswered message) and were not said to belong to another task.
   */
  pending(personId: string, task?: number): PendingFile[] {
    return this.waiting(personId).filter((f) => !f.held && (f.task === undefined || f.task === task));
  }

  /** Waiting files a report did not take (held back, or said to be another task's). */
  heldBack(personId: string, task?: number): PendingFile[] {
    const taken = new Set(this.pending(personId, task).map((f) => f.sha256));
    return this.waiting(personId).filter((f) => !taken.has(f.sha256));
  }

  /** This person's last text was refused or asked back (files sent soon after are not assumed to be for anything). */
  async unanswered(personId: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.transact((s) => {
      const c = s.botContext[personId] ?? { at, pending: [] };
      s.botContext[personId] = { ...c, unansweredAt: at };
    });
  }

  /** Whether the last text, within the last 10 minutes, was refused or asked back. */
  recentlyUnanswered(personId: string): boolean {
    const at = this.get(personId)?.unansweredAt;
    return at !== undefined && this.clock.now().getTime() - Date.parse(at) < 10 * 60_000;
  }

  /** The waiting files belong to `task` (附到 8): a report on it takes them. */
  async assign(personId: string, task: number): Promise<number> {
    const n = this.waiting(personId).length;
    await this.store.transact((s) => {
      const c = s.botContext[personId];
      if (c) c.pending = c.pending.map((f) => ({ ...f, held: false, task }));
    });
    return n;
  }

  /** What this person filed in the last half hour, if anything. */
  recentlyFiled(personId: string): Filed | undefined {
    const c = this.get(personId);
    return c?.filed && this.fresh(c.at) ? c.filed : undefined;
  }

  /** Remembers a filing; a report takes the waiting files with it. */
  async filed(
    personId: string,
    a: Assignment,
    task: number,
    kind: Filed['kind'],
    seq: number,
    requestId?: string,
  ): Promise<void> {
    const taken = new Set(kind === 'report' ? this.pending(personId, task).map((f) => f.sha256) : []);
    const left = this.waiting(personId).filter((f) => !taken.has(f.sha256));
    await this.store.transact((draft) => {
      draft.botContext[personId] = {
        at: this.clock.now().toISOString(),
        filed: { kind, seq, assignmentId: a.id, taskId: a.taskId, task, ...(requestId ? { requestId } : {}) },
        pending: left,
      };
    });
  }

  /**
   * Keeps files for the next report (the last 20), in the same transaction as their record; `held`
   * when they came right after a refused or unanswered message (they are offered back instead).
   */
  keepInDraft(draft: State, personId: string, files: PendingFile[], held = false): void {
    const at = this.clock.now().toISOString();
    const c = draft.botContext[personId];
    const kept = (c?.pending ?? []).filter((f) => this.fresh(f.at ?? c!.at));
    const pending = [...kept, ...files.map((f) => ({ ...f, at, ...(held ? { held } : {}) }))].slice(-20);
    draft.botContext[personId] = { at, pending, ...(c?.unansweredAt ? { unansweredAt: c.unansweredAt } : {}) };
  }

  /** Holds a plain reply until the person confirms it is a report on `task`. */
  async holdDraft(personId: string, task: number, text: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.transact((s) => {
      const c = s.botContext[personId] ?? { at, pending: [] };
      s.botContext[personId] = { ...c, draft: { text, task, at } };
    });
  }

  /** The held reply for `task` if it is still fresh (and forgets it); undefined otherwise. */
  async takeDraft(personId: string, task: number): Promise<string | undefined> {
    const draft = this.get(personId)?.draft;
    if (!draft || draft.task !== task || !this.fresh(draft.at)) return undefined;
    await this.dropDraft(personId);
    return draft.text;
  }

  async dropDraft(personId: string): Promise<void> {
    await this.store.transact((s) => {
      const c = s.botContext[personId];
      if (c) delete c.draft;
    });
  }

  /** The task of the one-task reminder this person got in the last 4 hours, if any. */
  remindedTask(personId: string): number | undefined {
    const s = this.store.state.get();
    const tasks = lastNoticeTasks(s, personId, new Date(this.clock.now().getTime() - 4 * 3600_000));
    if (tasks.length !== 1) return undefined;
    return s.tasks.find((t) => t.id === tasks[0])?.number;
  }
}
