import type { z } from 'zod';
import {
  AckResult,
  AuthConfig,
  DevPeople,
  Me,
  MyItems,
  ReportResult,
  RequestResult,
  Session,
  TaskOverview,
  UndoResult,
  UploadResult,
} from '../../../shared/schemas/miniapp.js';
import { ErrorBody } from '../../../shared/errors.js';
import { TaskList, UnitList } from '../../../shared/schemas/views.js';
import { AssessmentView, UnitAssessment } from '../../../shared/schemas/assessment.js';
import { Bulletin, BulletinList } from '../../../shared/schemas/bulletin.js';
import { ManualList, ManualResult, RoundDetail, RoundList, UrgeResult } from '../../../shared/schemas/supervision.js';
import {
  DesignateResult,
  Overview,
  PartList,
  ReviewItem,
  ReviewList,
  TaskUnits,
} from '../../../shared/schemas/workbench.js';
import { ApplyImportResult, ImportPreview, type ImportCorrection } from '../../../shared/schemas/import.js';
import { clearSession, currentSession } from '../state/session';

/** A failed call: the server's stable code and its Chinese message (or a network message). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
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

async function call<T extends z.ZodType>(
  schema: T,
  method: string,
  path: string,
  body?: unknown,
  file?: File,
): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      // a file goes as itself (its name in a header); anything else as JSON
      headers: {
        ...authHeaders(),
        ...(file
          ? { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) }
          : body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
      },
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError('NETWORK', '网络不通,请检查网络后重试', 0);
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = ErrorBody.safeParse(json);
    const e = err.success
      ? new ApiError(err.data.code, err.data.message, res.status)
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

const enc = encodeURIComponent;

export const api = {
  authConfig: () => call(AuthConfig, 'GET', '/api/auth/config'),
  /** A busy sign-in queue answers 503 before the code is used: wait a moment and try the same code again. */
  signInWithCode: async (code: string) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call(Session, 'POST', '/api/auth/dingtalk', { code });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 503 && e.code === 'UNAVAILABLE' && attempt < 8)) throw e;
        await new Promise((r) => setTimeout(r, 600 + attempt * 400));
      }
    }
  },
  devPeople: () => call(DevPeople, 'GET', '/api/auth/dev-people'),
  devSignIn: (personId: string) => call(Session, 'POST', '/api/auth/dev', { personId }),
  me: () => call(Me, 'GET', '/api/me'),
  tasks: () => call(TaskList, 'GET', '/api/tasks?kind=key&limit=500'),
  myItems: (section?: string) => call(MyItems, 'GET', `/api/my/items${section ? `?section=${enc(section)}` : ''}`),
  overview: (taskId: string) => call(TaskOverview, 'GET', `/api/tasks/${enc(taskId)}/overview`),
  acknowledge: (assignmentId: string) =>
    call(AckResult, 'POST', `/api/assignments/${enc(assignmentId)}/acknowledge`, {}),
  undoAcknowledge: (assignmentId: string) =>
    call(UndoResult, 'POST', `/api/assignments/${enc(assignmentId)}/acknowledge/undo`, {}),
  report: (
    assignmentId: string,
    body: { text: string; noChange: boolean; evidence: string[]; obligationId?: string },
  ) => call(ReportResult, 'POST', `/api/assignments/${enc(assignmentId)}/reports`, body),
  closure: (assignmentId: string, body: { text: string; evidence: string[] }) =>
    call(RequestResult, 'POST', `/api/assignments/${enc(assignmentId)}/closure-requests`, body),
  extension: (assignmentId: string, body: { until: string; reason: string; obligationId?: string }) =>
    call(RequestResult, 'POST', `/api/assignments/${enc(assignmentId)}/extension-requests`, body),
  withdraw: (requestId: string) => call(RequestResult, 'POST', `/api/requests/${enc(requestId)}/withdraw`, {}),
  // the 督考办's workbench
  reviews: (status: 'pending' | 'approved' | 'returned' | 'all' = 'pending') =>
    call(ReviewList, 'GET', `/api/reviews?status=${status}&limit=200`),
  unitReviews: () => call(ReviewList, 'GET', '/api/unit-reviews'),
  confirm: (id: string, decision: 'approve' | 'return', comment?: string) =>
    call(
      ReviewItem,
      'POST',
      `/api/reviews/${enc(id)}/${decision === 'approve' ? 'confirm' : 'leader-return'}`,
      comment ? { comment } : {},
    ),
  decide: (id: string, decision: 'approve' | 'return', comment?: string) =>
    call(ReviewItem, 'POST', `/api/reviews/${enc(id)}/${decision}`, comment ? { comment } : {}),
  districtOverview: () => call(Overview, 'GET', '/api/overview'),
  parts: (f: PartFilter) =>
    call(
      PartList,
      'GET',
      `/api/overview/parts?${new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString()}`,
    ),
  taskUnits: (taskId: string) => call(TaskUnits, 'GET', `/api/tasks/${enc(taskId)}/units`),
  units: () => call(UnitList, 'GET', '/api/units'),
  rounds: () => call(RoundList, 'GET', '/api/rounds'),
  round: (id: string) => call(RoundDetail, 'GET', `/api/rounds/${enc(id)}`),
  openRound: (body: { name: string; submit: string; due: string; taskIds: string[]; unitIds?: string[] }) =>
    call(RoundDetail, 'POST', '/api/rounds', body),
  closeRound: (id: string) => call(RoundDetail, 'POST', `/api/rounds/${enc(id)}/close`, {}),
  manualItems: (taskId: string) => call(ManualList, 'GET', `/api/manual-obligations?taskId=${enc(taskId)}`),
  addManual: (body: { taskId: string; label: string; due: string; unitIds?: string[] }) =>
    call(ManualResult, 'POST', '/api/manual-obligations', body),
  assessment: (year: number) => call(AssessmentView, 'GET', `/api/assessments/${year}`),
  unitAssessment: (year: number, unitId: string) =>
    call(UnitAssessment, 'GET', `/api/assessments/${year}/units/${enc(unitId)}`),
  assessmentStep: (year: number, step: 'compute' | 'publish' | 'finalize') =>
    call(AssessmentView, 'POST', `/api/assessments/${year}/${step}`, {}),
  appeal: (year: number, obligationId: string, reason: string) =>
    call(UnitAssessment, 'POST', `/api/assessments/${year}/appeals`, { obligationId, reason }),
  decideAppeal: (year: number, id: string, decision: 'accept' | 'reject', comment?: string) =>
    call(AssessmentView, 'POST', `/api/assessments/${year}/appeals/${enc(id)}/${decision}`, comment ? { comment } : {}),
  bulletins: () => call(BulletinList, 'GET', '/api/bulletins'),
  issueBulletin: (body: {
    kind: 'praise' | 'criticism' | 'interview';
    unitIds: string[];
    taskId?: string;
    text: string;
    refs: number[];
    rectifyBy?: string;
  }) => call(Bulletin, 'POST', '/api/bulletins', body),
  /** A file the server makes for the signed-in person (台账 Excel, annual report), fetched with the session and handed to the browser. */
  download: async (path: string, name: string) => {
    const res = await fetch(path, { headers: authHeaders() });
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
  urge: (body: { taskId: string; unitId: string; message: string; due: string }) =>
    call(UrgeResult, 'POST', '/api/urges', body),
  designate: (assignmentId: string, unitIds: string[]) =>
    call(DesignateResult, 'POST', `/api/assignments/${enc(assignmentId)}/designate`, { unitIds }),
  // importing a plan document
  importUpload: (file: File) => call(ImportPreview, 'POST', '/api/imports', undefined, file),
  importApply: (upload: string, body: { corrections: ImportCorrection[]; activate: boolean }) =>
    call(ApplyImportResult, 'POST', `/api/imports/${enc(upload)}/apply`, body),
};

/** A drill-down: parts by light, unit, section or task. */
export interface PartFilter {
  light?: string;
  unitId?: string;
  sectionId?: string;
  taskId?: string;
  minOverdueDays?: string;
}

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
