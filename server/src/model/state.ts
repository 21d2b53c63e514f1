import { HolidayOverride } from './holiday-override.js';
import { z } from 'zod';
import { Assignment } from '../../../shared/schemas/assignment.js';
import { Id, Instant } from '../../../shared/schemas/common.js';
import { LedgerEvent } from './ledger.js';
import { PeopleFile, Person } from '../../../shared/schemas/person.js';
import { Plan, ProseObligation, Section } from '../../../shared/schemas/plan.js';
import { Task } from '../../../shared/schemas/task.js';
import { Unit, UnitGroup } from '../../../shared/schemas/unit.js';
import { IsoDate } from '../../../shared/schemas/common.js';
import { OutboxRow } from './outbox-row.js';
import { ObligationRecord } from './obligation.js';
import { RequestRecord } from '../../../shared/schemas/request.js';
import { Round } from '../../../shared/schemas/round.js';
import { AssessmentRecord } from '../../../shared/schemas/assessment.js';
import { Bulletin } from '../../../shared/schemas/bulletin.js';
import { NoticeSheet } from '../../../shared/schemas/notice-sheet.js';
import { Exemption } from '../../../shared/schemas/exemption.js';
import { InstructionMeta } from '../../../shared/schemas/instruction.js';
import { Experience, Pilot } from '../../../shared/schemas/pilot.js';
import { Evaluation } from '../../../shared/schemas/evaluation.js';

/** Version of the state document. Bump it and add a migration in migrations.ts when the shape changes. */
export const STATE_VERSION = 8;

/**
 * The hot, bounded, mutable state (one lowdb document). Growing history (reports, reviews,
 * deliveries, audit) lives in the ledger, never here (ARCHITECTURE rule 10).
 */
export const State = z.object({
  schemaVersion: z.literal(STATE_VERSION),
  /**
   * The ledger position this state reflects (ARCHITECTURE rule 13): the last event committed with
   * it, and the committed events the ledger may not hold yet (appended at the next open).
   */
  ledger: z.object({
    seq: z.number().int().min(0),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    unflushed: z.array(LedgerEvent),
  }),
  directory: z.object({ district: z.string(), sample: z.boolean(), note: z.string().optional() }),
  units: z.array(Unit),
  groups: z.array(UnitGroup),
  people: z.array(Person),
  peopleSample: PeopleFile.shape.sample,
  plans: z.array(Plan),
  activePlanId: Id.nullable(),
  sections: z.array(Section),
  tasks: z.array(Task),
  assignments: z.array(Assignment),
  /** Deadlines stated in the plan's prose (各单位于4月30日前报送工作计划 …), as imported. */
  proseObligations: z.array(ProseObligation),
  /**
   * Stored obligations of this year and last (older years are in the ledger): by year, then plan,
   * a list in the order they were materialised. Read and written only through
   * `domain/obligations/obligation-table.ts` (lookups by id, selections, appends).
   */
  obligations: z.record(z.string(), z.record(z.string(), z.array(ObligationRecord))),
  /** 办结 and 延期 requests by id (`R${seq}`). */
  requests: z.record(z.string(), RequestRecord),
  /** Per assignment: its last progress report (for 无变化 and 沿用上期). */
  lastReports: z.record(
    z.string(),
    z.object({ seq: z.number().int(), at: Instant, text: z.string(), obligationId: z.string().optional() }),
  ),
  /** Set by the 4 → 5 migration: requests and last reports are still to be read from the ledger. */
  backfill: z.boolean().optional(),
  /** Per assignment: the years whose obligations have been materialised. */
  materialised: z.record(z.string(), z.array(z.number().int())),
  /** Fulfilments carried over from a version-4 state, applied as their years are materialised. */
  legacyFulfillments: z
    .record(
      z.string(),
      z.object({ at: Instant, by: z.string().optional(), action: z.string(), seq: z.number().int().optional() }),
    )
    .optional(),
  /** The district's lights by day (red / yellow / green parts), recorded by the day's plan: the overview's trend. */
  lightHistory: z
    .array(z.object({ date: IsoDate, red: z.number().int(), yellow: z.number().int(), green: z.number().int() }))
    .optional(),
  /** Last import per plan: what was read and when. */
  /** The latest import of each plan; `firstAt` is when the plan first arrived (its obligations start then). */
  imports: z.array(
    z.object({ planId: Id, sha256: z.string(), at: Instant, sourceName: z.string(), firstAt: Instant.optional() }),
  ),
  /** What is still to be sent; sent rows are pruned after a while (the ledger keeps the history). */
  outbox: z.array(OutboxRow),
  /** 待办 created per open obligation and person: key `${obligationId}|${personId}`. */
  todos: z.record(
    z.string(),
    z.object({
      obligationIds: z.array(z.string()).min(1),
      personId: z.string(),
      unionId: z.string(),
      todoId: z.string().optional(),
      done: z.boolean(),
    }),
  ),
  /** Compare-and-set marker: the last date the planner enqueued that day's reminders. */
  scheduler: z.object({
    lastPlannedDate: IsoDate.nullable(),
  }),
  /** Obligations the 督考办 added by hand (e.g. for tasks driven by higher authorities). */
  manualObligations: z.array(
    z.object({
      id: Id,
      planId: Id,
      taskId: Id,
      /** Only these units' assignments; all of the task's when absent. */
      unitIds: z.array(Id).optional(),
      label: z.string().min(1).max(100),
      due: IsoDate,
      /** Shown (and owed) from this day instead of the first reminder's (a 整改, a 催办: at once). */
      opensOn: IsoDate.optional(),
      createdBy: z.string(),
      createdAt: Instant,
    }),
  ),
  /** 第三方评估 by id (`V${seq}`): scope, findings, 整改, 二次评估, 公众满意度. */
  evaluations: z.record(z.string(), Evaluation).optional(),
  /** 试点示范: pilots by id (`P${seq}`) and 典型经验 by id (`X${seq}`). */
  pilots: z.record(z.string(), Pilot).optional(),
  experiences: z.record(z.string(), Experience).optional(),
  /** 领导批示件 by task id (the instructions plan's tasks): the leader, the 批示, the document, the urgency. */
  instructions: z.record(z.string(), InstructionMeta).optional(),
  /** 容错免责 claims by id (`E${seq}`): the decided ones are the 案例库. */
  exemptions: z.record(z.string(), Exemption).optional(),
  /** 督办通知单 by id (`D${seq}`). */
  noticeSheets: z.record(z.string(), NoticeSheet).optional(),
  /** 通报表扬 / 通报批评 / 约谈 by id (`B${seq}`). */
  bulletins: z.record(z.string(), Bulletin).optional(),
  /** The year-end 考评 by year. */
  assessments: z.record(z.string(), AssessmentRecord).optional(),
  /** Years' 放假安排 the 督考办 added (the State Council's notice, read and confirmed): the calendar uses them. */
  calendarYears: z.array(HolidayOverride).optional(),
  /** Items of a year whose 考评 is final that the 督考办 reopened for a late report (chased again). */
  reopenedItems: z.array(z.string()).optional(),
  /** 督查 rounds by id (`G${n}`). */
  rounds: z.record(z.string(), Round).optional(),
  /** 督办工作群 the 督考办 set up as one unit's (by conversation id): the bot answers that unit's people in the group. */
  unitChats: z.record(z.string(), z.object({ unitId: z.string(), by: z.string(), at: z.string() })).optional(),
  /** Per person: the bot conversation's context (what they last filed, evidence waiting for a report, a draft to confirm). */
  botContext: z.record(
    z.string(),
    z.object({
      at: Instant,
      /** The last thing this person filed through the bot: files sent next attach to it. */
      filed: z
        .object({
          kind: z.enum(['report', 'closure', 'extension']),
          seq: z.number().int(),
          assignmentId: z.string(),
          taskId: z.string(),
          task: z.number().int(),
          requestId: z.string().optional(),
        })
        .optional(),
      pending: z.array(
        z.object({
          sha256: z.string(),
          mime: z.string(),
          size: z.number().int(),
          name: z.string(),
          /** When it arrived (files wait CONTEXT_MS, then expire). */
          at: Instant.optional(),
          /** Sent after a refused or unanswered message: never taken by a report unasked (offered back). */
          held: z.boolean().optional(),
          /** The task the person said they belong to (附到 8). */
          task: z.number().int().optional(),
        }),
      ),
      /** When this person's last text was refused or asked back: files sent soon after are offered back. */
      unansweredAt: Instant.optional(),
      /** A plain reply waiting for the one-tap confirmation that it is a report on `task`. */
      draft: z.object({ text: z.string(), task: z.number().int(), at: Instant }).optional(),
    }),
  ),
  /** Local mode only: the simulated clock (the plan ran 2018–2022). */
  simClock: z.object({ at: Instant, setAt: Instant }).nullable(),
});
export type State = z.infer<typeof State>;

export function emptyState(): State {
  return {
    schemaVersion: STATE_VERSION,
    ledger: { seq: 0, hash: '0'.repeat(64), unflushed: [] },
    directory: { district: '', sample: false },
    units: [],
    groups: [],
    people: [],
    peopleSample: false,
    plans: [],
    activePlanId: null,
    sections: [],
    tasks: [],
    assignments: [],
    proseObligations: [],
    obligations: {},
    materialised: {},
    requests: {},
    lastReports: {},
    imports: [],
    outbox: [],
    todos: {},
    scheduler: { lastPlannedDate: null },
    simClock: null,
    manualObligations: [],
    botContext: {},
  };
}
