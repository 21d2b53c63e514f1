import type { Assignment } from '../../../shared/schemas/assignment.js';
import type { Clock } from '../deps.js';
import { lastNoticeTasks } from '../outbox/outbox.js';
import type { Store } from '../store/ports.js';
import type { State } from '../store/state.js';

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

  /** Files waiting for the next report. */
  pending(personId: string): PendingFile[] {
    return this.get(personId)?.pending ?? [];
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
    await this.store.transact((draft) => {
      const pending = draft.botContext[personId]?.pending ?? [];
      draft.botContext[personId] = {
        at: this.clock.now().toISOString(),
        filed: { kind, seq, assignmentId: a.id, taskId: a.taskId, task, ...(requestId ? { requestId } : {}) },
        pending: kind === 'report' ? [] : pending,
      };
    });
  }

  /** Keeps files for the next report (the last 20), in the same transaction as their record. */
  keepInDraft(draft: State, personId: string, files: PendingFile[]): void {
    const pending = [...(draft.botContext[personId]?.pending ?? []), ...files].slice(-20);
    draft.botContext[personId] = { at: this.clock.now().toISOString(), pending };
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
