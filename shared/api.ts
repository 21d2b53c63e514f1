import { z } from 'zod';
import { ErrorBody } from './errors.js';
import {
  AckResult,
  AuthCodeBody,
  AuthConfig,
  ClosureBody,
  DevPeople,
  DevSignInBody,
  ExtensionBody,
  Me,
  MyItems,
  MyItemsQuery,
  ReportBody,
  ReportResult,
  RequestResult,
  Session,
  TaskOverview,
  UndoResult,
  UploadResult,
} from './schemas/miniapp.js';
import {
  AdjustmentBody,
  AppealBody,
  AppealDecisionBody,
  AssessmentView,
  UnitAssessment,
} from './schemas/assessment.js';
import { Bulletin, BulletinBody, BulletinList } from './schemas/bulletin.js';
import { InstructionBody, InstructionList, InstructionView } from './schemas/instruction.js';
import { EvaluationBody, EvaluationList, EvaluationView, FindingBody, RecheckBody } from './schemas/evaluation.js';
import {
  ExperienceBody,
  ExperienceDecisionBody,
  ExperienceView,
  PilotBody,
  PilotStatusBody,
  PilotView,
  PilotsView,
} from './schemas/pilot.js';
import {
  ExemptionBody,
  ExemptionConfirmBody,
  ExemptionDecisionBody,
  ExemptionList,
  ExemptionQuery,
  ExemptionView,
} from './schemas/exemption.js';
import { SheetAnswerBody, SheetBody, SheetCandidates, SheetList, SheetView } from './schemas/notice-sheet.js';
import {
  BoardFigures,
  LedgerVerification,
  DecisionBody,
  DesignateBody,
  DesignateResult,
  Overview,
  OverviewQuery,
  PartList,
  PartsQuery,
  ReviewItem,
  ReviewList,
  ReviewQuery,
  TaskUnits,
} from './schemas/workbench.js';
import {
  ManualBody,
  ReopenBody,
  ReopenResult,
  ManualList,
  ManualResult,
  RoundBody,
  RoundDetail,
  RoundList,
  UrgeBody,
  UrgeResult,
} from './schemas/supervision.js';
import {
  CalendarAdded,
  CalendarReadBody,
  CalendarReading,
  CalendarStatus,
  CalendarYearBody,
} from './schemas/calendar.js';
import { ReminderPlan } from './schemas/reminders.js';
import { MyOrgs, OrgAddBody, OrgsSummary, OrgTree, TaskChain } from './schemas/org.js';
import { ApplyImportBody, ApplyImportResult, ImportColumnsBody, ImportPreview } from './schemas/import.js';
import {
  Health,
  PlanList,
  PlanView,
  SectionList,
  TaskList,
  TaskQuery,
  TaskView,
  UnitAssignmentList,
  UnitList,
} from './schemas/views.js';

/**
 * The HTTP contract: one entry per route, imported by the server (validation, serialisation,
 * OpenAPI) and by the mini-app (typed calls, response parsing).
 */
/** One route of the contract: the server registers it (server/src/http/contract.ts), the mini-app calls it. */
export interface ApiEntry {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Absent where the answer is a file (evidence, the 台账, the annual report). */
  readonly response?: z.ZodType;
}

type Part<E, K extends 'params' | 'query' | 'body'> = E extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.input<S>
  : never;
/** What a client sends as a route's body, params and query (before the server's coercion and defaults). */
export type BodyOf<E extends ApiEntry> = Part<E, 'body'>;
export type ParamsOf<E extends ApiEntry> = Part<E, 'params'>;
export type QueryOf<E extends ApiEntry> = Part<E, 'query'>;

export const IdParams = z.object({ id: z.string().min(1).max(128) });
export const YearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

export const api = {
  health: { method: 'GET', path: '/api/health', response: Health },
  plan: {
    method: 'GET',
    path: '/api/plan',
    query: z.object({ planId: z.string().max(128).optional() }),
    response: PlanView,
  },
  plans: { method: 'GET', path: '/api/plans', response: PlanList },
  sections: {
    method: 'GET',
    path: '/api/sections',
    query: z.object({ planId: z.string().max(128).optional() }),
    response: SectionList,
  },
  tasks: { method: 'GET', path: '/api/tasks', query: TaskQuery, response: TaskList },
  task: { method: 'GET', path: '/api/tasks/:id', params: IdParams, response: TaskView },
  units: { method: 'GET', path: '/api/units', response: UnitList },
  unitAssignments: {
    method: 'GET',
    path: '/api/units/:id/assignments',
    params: IdParams,
    query: z.object({ planId: z.string().max(128).optional() }),
    response: UnitAssignmentList,
  },

  // sign-in (no session needed)
  authConfig: { method: 'GET', path: '/api/auth/config', response: AuthConfig },
  authDingtalk: { method: 'POST', path: '/api/auth/dingtalk', body: AuthCodeBody, response: Session },
  authZzd: { method: 'POST', path: '/api/auth/zzd', body: AuthCodeBody, response: Session },
  devPeople: { method: 'GET', path: '/api/auth/dev-people', response: DevPeople },
  devSignIn: { method: 'POST', path: '/api/auth/dev', body: DevSignInBody, response: Session },

  // the mini-app (session required)
  me: { method: 'GET', path: '/api/me', response: Me },
  myOrgs: { method: 'GET', path: '/api/orgs', response: MyOrgs },
  orgTree: { method: 'GET', path: '/api/orgs/tree', response: OrgTree },
  orgAdd: { method: 'POST', path: '/api/orgs', body: OrgAddBody, response: OrgTree },
  taskChain: { method: 'GET', path: '/api/tasks/:id/chain', params: IdParams, response: TaskChain },
  orgsSummary: { method: 'GET', path: '/api/orgs/summary', response: OrgsSummary },
  myItems: { method: 'GET', path: '/api/my/items', query: MyItemsQuery, response: MyItems },
  taskOverview: { method: 'GET', path: '/api/tasks/:id/overview', params: IdParams, response: TaskOverview },
  acknowledge: { method: 'POST', path: '/api/assignments/:id/acknowledge', params: IdParams, response: AckResult },
  undoAcknowledge: {
    method: 'POST',
    path: '/api/assignments/:id/acknowledge/undo',
    params: IdParams,
    response: UndoResult,
  },
  report: {
    method: 'POST',
    path: '/api/assignments/:id/reports',
    params: IdParams,
    body: ReportBody,
    response: ReportResult,
  },
  closure: {
    method: 'POST',
    path: '/api/assignments/:id/closure-requests',
    params: IdParams,
    body: ClosureBody,
    response: RequestResult,
  },
  extension: {
    method: 'POST',
    path: '/api/assignments/:id/extension-requests',
    params: IdParams,
    body: ExtensionBody,
    response: RequestResult,
  },
  withdrawRequest: { method: 'POST', path: '/api/requests/:id/withdraw', params: IdParams, response: RequestResult },
  upload: { method: 'POST', path: '/api/evidence', response: UploadResult },
  evidence: {
    method: 'GET',
    path: '/api/evidence/:sha256',
    params: z.object({ sha256: z.string().max(64) }),
    query: z.object({
      p: z.string().max(128).optional(),
      exp: z.string().max(20).optional(),
      sig: z.string().max(100).optional(),
      thumb: z.enum(['1']).optional(),
    }),
  },
  // the 督考办's workbench
  reviews: { method: 'GET', path: '/api/reviews', query: ReviewQuery, response: ReviewList },
  approveReview: {
    method: 'POST',
    path: '/api/reviews/:id/approve',
    params: IdParams,
    body: DecisionBody,
    response: ReviewItem,
  },
  returnReview: {
    method: 'POST',
    path: '/api/reviews/:id/return',
    params: IdParams,
    body: DecisionBody,
    response: ReviewItem,
  },
  unitReviews: { method: 'GET', path: '/api/unit-reviews', response: ReviewList },
  confirmReview: {
    method: 'POST',
    path: '/api/reviews/:id/confirm',
    params: IdParams,
    body: DecisionBody,
    response: ReviewItem,
  },
  leaderReturnReview: {
    method: 'POST',
    path: '/api/reviews/:id/leader-return',
    params: IdParams,
    body: DecisionBody,
    response: ReviewItem,
  },
  overview: { method: 'GET', path: '/api/overview', query: OverviewQuery, response: Overview },
  parts: { method: 'GET', path: '/api/overview/parts', query: PartsQuery, response: PartList },
  taskUnits: { method: 'GET', path: '/api/tasks/:id/units', params: IdParams, response: TaskUnits },
  importUpload: { method: 'POST', path: '/api/imports', response: ImportPreview },
  importTemplate: { method: 'GET', path: '/api/imports/template.xlsx' },
  importColumns: {
    method: 'POST',
    path: '/api/imports/:id/columns',
    params: IdParams,
    body: ImportColumnsBody,
    response: ImportPreview,
  },
  importApply: {
    method: 'POST',
    path: '/api/imports/:id/apply',
    params: IdParams,
    body: ApplyImportBody,
    response: ApplyImportResult,
  },
  /** Makes a stored plan the current one again (after a replacement, say): nothing else changes. */
  planActivate: {
    method: 'POST',
    path: '/api/plans/:id/activate',
    params: IdParams,
    response: z.object({ planId: z.string(), previous: z.string().nullable(), changed: z.boolean() }),
  },
  designate: {
    method: 'POST',
    path: '/api/assignments/:id/designate',
    params: IdParams,
    body: DesignateBody,
    response: DesignateResult,
  },
  assessment: { method: 'GET', path: '/api/assessments/:year', params: YearParams, response: AssessmentView },
  unitAssessment: {
    method: 'GET',
    path: '/api/assessments/:year/units/:unitId',
    params: YearParams.extend({ unitId: z.string().min(1).max(128) }),
    response: UnitAssessment,
  },
  assessmentStep: {
    method: 'POST',
    path: '/api/assessments/:year/:step',
    params: YearParams.extend({ step: z.enum(['compute', 'publish', 'finalize']) }),
    response: AssessmentView,
  },
  appeal: {
    method: 'POST',
    path: '/api/assessments/:year/appeals',
    params: YearParams,
    body: AppealBody,
    response: UnitAssessment,
  },
  decideAppeal: {
    method: 'POST',
    path: '/api/assessments/:year/appeals/:id/:decision',
    params: YearParams.extend({
      id: z.string().regex(/^A\d+$/, '申诉编号应为 A 加数字'),
      decision: z.enum(['accept', 'reject']),
    }),
    body: AppealDecisionBody,
    response: AssessmentView,
  },
  adjust: {
    method: 'POST',
    path: '/api/assessments/:year/adjustments',
    params: YearParams,
    body: AdjustmentBody,
    response: AssessmentView,
  },
  bulletins: {
    method: 'GET',
    path: '/api/bulletins',
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
    response: BulletinList,
  },
  issueBulletin: { method: 'POST', path: '/api/bulletins', body: BulletinBody, response: Bulletin },
  board: { method: 'GET', path: '/api/board', response: BoardFigures },
  evaluations: { method: 'GET', path: '/api/evaluations', response: EvaluationList },
  openEvaluation: { method: 'POST', path: '/api/evaluations', body: EvaluationBody, response: EvaluationView },
  addFinding: {
    method: 'POST',
    path: '/api/evaluations/:id/findings',
    params: IdParams,
    body: FindingBody,
    response: EvaluationView,
  },
  recheckFinding: {
    method: 'POST',
    path: '/api/evaluations/:id/findings/:findingId/recheck',
    params: IdParams.extend({ findingId: z.string().min(1).max(40) }),
    body: RecheckBody,
    response: EvaluationView,
  },
  importSatisfaction: {
    method: 'POST',
    path: '/api/evaluations/:id/satisfaction',
    params: IdParams,
    response: EvaluationView,
  },
  evaluationReport: { method: 'GET', path: '/api/evaluations/:id/report.docx', params: IdParams },
  pilots: { method: 'GET', path: '/api/pilots', response: PilotsView },
  recordPilot: { method: 'POST', path: '/api/pilots', body: PilotBody, response: PilotView },
  pilotStatus: {
    method: 'POST',
    path: '/api/pilots/:id/status',
    params: IdParams,
    body: PilotStatusBody,
    response: PilotView,
  },
  submitExperience: { method: 'POST', path: '/api/experiences', body: ExperienceBody, response: ExperienceView },
  decideExperience: {
    method: 'POST',
    path: '/api/experiences/:id/decide',
    params: IdParams,
    body: ExperienceDecisionBody,
    response: ExperienceView,
  },
  publishExperiences: {
    method: 'POST',
    path: '/api/experiences/publish',
    body: z.object({ year: z.number().int().min(2000).max(2100) }),
    response: z.object({ published: z.array(ExperienceView) }),
  },
  experienceCompilation: {
    method: 'GET',
    path: '/api/experiences/compilation.docx',
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
  },
  instructions: {
    method: 'GET',
    path: '/api/instructions',
    query: z.object({ status: z.enum(['open', 'closed', 'all']).default('all') }),
    response: InstructionList,
  },
  registerInstruction: { method: 'POST', path: '/api/instructions', body: InstructionBody, response: InstructionView },
  instructionReport: { method: 'GET', path: '/api/instructions/:id/report', params: IdParams },
  exemptions: { method: 'GET', path: '/api/exemptions', query: ExemptionQuery, response: ExemptionList },
  fileExemption: { method: 'POST', path: '/api/exemptions', body: ExemptionBody, response: ExemptionView },
  decideExemption: {
    method: 'POST',
    path: '/api/exemptions/:id/decide',
    params: IdParams,
    body: ExemptionDecisionBody,
    response: ExemptionView,
  },
  confirmExemption: {
    method: 'POST',
    path: '/api/exemptions/:id/confirm',
    params: IdParams,
    body: ExemptionConfirmBody,
    response: ExemptionView,
  },
  sheets: {
    method: 'GET',
    path: '/api/notice-sheets',
    query: z.object({ unitId: z.string().min(1).max(128).optional() }),
    response: SheetList,
  },
  issueSheet: { method: 'POST', path: '/api/notice-sheets', body: SheetBody, response: SheetView },
  sheetCandidates: {
    method: 'GET',
    path: '/api/notice-sheets/candidates',
    query: z.object({ unitId: z.string().min(1).max(128) }),
    response: SheetCandidates,
  },
  sheet: { method: 'GET', path: '/api/notice-sheets/:id', params: IdParams, response: SheetView },
  signSheet: { method: 'POST', path: '/api/notice-sheets/:id/sign', params: IdParams, response: SheetView },
  answerSheet: {
    method: 'POST',
    path: '/api/notice-sheets/:id/answer',
    params: IdParams,
    body: SheetAnswerBody,
    response: SheetView,
  },
  sheetDocument: { method: 'GET', path: '/api/notice-sheets/:id/document.docx', params: IdParams },
  sheetPdf: { method: 'GET', path: '/api/notice-sheets/:id/document.pdf', params: IdParams },
  exportLedger: {
    method: 'GET',
    path: '/api/exports/ledger.xlsx',
    query: z.object({
      year: z.coerce.number().int().min(2000).max(2100),
      unitId: z.string().min(1).max(128).optional(),
    }),
  },
  annualReport: {
    method: 'GET',
    path: '/api/reports/annual',
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100), unitId: z.string().min(1).max(128) }),
  },
  ledgerVerify: { method: 'GET', path: '/api/ledger/verify', response: LedgerVerification },
  rounds: { method: 'GET', path: '/api/rounds', response: RoundList },
  openRound: { method: 'POST', path: '/api/rounds', body: RoundBody, response: RoundDetail },
  round: { method: 'GET', path: '/api/rounds/:id', params: IdParams, response: RoundDetail },
  closeRound: { method: 'POST', path: '/api/rounds/:id/close', params: IdParams, response: RoundDetail },
  urge: { method: 'POST', path: '/api/urges', body: UrgeBody, response: UrgeResult },
  manualItems: {
    method: 'GET',
    path: '/api/manual-obligations',
    query: z.object({ taskId: z.string().max(128).optional() }),
    response: ManualList,
  },
  addManual: { method: 'POST', path: '/api/manual-obligations', body: ManualBody, response: ManualResult },
  calendar: { method: 'GET', path: '/api/calendar', response: CalendarStatus },
  calendarRead: { method: 'POST', path: '/api/calendar/read', body: CalendarReadBody, response: CalendarReading },
  calendarAdd: { method: 'POST', path: '/api/calendar/years', body: CalendarYearBody, response: CalendarAdded },
  remindersPreview: {
    method: 'GET',
    path: '/api/reminders/preview',
    query: z.object({ at: z.string().max(40).optional() }),
    response: ReminderPlan,
  },
  reopenLate: {
    method: 'POST',
    path: '/api/obligations/:id/reopen',
    params: IdParams,
    body: ReopenBody,
    response: ReopenResult,
  },
} as const satisfies Record<string, ApiEntry>;

export { ErrorBody };
