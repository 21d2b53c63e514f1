import { z } from 'zod';
import { Id, Instant, IsoDate, ServerMode } from './common.js';
import { Role } from './person.js';
import { TaskView } from './views.js';

/** What the mini-app needs before signing in: how to get an auth code, and whether dev sign-in exists. */
export const AuthConfig = z.object({
  mode: ServerMode,
  corpId: z.string(),
  clientId: z.string(),
  /** Local mode only: sign in as a sample official without DingTalk. */
  devSignIn: z.boolean(),
});
export type AuthConfig = z.infer<typeof AuthConfig>;

export const UnitRef = z.object({ id: Id, name: z.string() });
export type UnitRef = z.infer<typeof UnitRef>;

export const Me = z.object({
  id: Id,
  name: z.string(),
  title: z.string().optional(),
  roles: z.array(Role),
  units: z.array(UnitRef),
  /** Reads every task (督考办, district leaders, evaluators); otherwise only tasks of their units. */
  readsAll: z.boolean(),
  /** The actions of the permission table this person may take (the pages shown follow it). */
  can: z.array(z.string()),
});
export type Me = z.infer<typeof Me>;

export const Session = z.object({
  token: z.string(),
  expiresAt: Instant,
  me: Me,
  /**
   * A unit's people land on 我的任务: its first page comes with the session, so opening the app
   * from a notice is one round trip after the 免登 code, not two in series (not kept with the session).
   */
  get myItems() {
    return MyItems.optional();
  },
});
export type Session = z.infer<typeof Session>;

export const AuthCodeBody = z.object({ code: z.string().trim().min(1, '缺少免登授权码').max(256) });
export const DevSignInBody = z.object({ personId: Id });
export const DevPeople = z.object({
  items: z.array(
    z.object({
      id: Id,
      name: z.string(),
      title: z.string().optional(),
      units: z.array(z.string()),
      roles: z.array(Role),
    }),
  ),
});

export const Light = z.enum(['red', 'yellow', 'green']);
export type Light = z.infer<typeof Light>;

/** One thing a unit still owes, as 我的任务 lists it. */
export const OpenItem = z.object({
  obligationId: z.string(),
  assignmentId: Id,
  kind: z.string(),
  label: z.string(),
  due: IsoDate,
  light: Light,
  /** The light's reason in words: 已逾期 3 个工作日 / 还有 2 个工作日 / 6月30日截止. */
  reason: z.string(),
  workingDaysLeft: z.number().int(),
  unit: UnitRef,
  task: z.object({
    id: Id,
    kind: z.string(),
    number: z.number().int(),
    title: z.string(),
    sectionId: Id.optional(),
    /** The plan's short name, where several plans run at once. */
    plan: z.string().optional(),
  }),
});
export type OpenItem = z.infer<typeof OpenItem>;

export const MyItems = z.object({
  today: IsoDate,
  items: z.array(OpenItem),
  counts: z.object({ red: z.number().int(), yellow: z.number().int(), green: z.number().int() }),
  nextDue: IsoDate.nullable(),
  sections: z.array(z.object({ id: Id, label: z.string(), title: z.string(), count: z.number().int() })),
  /** When nothing is open: the next obligation that will open, so the empty page can say what's next. */
  upcoming: z.object({ label: z.string(), opensOn: IsoDate, task: z.string() }).nullable(),
});
export type MyItems = z.infer<typeof MyItems>;
export const MyItemsQuery = z.object({ section: z.string().max(128).optional() });

export const EvidenceRef = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  kind: z.enum(['image', 'document']),
  /** A short-lived signed link for this viewer (works in <img> and DingTalk's image preview). */
  url: z.string().optional(),
  /** Images: a small square JPEG for tiles (same signature). */
  thumbUrl: z.string().optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const TimelineEntry = z.object({
  seq: z.number().int(),
  at: Instant,
  type: z.string(),
  /** What happened, in words: 签收、报送进展、申请办结 … */
  title: z.string(),
  actor: z.string().optional(),
  unit: UnitRef.optional(),
  channel: z.string().optional(),
  text: z.string().optional(),
  evidence: z.array(EvidenceRef),
  /** A day's reminders in one line: who was reminded (the viewer's own units first) and whether they read it. */
  people: z.array(z.object({ name: z.string(), unit: z.string().optional(), read: z.boolean() })).optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ObligationStatus = z.object({
  obligationId: z.string(),
  kind: z.string(),
  label: z.string(),
  opensOn: IsoDate,
  due: IsoDate,
  status: z.enum(['done', 'open', 'notYet']),
  light: Light.optional(),
  reason: z.string().optional(),
  doneAt: Instant.optional(),
});
export type ObligationStatus = z.infer<typeof ObligationStatus>;

/** An item one may choose to report on or extend, with what the shared rule reads of it. */
export const ItemChoice = z.object({
  obligationId: z.string(),
  label: z.string(),
  due: IsoDate,
  kind: z.string(),
  period: z.string().optional(),
  year: z.number().int(),
  opensOn: IsoDate,
});

export const MyAssignment = z.object({
  assignmentId: Id,
  unit: UnitRef,
  role: z.enum(['lead', 'co']),
  /** Whether this viewer may act for the unit (its contact or leader). */
  canAct: z.boolean(),
  obligations: z.array(ObligationStatus),
  /** 签收 state: done (this cycle's 签收 is in), open (owed now), none (nothing to acknowledge now). */
  acknowledged: z.enum(['done', 'open', 'none']),
  /** The last progress text, for 沿用上期. */
  lastReport: z.object({ at: Instant, text: z.string() }).nullable(),
  pending: z.object({ closure: z.boolean(), extensionUntil: IsoDate.nullable() }),
  /** This unit's pending requests on the task (it may withdraw them). */
  requests: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['closure', 'extension']),
      until: IsoDate.optional(),
      label: z.string(),
      late: z.boolean(),
      createdAt: Instant,
    }),
  ),
  /** 办结 approved: the unit's part is closed for the rest of the plan. */
  closed: z.boolean(),
  /** The 督考办's recent decisions on this part, newest first (a returned report's comment says what to fix), and reports under review. */
  decisions: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['closure', 'extension', 'report']),
      state: z.enum(['leaderPending', 'pending', 'approved', 'returned']),
      label: z.string(),
      result: z.string(),
      comment: z.string().optional(),
      at: Instant,
    }),
  ),
  /**
   * What a report can answer (open report items, nearest first, including items not yet open), with
   * what the shared rule needs to preselect one (shared/report-target.ts: none when nothing is due now).
   */
  reportTargets: z.array(ItemChoice),
  /** What a 延期 can extend: open items other than 签收, with the latest date one may ask for. */
  extendable: z.array(ItemChoice),
  latestExtension: IsoDate,
});
export type MyAssignment = z.infer<typeof MyAssignment>;

export const TaskOverview = z.object({
  today: IsoDate,
  task: TaskView,
  measure: z.object({ id: Id, number: z.number().int(), title: z.string() }).nullable(),
  section: z.object({ id: Id, label: z.string(), title: z.string() }).nullable(),
  mine: z.array(MyAssignment),
  /** Newest first, at most 300 entries; `timelineTotal` counts them all. */
  timeline: z.array(TimelineEntry),
  timelineTotal: z.number().int(),
});
export type TaskOverview = z.infer<typeof TaskOverview>;

export const AckResult = z.object({
  acknowledged: z.array(z.string()),
  already: z.boolean(),
  undoUntil: Instant.nullable(),
});
export type AckResult = z.infer<typeof AckResult>;
export const UndoResult = z.object({ reopened: z.array(z.string()) });

const Sha = z.string().regex(/^[0-9a-f]{64}$/, '文件标识不正确');
export const ReportBody = z
  .object({
    text: z.string().trim().max(2000, '进展内容最多 2000 字').default(''),
    noChange: z.boolean().default(false),
    evidence: z.array(Sha).max(20, '一次最多附 20 个文件').default([]),
    /**
     * The item the report answers; `null`: none (a free 进展 on the timeline and in the 台账); absent:
     * the shared rule decides (shared/report-target.ts — named 年中/年末/季度 items, else the current period's).
     */
    obligationId: z.string().max(200).nullable().optional(),
  })
  .refine((b) => b.noChange || b.text.length > 0, { message: '请填写进展内容,或选择"沿用上期"', path: ['text'] });
export type ReportBody = z.infer<typeof ReportBody>;
export const ReportResult = z.object({
  seq: z.number().int(),
  fulfilled: z.array(z.string()),
  answered: z.object({ obligationId: z.string(), label: z.string() }).nullable(),
  evidence: z.array(EvidenceRef),
});

export const ClosureBody = z.object({
  text: z.string().trim().min(1, '请说明完成情况').max(2000, '最多 2000 字'),
  evidence: z.array(Sha).max(20, '一次最多附 20 个文件').default([]),
});
export const ExtensionBody = z.object({
  /** The item to extend; the nearest open one (not 签收) when absent. */
  obligationId: z.string().max(200).optional(),
  until: IsoDate,
  reason: z.string().trim().min(1, '请填写延期原因').max(1000, '最多 1000 字'),
});
export const RequestResult = z.object({
  id: z.string(),
  seq: z.number().int(),
  state: z.enum(['leaderPending', 'pending', 'approved', 'returned', 'withdrawn']),
  late: z.boolean(),
  obligations: z.array(z.object({ obligationId: z.string(), label: z.string(), due: IsoDate })),
});
export type RequestResult = z.infer<typeof RequestResult>;

export const UploadResult = EvidenceRef.extend({ duplicate: z.boolean() });
export type UploadResult = z.infer<typeof UploadResult>;
