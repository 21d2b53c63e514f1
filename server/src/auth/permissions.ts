import type { Person } from '../../../shared/schemas/person.js';

/**
 * Who may do what, in one table: role × action. Every /api route declares its action in its
 * config (`config: { action: 'review.decide' }`) or says it is public; a route that does neither
 * is refused when the app is built. The table is checked before the request body is even read;
 * finer rules (a contact acts only for their own units, a leader reads only their units) are
 * the domain's, on top of this.
 *
 * Roles are those of the people file, plus `districtLeader`: a leader of the district government
 * (区长, 分管副区长), who reads everything but acts for no unit.
 */
export const ROLE_KEYS = ['contact', 'leader', 'supervisor', 'admin', 'evaluator', 'districtLeader'] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];

export const ROLE_NAMES: Record<RoleKey, string> = {
  contact: '联络员',
  leader: '单位领导',
  supervisor: '督考办',
  admin: '管理员',
  evaluator: '第三方评估',
  districtLeader: '区领导',
};

const EVERYONE: readonly RoleKey[] = ROLE_KEYS;
const OFFICE: readonly RoleKey[] = ['supervisor', 'admin'];

export const PERMISSIONS = {
  /** 当前登录人 */
  'session.read': { roles: EVERYONE, label: '查看本人信息' },
  /** The plan, sections, tasks and units (a unit's people see their own tasks; the domain filters). */
  'plan.read': { roles: EVERYONE, label: '查看计划与任务' },
  /** 我的任务, 任务详情 (the task's timeline and the viewer's own part in it). */
  'task.read': { roles: EVERYONE, label: '查看任务详情' },
  /** 签收, 报送, 办结/延期申请, 撤回, 上传佐证 — only for the person's own units (acting.ts). */
  'unit.act': { roles: ['contact', 'leader'], label: '办理本单位任务' },
  /** Download evidence of a task the person may read (or through a signed link). */
  'evidence.read': { roles: EVERYONE, label: '查看佐证材料' },
  /** Units for their reports; the 督考办 for a 批示 page's photo; evaluators for their findings. */
  'evidence.upload': {
    roles: ['contact', 'leader', 'supervisor', 'admin', 'evaluator'],
    label: '上传文件(佐证材料、批示页照片、评估材料)',
  },
  /** The review queue and decided items. */
  'review.read': { roles: ['supervisor', 'admin', 'evaluator'], label: '查看审核事项' },
  /** 通过 / 退回, 同意 / 不同意. */
  'review.decide': { roles: OFFICE, label: '审核' },
  /** The policy's two steps: a unit's 分管领导 confirms (or returns) what the unit submitted, before the 督考办. */
  'review.confirm': { roles: ['leader'], label: '确认本单位报送的事项' },
  /** The district's lights by unit and section; a unit leader sees their own units'. */
  'overview.read': { roles: ['leader', 'supervisor', 'admin', 'evaluator', 'districtLeader'], label: '查看督办总览' },
  /** Name the units behind a 待明确 placeholder. */
  'assignment.designate': { roles: OFFICE, label: '明确责任单位' },
  /** 督查 rounds and the 督考办's hand-made items, read. */
  'supervision.read': { roles: ['supervisor', 'admin', 'evaluator', 'districtLeader'], label: '查看督查' },
  /** Open and close 督查 rounds, 催办, add items by hand. */
  'supervision.manage': { roles: OFFICE, label: '发起督查和催办' },
  /** The year's 考评: the ranking and a unit's lines (units: their own, once published). */
  'assessment.read': { roles: EVERYONE, label: '查看考评' },
  /** Compute, publish and finalise the 考评, decide appeals, record adjustments. */
  'assessment.manage': { roles: OFFICE, label: '办理考评' },
  /** 通报表扬 / 通报批评 / 约谈: a unit reads those naming it; the 督考办, evaluators and district leaders all. */
  'bulletin.read': { roles: EVERYONE, label: '查看通报' },
  /** Issue a 通报 or record a 约谈 (a 通报批评 opens a 整改 item). */
  'bulletin.issue': { roles: OFFICE, label: '发布通报' },
  'evaluation.read': { roles: ['supervisor', 'admin', 'evaluator', 'districtLeader'], label: '查看第三方评估' },
  'evaluation.manage': { roles: OFFICE, label: '组织第三方评估' },
  'evaluation.record': { roles: ['evaluator'], label: '记录评估发现、二次评估、导入满意度' },
  'pilot.read': { roles: EVERYONE, label: '查看试点示范与典型经验' },
  'pilot.record': { roles: ['contact', 'leader'], label: '填报本单位的试点和典型经验' },
  'pilot.review': { roles: OFFICE, label: '审阅典型经验、发布经验汇编' },
  'instruction.read': { roles: EVERYONE, label: '查看领导批示件(单位:本单位承办的)' },
  'instruction.register': { roles: OFFICE, label: '登记领导批示件' },
  'exemption.read': { roles: EVERYONE, label: '查看容错免责案例库(单位:本单位的申请)' },
  'exemption.apply': { roles: ['contact', 'leader'], label: '申请容错免责(本单位)' },
  'exemption.decide': { roles: OFFICE, label: '审核容错免责申请' },
  'exemption.confirm': { roles: ['districtLeader'], label: '确认容错免责' },
  'sheet.read': { roles: EVERYONE, label: '查看督办通知单(单位:本单位的)' },
  'sheet.issue': { roles: OFFICE, label: '发出督办通知单' },
  'sheet.sign': { roles: ['contact', 'leader'], label: '签收、回复本单位的督办通知单' },
  /** The year's 台账 as Excel: the 督考办, evaluators and district leaders the district's, a unit its own. */
  'export.ledger': { roles: EVERYONE, label: '导出台账' },
  /** Check the whole ledger's hash chain (third-party evaluators above all). */
  'ledger.verify': { roles: ['supervisor', 'admin', 'evaluator'], label: '校验台账' },
  /** Import a plan document: upload, check and correct the result, apply. */
  'plan.import': { roles: OFFICE, label: '导入计划' },
  /** The working calendar: which years have 放假安排; add a year from the State Council's notice. */
  'calendar.manage': { roles: OFFICE, label: '维护工作日历' },
  /** The deployment's organisations: see the tree, enter one below (its admin only). */
  'orgs.manage': { roles: ['admin'], label: '登记下级组织' },
  /** Preview the reminders of a moment (what would be sent). */
  'reminders.preview': { roles: OFFICE, label: '预览提醒' },
} as const satisfies Record<string, { roles: readonly RoleKey[]; label: string }>;

export type Action = keyof typeof PERMISSIONS;

export const isAction = (x: unknown): x is Action => typeof x === 'string' && Object.hasOwn(PERMISSIONS, x);

/** What the table asks of a viewer (auth/viewer.ts): the person's roles, and whether a district leader. */
export interface RoleHolder {
  readonly person: Pick<Person, 'roles'>;
  readonly districtLeader: boolean;
}

/** The role keys a viewer holds. */
export function roleKeys(v: RoleHolder): RoleKey[] {
  const keys: RoleKey[] = [...v.person.roles];
  if (v.districtLeader) keys.push('districtLeader');
  return keys;
}

export function allowed(v: RoleHolder, action: Action): boolean {
  const roles: readonly RoleKey[] = PERMISSIONS[action].roles;
  return roleKeys(v).some((r) => roles.includes(r));
}

/** For a route's config: `{ config: can('review.decide') }`. */
export const can = (action: Action): { action: Action } => ({ action });
