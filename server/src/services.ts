import type { Evaluations } from './domain/evaluation/evaluations.js';
import type { Pilots } from './domain/pilots/pilots.js';
import type { Instructions } from './domain/instructions/instructions.js';
import type { Exemptions } from './domain/assessment/exemptions.js';
import type { NoticeSheets } from './domain/supervision/notice-sheets.js';
import type { DailyBackup } from './scheduler/daily-backup.js';
import type { Bot } from './bot/bot.js';
import type { BotInbox } from './bot/bot-inbox.js';
import type { WorkCalendar } from './calendar/work-calendar.js';
import type { Assessments } from './domain/assessment/assessment.js';
import type { AssessmentRules } from './domain/assessment/rules.js';
import type { ReminderPolicy } from './domain/policy/policy.js';
import type { ProgressService } from './domain/progress/progress-service.js';
import type { TaskTimeline } from './domain/progress/task-timeline.js';
import type { ReviewService } from './domain/review/review-service.js';
import type { Supervision } from './domain/supervision/supervision.js';
import type { EvidenceStore } from './evidence/evidence-store.js';
import type { ExportPool } from './export/export-pool.js';
import type { ParsePool } from './importer/parse-pool.js';
import type { Dispatcher } from './outbox/dispatcher.js';
import type { Scheduler } from './scheduler/scheduler.js';

/**
 * Every service, built once by the composition root (`core.ts`) and handed to the routes, the
 * bot, the scheduler and the CLIs. Nothing below builds one of these itself.
 */
export interface Services {
  calendar: WorkCalendar;
  policy: ReminderPolicy;
  /** The year-end 考评 rules (seeds/assessment-rules.json, or the defaults). */
  rules: AssessmentRules;
  evidence: EvidenceStore;
  /** Each task's history, read from the ledger once and kept current. */
  timeline: TaskTimeline;
  /** What a unit does (签收, 进展, 办结/延期): the one service behind the mini-app and the bot. */
  progress: ProgressService;
  /** The 督考办's review queue and decisions. */
  reviews: ReviewService;
  /** 督查 rounds, 催办, 通报. */
  supervision: Supervision;
  /** 第三方评估: scope, findings, 整改, 二次评估, 公众满意度. */
  evaluations: Evaluations;
  /** 试点示范 and 典型经验. */
  pilots: Pilots;
  /** 领导批示件: registered, chased as tasks, reported back to the leader. */
  instructions: Instructions;
  /** 容错免责: claims, decisions, the 案例库. */
  exemptions: Exemptions;
  /** 督办通知单: issued, signed (回执), answered, escalated. */
  sheets: NoticeSheets;
  /** The year's 考评. */
  assessments: Assessments;
  /** Plan documents read in worker threads. */
  parser: ParsePool;
  /** 台账 workbooks built in a worker thread. */
  exports: ExportPool;
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  bot: Bot;
  /** Where receivers hand robot payloads (deduplicated, across instances on PostgreSQL). */
  inbox: BotInbox;
  /** The scheduled daily backup (DUBAN_BACKUP_DIR), one of the scheduler's chores. */
  backup?: DailyBackup;
}
