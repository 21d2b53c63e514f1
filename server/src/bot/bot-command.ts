/** What a message to the bot asks for, once understood (bot/command-parser.ts reads it). */
export type BotCommand =
  | { kind: 'help' }
  | { kind: 'myTasks' }
  | { kind: 'ack'; task: number; unit?: string }
  | { kind: 'ackAll' }
  | { kind: 'progress'; task: number; text: string; unit?: string }
  | { kind: 'noChange'; task: number; unit?: string }
  | { kind: 'complete'; task: number; text: string; unit?: string }
  | { kind: 'extend'; task: number; dateText: string; reason: string; unit?: string }
  | { kind: 'detail'; task: number }
  /** Move the last report on a task to another open item (the one-tap buttons under a report's reply). */
  | { kind: 'refile'; task: number; item: string; unit?: string }
  /** Take back the unit's pending 办结/延期 request on a task. */
  | { kind: 'withdraw'; task: number; unit?: string }
  /** Files waiting after a refused or unanswered message belong to task N (附到 8). */
  | { kind: 'attach'; task: number; unit?: string }
  /** The one-tap answer to "report this as progress on task N?" */
  | { kind: 'confirmDraft'; task: number }
  | { kind: 'dropDraft' }
  | { kind: 'incomplete'; command: string; hint: string }
  /** Several tasks signed in one message (1、3、5收到 · 收到1-5). */
  | { kind: 'ackMany'; tasks: number[] }
  /** 收到 with no task: answered with what is open to sign, one tap each. */
  | { kind: 'ackWhich' }
  /** The intent is clear, the task is not: asked back with one-tap buttons carrying what was understood. */
  | {
      kind: 'whichTask';
      intent: 'progress' | 'complete' | 'extend' | 'noChange' | 'withdraw';
      text: string;
      dateText?: string;
    }
  /** 回执 · 收到督办单 [3号]: sign for the unit's 督办通知单. */
  | { kind: 'signSheet'; n?: number }
  /** 回复督办单 [3号] 办理情况. */
  | { kind: 'answerSheet'; n?: number; text: string }
  | { kind: 'bindChat'; unit: string }
  | { kind: 'unbindChat' }
  | { kind: 'unknown'; text: string };
