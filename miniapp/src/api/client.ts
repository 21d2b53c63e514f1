import type { z } from 'zod';
import type { AuthConfig, Me, MyItems, TaskOverview } from '../../../shared/schemas/miniapp.js';
import { UploadResult } from '../../../shared/schemas/miniapp.js';
import { ErrorBody } from '../../../shared/errors.js';
import type { AssessmentView, UnitAssessment } from '../../../shared/schemas/assessment.js';
import type { BulletinList } from '../../../shared/schemas/bulletin.js';
import type { RoundDetail, RoundList } from '../../../shared/schemas/supervision.js';
import type { Overview, PartList, ReviewItem, TaskUnits } from '../../../shared/schemas/workbench.js';
import type { ApplyImportResult, ImportPreview, ImportCorrection } from '../../../shared/schemas/import.js';
import { api as routes, type ApiEntry, type BodyOf, type ParamsOf, type QueryOf } from '../../../shared/api.js';
import { clearSession, currentSession } from '../state/session';
import { apiUrl } from './base';

/** A failed call: the server's stable code and its Chinese message (or a network message). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** What the server listed (fields at fault, tasks that would be lost …). */
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Called when the session is gone (expired or refused): the app signs in again. */
let onSignedOut: (message: string) => void = () => undefined;
export function setSignedOutHandler(fn: (message: string) => void): void {
  onSignedOut = fn;
}

function authHeaders(): Record<string, string> {
  const s = currentSession();
  return s ? { authorization: `Bearer ${s.token}` } : {};
}

/** One key per action: a retry of the same call is carried out once by the server (Idempotency-Key). */
export function actionKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function call<T extends z.ZodType>(
  schema: T,
  method: string,
  path: string,
  body?: unknown,
  file?: File,
): Promise<z.infer<T>> {
  return answer(
    schema,
    path,
    fetch(apiUrl(path), {
      method,
      // a file goes as itself (its name in a header); anything else as JSON
      headers: {
        ...authHeaders(),
        ...(method === 'GET' ? {} : { 'idempotency-key': actionKey() }),
        ...(file
          ? { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) }
          : body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
      },
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
    }),
  );
}

/** A call's answer: the parsed body, or an ApiError with the server's code and message. */
async function answer<T extends z.ZodType>(schema: T, path: string, sent: Promise<Response>): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await sent;
  } catch {
    throw new ApiError('NETWORK', '网络不通,请检查网络后重试', 0);
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = ErrorBody.safeParse(json);
    const e = err.success
      ? new ApiError(err.data.code, err.data.message, res.status, err.data.details)
      : new ApiError('HTTP', `服务暂时不可用(${res.status}),请稍后重试`, res.status);
    if (res.status === 401 && !path.startsWith('/api/auth/')) {
      clearSession();
      onSignedOut(e.message);
    }
    throw e;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError('BAD_RESPONSE', '服务器返回的数据无法识别,请刷新后重试', res.status);
  return parsed.data;
}

/** What a call sends: the parts its entry in shared/api.ts declares, typed by the same schemas the server checks. */
interface Call<E extends ApiEntry> {
  params?: ParamsOf<E>;
  query?: QueryOf<E>;
  body?: BodyOf<E>;
  file?: File;
}

/**
 * A call by the route contract (shared/api.ts): its method, its path with `:params` filled in,
 * the query, the body, and its response schema — the paths and schemas are written once, there.
 */
function send<E extends ApiEntry & { response: z.ZodType }>(
  route: E,
  o: Call<E> = {},
): Promise<z.infer<E['response']>> {
  const params = (o.params ?? {}) as Record<string, unknown>;
  const path = route.path.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(String(params[k] ?? '')));
  const query = new URLSearchParams(
    Object.entries((o.query ?? {}) as Record<string, unknown>).flatMap(([k, v]) =>
      v === undefined || v === '' ? [] : [[k, String(v)]],
    ),
  ).toString();
  const body = o.body ?? (route.method === 'POST' && !o.file ? {} : undefined);
  return call<E['response']>(route.response, route.method, `${path}${query ? `?${query}` : ''}`, body, o.file);
}

/** The exchange index.html's inline loader started (miniapp/boot/early-sign-in.js), taken once. */
declare global {
  interface Window {
    __dubanEarlySignIn?: { code: string; platform: string; response: Promise<Response> };
  }
}
function takeEarlySignIn(code: string, platform: string): Promise<Response> | undefined {
  const early = window.__dubanEarlySignIn;
  if (!early || early.code !== code || early.platform !== platform) return undefined;
  window.__dubanEarlySignIn = undefined;
  return early.response;
}

export const api = {
  authConfig: () => send(routes.authConfig),
  /** A busy sign-in queue answers 503 before the code is used: wait a moment and try the same code again. */
  signInWithCode: async (code: string, platform: 'dingtalk' | 'zzd' = 'dingtalk') => {
    const route = platform === 'zzd' ? routes.authZzd : routes.authDingtalk;
    // the page's inline loader may have sent this very exchange while the scripts were loading
    let early = takeEarlySignIn(code, platform);
    for (let attempt = 0; ; attempt += 1) {
      try {
        if (early) {
          const sent = early;
          early = undefined;
          return await answer(route.response, route.path, sent);
        }
        return await send(route, { body: { code } });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 503 && e.code === 'UNAVAILABLE' && attempt < 8)) throw e;
        await new Promise((r) => setTimeout(r, 600 + attempt * 400));
      }
    }
  },
  devPeople: () => send(routes.devPeople),
  devSignIn: (personId: string) => send(routes.devSignIn, { body: { personId } }),
  me: () => send(routes.me),
  myOrgs: () => send(routes.myOrgs),
  orgTree: () => send(routes.orgTree),
  taskChain: (id: string) => send(routes.taskChain, { params: { id } }),
  orgsSummary: () => send(routes.orgsSummary),
  orgAdd: (body: BodyOf<typeof routes.orgAdd>) => send(routes.orgAdd, { body }),
  /** Liveness and the operator's warnings (missing holiday data, store trouble, sample data): the banner. */
  health: () => send(routes.health),
  calendar: () => send(routes.calendar),
  calendarRead: (body: BodyOf<typeof routes.calendarRead>) => send(routes.calendarRead, { body }),
  calendarAdd: (body: BodyOf<typeof routes.calendarAdd>) => send(routes.calendarAdd, { body }),
  tasks: (o: { toDesignate?: boolean } = {}) =>
    send(routes.tasks, { query: { kind: 'key', limit: 500, ...(o.toDesignate ? { toDesignate: '1' as const } : {}) } }),
  myItems: (section?: string) => send(routes.myItems, { query: { section } }),
  overview: (taskId: string) => send(routes.taskOverview, { params: { id: taskId } }),
  acknowledge: (assignmentId: string) => send(routes.acknowledge, { params: { id: assignmentId } }),
  undoAcknowledge: (assignmentId: string) => send(routes.undoAcknowledge, { params: { id: assignmentId } }),
  report: (assignmentId: string, body: BodyOf<typeof routes.report>) =>
    send(routes.report, { params: { id: assignmentId }, body }),
  closure: (assignmentId: string, body: BodyOf<typeof routes.closure>) =>
    send(routes.closure, { params: { id: assignmentId }, body }),
  extension: (assignmentId: string, body: BodyOf<typeof routes.extension>) =>
    send(routes.extension, { params: { id: assignmentId }, body }),
  withdraw: (requestId: string) => send(routes.withdrawRequest, { params: { id: requestId } }),
  // the 督考办's workbench
  reviews: (status: 'pending' | 'approved' | 'returned' | 'all' = 'pending') =>
    send(routes.reviews, { query: { status, limit: 200 } }),
  unitReviews: () => send(routes.unitReviews),
  confirm: (id: string, decision: 'approve' | 'return', comment?: string) =>
    send(decision === 'approve' ? routes.confirmReview : routes.leaderReturnReview, {
      params: { id },
      body: comment ? { comment } : {},
    }),
  decide: (id: string, decision: 'approve' | 'return', comment?: string) =>
    send(decision === 'approve' ? routes.approveReview : routes.returnReview, {
      params: { id },
      body: comment ? { comment } : {},
    }),
  districtOverview: () => send(routes.overview),
  parts: (f: PartFilter) => send(routes.parts, { query: { ...f } }),
  taskUnits: (taskId: string) => send(routes.taskUnits, { params: { id: taskId } }),
  units: () => send(routes.units),
  rounds: () => send(routes.rounds),
  round: (id: string) => send(routes.round, { params: { id } }),
  openRound: (body: BodyOf<typeof routes.openRound>) => send(routes.openRound, { body }),
  closeRound: (id: string) => send(routes.closeRound, { params: { id } }),
  manualItems: (taskId: string) => send(routes.manualItems, { query: { taskId } }),
  addManual: (body: BodyOf<typeof routes.addManual>) => send(routes.addManual, { body }),
  assessment: (year: number) => send(routes.assessment, { params: { year } }),
  unitAssessment: (year: number, unitId: string) => send(routes.unitAssessment, { params: { year, unitId } }),
  assessmentStep: (year: number, step: 'compute' | 'publish' | 'finalize') =>
    send(routes.assessmentStep, { params: { year, step } }),
  appeal: (year: number, obligationId: string, reason: string) =>
    send(routes.appeal, { params: { year }, body: { obligationId, reason } }),
  decideAppeal: (year: number, id: string, decision: 'accept' | 'reject', comment?: string) =>
    send(routes.decideAppeal, { params: { year, id, decision }, body: comment ? { comment } : {} }),
  bulletins: () => send(routes.bulletins),
  issueBulletin: (body: BodyOf<typeof routes.issueBulletin>) => send(routes.issueBulletin, { body }),
  board: () => send(routes.board),
  evaluations: () => send(routes.evaluations),
  openEvaluation: (body: BodyOf<typeof routes.openEvaluation>) => send(routes.openEvaluation, { body }),
  addFinding: (id: string, body: BodyOf<typeof routes.addFinding>) => send(routes.addFinding, { params: { id }, body }),
  recheckFinding: (id: string, findingId: string, body: BodyOf<typeof routes.recheckFinding>) =>
    send(routes.recheckFinding, { params: { id, findingId }, body }),
  importSatisfaction: (id: string, file: File) => send(routes.importSatisfaction, { params: { id }, file }),
  pilots: () => send(routes.pilots),
  recordPilot: (body: BodyOf<typeof routes.recordPilot>) => send(routes.recordPilot, { body }),
  pilotStatus: (id: string, body: BodyOf<typeof routes.pilotStatus>) =>
    send(routes.pilotStatus, { params: { id }, body }),
  submitExperience: (body: BodyOf<typeof routes.submitExperience>) => send(routes.submitExperience, { body }),
  decideExperience: (id: string, body: BodyOf<typeof routes.decideExperience>) =>
    send(routes.decideExperience, { params: { id }, body }),
  publishExperiences: (year: number) => send(routes.publishExperiences, { body: { year } }),
  instructions: () => send(routes.instructions, { query: { status: 'all' } }),
  registerInstruction: (body: BodyOf<typeof routes.registerInstruction>) => send(routes.registerInstruction, { body }),
  exemptions: (query: QueryOf<typeof routes.exemptions> = {}) => send(routes.exemptions, { query }),
  fileExemption: (body: BodyOf<typeof routes.fileExemption>) => send(routes.fileExemption, { body }),
  decideExemption: (id: string, body: BodyOf<typeof routes.decideExemption>) =>
    send(routes.decideExemption, { params: { id }, body }),
  confirmExemption: (id: string, body: BodyOf<typeof routes.confirmExemption>) =>
    send(routes.confirmExemption, { params: { id }, body }),
  sheets: () => send(routes.sheets, { query: {} }),
  sheet: (id: string) => send(routes.sheet, { params: { id } }),
  sheetCandidates: (unitId: string) => send(routes.sheetCandidates, { query: { unitId } }),
  issueSheet: (body: BodyOf<typeof routes.issueSheet>) => send(routes.issueSheet, { body }),
  signSheet: (id: string) => send(routes.signSheet, { params: { id } }),
  answerSheet: (id: string, body: BodyOf<typeof routes.answerSheet>) =>
    send(routes.answerSheet, { params: { id }, body }),
  /** A file the server makes for the signed-in person (台账 Excel, annual report), fetched with the session and handed to the browser. */
  download: async (path: string, name: string) => {
    const res = await fetch(apiUrl(path), { headers: authHeaders() });
    if (!res.ok) {
      const err = ErrorBody.safeParse(await res.json().catch(() => undefined));
      throw new ApiError(
        err.success ? err.data.code : 'HTTP',
        err.success ? err.data.message : `下载失败(${res.status})`,
        res.status,
      );
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    if (name.endsWith('.html')) a.target = '_blank';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
  urge: (body: BodyOf<typeof routes.urge>) => send(routes.urge, { body }),
  designate: (assignmentId: string, unitIds: string[]) =>
    send(routes.designate, { params: { id: assignmentId }, body: { unitIds } }),
  // importing a plan document
  importUpload: (file: File) => send(routes.importUpload, { file }),
  plans: () => send(routes.plans),
  planActivate: (id: string) => send(routes.planActivate, { params: { id } }),
  importColumns: (upload: string, body: BodyOf<typeof routes.importColumns>) =>
    send(routes.importColumns, { params: { id: upload }, body }),
  importApply: (upload: string, body: BodyOf<typeof routes.importApply>) =>
    send(routes.importApply, { params: { id: upload }, body }),
};

/** A drill-down: parts by light, unit, section or task. */
export type PartFilter = QueryOf<typeof routes.parts>;

/** Parses the upload endpoint's answer (the host layer does the transfer: XHR in browsers, JSAPI in DingTalk). */
export function parseUpload(status: number, text: string): z.infer<typeof UploadResult> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('HTTP', `上传失败(${status}),请重试`, status);
  }
  if (status >= 400 || status === 0) {
    const err = ErrorBody.safeParse(json);
    throw err.success
      ? new ApiError(err.data.code, err.data.message, status)
      : new ApiError('HTTP', `上传失败(${status}),请重试`, status);
  }
  const parsed = UploadResult.safeParse(json);
  if (!parsed.success) throw new ApiError('BAD_RESPONSE', '上传结果无法识别,请重试', status);
  return parsed.data;
}

export type { AuthConfig, Me, MyItems, TaskOverview };
export type OverviewData = z.infer<typeof Overview>;
export type Review = z.infer<typeof ReviewItem>;
export type Part = z.infer<typeof PartList>['items'][number];
export type TaskUnitsData = z.infer<typeof TaskUnits>;
export type RoundData = z.infer<typeof RoundDetail>;
export type AssessmentData = z.infer<typeof AssessmentView>;
export type BulletinData = z.infer<typeof BulletinList>['items'][number];
export type UnitAssessmentData = z.infer<typeof UnitAssessment>;
export type RoundSummaries = z.infer<typeof RoundList>;
export type Upload = z.infer<typeof UploadResult>;
export type ImportPreviewData = z.infer<typeof ImportPreview>;
export type ImportApplied = z.infer<typeof ApplyImportResult>;
export type { ImportCorrection };
