import { z } from 'zod';
import { NewLedgerEvent, type LedgerEvent } from './ledger.js';
import { AssessmentLine } from '../../../shared/schemas/assessment.js';
import { ExemptionTarget } from '../../../shared/schemas/exemption.js';

/**
 * The payload of every ledger event type, checked on every append (strict: a field a writer adds
 * without adding it here is refused in tests, not silently kept or dropped). A type not listed
 * here cannot be written. Readers of old ledgers stay tolerant: events written before a schema
 * existed may have other shapes.
 */
const Sha = z.string().regex(/^[0-9a-f]{64}$/);
const Evidence = z.strictObject({ sha256: Sha, name: z.string(), mime: z.string(), size: z.number().int().min(0) });
const Date10 = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const MsgId = z.string().max(200).optional();
const Transition = { before: z.string(), after: z.string() };

const fulfilment = z.strictObject({
  obligationId: z.string(),
  msgId: MsgId,
  unitId: z.string().optional(),
  ...Transition,
  note: z.string().max(2100).optional(),
});
const request = z.strictObject({
  msgId: MsgId,
  taskId: z.string(),
  unitId: z.string(),
  text: z.string().max(2000),
  evidence: z.array(Evidence).max(20),
  obligations: z.array(z.strictObject({ obligationId: z.string(), label: z.string(), due: Date10 })),
  late: z.boolean(),
  until: Date10.optional(),
  previousDue: Date10.optional(),
  ...Transition,
});
const decision = z.strictObject({
  requestId: z.string(),
  kind: z.enum(['closure', 'extension', 'report']),
  taskId: z.string(),
  unitId: z.string(),
  comment: z.string().max(500).optional(),
  obligations: z.array(z.string()),
  until: Date10.optional(),
  /** An approved 办结 of a 牵头单位: the parts it closed (its own and its 配合单位'). */
  closedAssignments: z.array(z.string()).optional(),
  ...Transition,
});
/** A 待办 made or completed; `obligationIds` when it covers more than its subject (several units' parts, a batch of 签收). */
const delivered = z.strictObject({
  personId: z.string(),
  todoId: z.string(),
  obligationIds: z.array(z.string()).optional(),
});

export const EVENT_PAYLOADS = {
  'obligation.acknowledged': fulfilment,
  'obligation.reported': fulfilment,
  'obligation.approved': fulfilment,
  'obligation.acknowledgeUndone': z.strictObject({
    obligationId: z.string(),
    msgId: MsgId,
    unitId: z.string(),
    taskId: z.string(),
    undoes: z.number().int(),
    ...Transition,
  }),
  /** A year's 放假安排 added (from the State Council's notice): the working days reminders follow. */
  'calendar.yearAdded': z.strictObject({
    year: z.number().int(),
    source: z.string().max(200),
    holidays: z.record(z.string(), z.string()),
    workdays: z.record(z.string(), z.string()),
    replaced: z.boolean(),
  }),
  /** The 督考办 reopened an item of a year whose 考评 is final, for a late report (chased again). */
  'obligation.reopenedLate': z.strictObject({
    obligationId: z.string(),
    year: z.number().int(),
    reason: z.string().max(200),
  }),
  'obligation.added': z.strictObject({
    id: z.string(),
    label: z.string(),
    due: Date10,
    unitIds: z.array(z.string()).nullable(),
  }),
  'obligations.materialised': z.strictObject({
    planId: z.string(),
    year: z.number().int(),
    obligations: z.array(
      z.strictObject({
        id: z.string(),
        kind: z.string(),
        label: z.string(),
        opensOn: Date10,
        due: Date10,
        status: z.string().optional(),
      }),
    ),
  }),
  'progress.reported': z.strictObject({
    msgId: MsgId,
    taskId: z.string(),
    unitId: z.string(),
    text: z.string().max(2100),
    noChange: z.boolean(),
    evidence: z.array(Evidence).max(20),
    obligations: z.array(z.string()),
    ...Transition,
  }),
  'progress.refiled': z.strictObject({
    msgId: MsgId,
    taskId: z.string(),
    unitId: z.string(),
    reportSeq: z.number().int(),
    from: z.string().nullable(),
    to: z.string(),
  }),
  'closure.requested': request,
  'extension.requested': request,
  'request.withdrawn': z.strictObject({
    msgId: MsgId,
    requestId: z.string(),
    kind: z.enum(['closure', 'extension']),
    taskId: z.string(),
    unitId: z.string(),
    ...Transition,
  }),
  'review.approved': decision,
  'review.returned': decision,
  'review.confirmed': decision,
  'round.opened': z.strictObject({
    roundId: z.string(),
    name: z.string(),
    submit: z.string(),
    due: Date10,
    taskIds: z.array(z.string()),
    unitIds: z.array(z.string()).nullable(),
    manualIds: z.array(z.string()),
    /** A round that is the policy's 年中/年末 duty: the open items it re-dated (new due and label, the due before). */
    covers: z.enum(['midYear', 'yearEnd']).optional(),
    covered: z
      .array(z.strictObject({ id: z.string(), due: Date10, label: z.string(), previousDue: Date10 }))
      .optional(),
  }),
  'round.closed': z.strictObject({ roundId: z.string(), waived: z.array(z.string()), ...Transition }),
  'urge.sent': z.strictObject({
    manualId: z.string(),
    taskId: z.string(),
    unitId: z.string(),
    message: z.string().max(200),
    due: Date10,
    people: z.array(z.string()),
  }),
  'assessment.computed': z.strictObject({
    year: z.number().int(),
    asOf: Date10,
    units: z.number().int(),
    lines: z.array(AssessmentLine),
  }),
  'assessment.published': z.strictObject({ year: z.number().int(), appealUntil: Date10 }),
  'assessment.finalized': z.strictObject({
    year: z.number().int(),
    scores: z.array(z.strictObject({ unitId: z.string(), score: z.number(), rank: z.number().int() })),
  }),
  'assessment.adjusted': z.strictObject({
    year: z.number().int(),
    unitId: z.string(),
    points: z.number(),
    reason: z.string().max(500),
  }),
  'appeal.filed': z.strictObject({
    year: z.number().int(),
    unitId: z.string(),
    taskId: z.string(),
    obligationId: z.string(),
    reason: z.string().max(1000),
    evidence: z.array(Evidence).max(20),
  }),
  'appeal.accepted': z.strictObject({
    year: z.number().int(),
    appealId: z.string(),
    unitId: z.string(),
    obligationId: z.string(),
    comment: z.string().max(500).optional(),
    points: z.number(),
  }),
  'appeal.rejected': z.strictObject({
    year: z.number().int(),
    appealId: z.string(),
    unitId: z.string(),
    obligationId: z.string(),
    comment: z.string().max(500).optional(),
  }),
  'evaluation.opened': z.strictObject({
    title: z.string(),
    org: z.string(),
    period: z.strictObject({ from: Date10, to: Date10 }),
    taskIds: z.array(z.string()),
    unitIds: z.array(z.string()),
    evaluatorIds: z.array(z.string()),
  }),
  'evaluation.finding': z.strictObject({
    unitId: z.string(),
    taskId: z.string().optional(),
    text: z.string().max(2000),
    score: z.number().optional(),
    evidence: z.array(Evidence),
    manualId: z.string().optional(),
    rectifyBy: Date10.optional(),
  }),
  'evaluation.rechecked': z.strictObject({
    findingId: z.string(),
    unitId: z.string(),
    passed: z.boolean(),
    text: z.string(),
  }),
  'evaluation.satisfaction': z.strictObject({
    rows: z.array(z.strictObject({ unitId: z.string(), sample: z.number().int(), percent: z.number() })),
  }),
  'pilot.recorded': z.strictObject({
    unitId: z.string(),
    level: z.enum(['national', 'provincial', 'city']),
    name: z.string(),
    status: z.enum(['seeking', 'approved', 'accepted']),
    doc: z.string().optional(),
    taskIds: z.array(z.string()),
  }),
  'pilot.updated': z.strictObject({
    unitId: z.string(),
    before: z.enum(['seeking', 'approved', 'accepted']),
    after: z.enum(['seeking', 'approved', 'accepted']),
    doc: z.string(),
  }),
  'experience.submitted': z.strictObject({
    unitId: z.string(),
    title: z.string(),
    text: z.string().max(5000),
    taskIds: z.array(z.string()),
    evidence: z.array(Evidence),
  }),
  'experience.decided': z.strictObject({
    unitId: z.string(),
    adopted: z.boolean(),
    sample: z.boolean(),
    comment: z.string(),
  }),
  'experience.published': z.strictObject({ year: z.number().int(), experiences: z.array(z.string()) }),
  'instruction.registered': z.strictObject({
    taskId: z.string(),
    number: z.number().int(),
    leader: z.string(),
    text: z.string().max(2000),
    docTitle: z.string(),
    docNo: z.string().optional(),
    date: Date10,
    urgency: z.enum(['extra', 'urgent', 'normal']),
    due: Date10,
    units: z.array(z.strictObject({ unitId: z.string(), role: z.enum(['lead', 'co']) })),
    /** The photographed 批示 page: on the task's record, readable by whoever reads the task. */
    evidence: z.array(Evidence).optional(),
  }),
  'instruction.reported': z.strictObject({
    taskId: z.string(),
    leader: z.string(),
    leaderPersonId: z.string().optional(),
  }),
  'exemption.filed': z.strictObject({
    year: z.number().int(),
    unitId: z.string(),
    target: ExemptionTarget,
    about: z.string(),
    points: z.number(),
    ground: z.string(),
    text: z.string().max(2000),
    evidence: z.array(Evidence),
  }),
  'exemption.decided': z.strictObject({
    year: z.number().int(),
    unitId: z.string(),
    state: z.enum(['accepted', 'proposed', 'rejected']),
    keep: z.number(),
    comment: z.string(),
  }),
  'exemption.confirmed': z.strictObject({
    year: z.number().int(),
    unitId: z.string(),
    agreed: z.boolean(),
    comment: z.string(),
  }),
  'sheet.issued': z.strictObject({
    number: z.string(),
    level: z.enum(['hint', 'yellow', 'red']),
    unitId: z.string(),
    obligationIds: z.array(z.string()),
    text: z.string().max(1000),
    replyBy: Date10,
  }),
  'sheet.signed': z.strictObject({ number: z.string(), unitId: z.string() }),
  'sheet.answered': z.strictObject({
    number: z.string(),
    unitId: z.string(),
    text: z.string().max(2000),
    evidence: z.array(z.string()),
  }),
  'sheet.escalated': z.strictObject({
    number: z.string(),
    unitId: z.string(),
    reasons: z.array(z.enum(['unsigned', 'unanswered'])),
    leaders: z.array(z.string()),
  }),
  'bulletin.issued': z.strictObject({
    bulletinId: z.string(),
    kind: z.enum(['praise', 'criticism', 'interview']),
    unitIds: z.array(z.string()),
    taskId: z.string().optional(),
    text: z.string().max(1000),
    refs: z.array(z.number().int()),
    rectifyBy: Date10.optional(),
    /** The year it is about (counted in that year's 考评), when not the year issued. */
    year: z.number().int().optional(),
  }),
  'units.designated': z.strictObject({
    taskId: z.string(),
    placeholder: z.string(),
    groupId: z.string(),
    unitIds: z.array(z.string()).min(1),
    assignments: z.array(z.string()),
    ...Transition,
  }),
  'evidence.uploaded': z.strictObject({
    sha256: Sha,
    name: z.string(),
    mime: z.string(),
    size: z.number().int().min(0),
    duplicate: z.boolean(),
  }),
  'evidence.received': z.strictObject({
    msgId: MsgId,
    files: z.array(Evidence),
    /** Sent right after a refused or unanswered message: held, and offered back (附到 N). */
    held: z.boolean().optional(),
  }),
  'evidence.attached': z.strictObject({
    msgId: MsgId,
    files: z.array(Evidence),
    taskId: z.string(),
    assignmentId: z.string(),
    to: z.enum(['report', 'closure', 'extension']),
    toSeq: z.number().int(),
    requestId: z.string().optional(),
  }),
  /** A group chat set up as one unit's (the bot then answers that unit's people in it). */
  'chat.bound': z.strictObject({ conversationId: z.string().max(200), unitId: z.string().max(128) }),
  'chat.unbound': z.strictObject({ conversationId: z.string().max(200), unitId: z.string().max(128) }),
  'bot.unknownSender': z.strictObject({ msgId: MsgId, userId: z.string(), text: z.string().max(500) }),
  'bot.fileReceived': z.strictObject({
    msgId: MsgId,
    files: z.array(z.strictObject({ kind: z.string(), fileName: z.string().nullable() })),
  }),
  'session.signedIn': z.strictObject({ how: z.string() }),
  'plan.imported': z.strictObject({
    title: z.string(),
    source: z.record(z.string(), z.unknown()),
    counts: z.record(z.string(), z.number()),
    warnings: z.number().int(),
    replaced: z.boolean(),
    provisionalUnits: z.array(z.string()),
    /** The 督考办's corrections before applying (the import page): task, dropped, units, time. */
    corrections: z.array(z.record(z.string(), z.unknown())).optional(),
    provisionalGroups: z.array(z.string()).optional(),
    /** Tasks of the plan replaced that the document left out, confirmed by the 督考办 by their number. */
    lost: z
      .strictObject({
        planId: z.string(),
        tasks: z.array(z.strictObject({ id: z.string(), label: z.string(), title: z.string() })),
      })
      .optional(),
    /** The plan that was the current one before this one was made current (it stays, to switch back to). */
    replacedActive: z.string().optional(),
  }),
  'plan.activated': z.strictObject({ previous: z.string().nullable() }),
  /** An organisation entered below the deployment's own (the admin page): in the deployment's own ledger. */
  'org.registered': z.strictObject({
    id: z.string(),
    name: z.string(),
    level: z.string(),
    parent: z.string(),
    adminPersonId: z.string(),
  }),
  'directory.seeded': z.strictObject({
    units: z.number().int(),
    groups: z.number().int(),
    people: z.number().int(),
    sample: z.boolean(),
  }),
  'directory.contactsSynced': z.strictObject({
    added: z.array(z.string()),
    changed: z.array(z.string()),
    missing: z.array(z.string()),
  }),
  'reminders.planned': z.strictObject({
    digests: z.number().int(),
    escalations: z.number().int(),
    todos: z.number().int(),
    dayName: z.string(),
    weekly: z.number().int().optional(),
  }),
  'reminder.sent': z.strictObject({
    personId: z.string().optional(),
    userId: z.unknown(),
    /** The platform it went out on, when not DingTalk (浙政钉: userId is the accountId). */
    platform: z.enum(['dingtalk', 'zzd']).optional(),
    date: Date10,
    kind: z.unknown(),
    level: z.unknown(),
    taskId: z.string(),
    obligations: z.unknown(),
    tasks: z.unknown(),
  }),
  'reminder.delivery': z.strictObject({
    userId: z.unknown(),
    taskId: z.unknown(),
    status: z.string(),
    code: z.string().optional(),
    check: z.unknown(),
  }),
  'reminder.failed': z.strictObject({
    kind: z.string(),
    personId: z.string().optional(),
    attempts: z.number().int(),
    error: z.string(),
  }),
  'reminder.abandoned': z.strictObject({ reason: z.string(), date: Date10, personId: z.string().optional() }),
  'todo.created': delivered,
  'todo.completed': delivered,
} satisfies Record<string, z.ZodType>;

export type EventType = keyof typeof EVENT_PAYLOADS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_PAYLOADS, type);

/** An event to append: its payload typed by its type (and checked against the same schema at append). */
export type AppendEvent = {
  [T in EventType]: Omit<NewLedgerEvent, 'type' | 'payload'> & {
    type: T;
    payload: z.input<(typeof EVENT_PAYLOADS)[T]>;
  };
}[EventType];

/** What a caller writes as the payload of an event of type T (before the schema's defaults). */
export type EventInput<T extends EventType> = z.input<(typeof EVENT_PAYLOADS)[T]>;

/**
 * An event whose type is chosen at run time among several (approve or return, one of a bot's
 * file events): the caller is typed by T; TypeScript cannot tie a generic T to the union
 * AppendEvent, so the one cast that says so is here.
 */
export function eventOf<T extends EventType>(
  type: T,
  envelope: Omit<NewLedgerEvent, 'type' | 'payload'>,
  payload: EventInput<T>,
): AppendEvent {
  return { ...envelope, type, payload } as AppendEvent;
}

/**
 * A stored event's payload when it is of the type asked for. Every event was checked against its
 * type's schema when it was appended (checkEvent), so the payload is that schema's output.
 */
export function payloadOf<T extends EventType>(
  e: Pick<LedgerEvent, 'type' | 'payload'>,
  type: T,
): EventPayload<T> | undefined {
  return e.type === type ? (e.payload as EventPayload<T>) : undefined;
}

/** Checks an event and its payload; throws (in Chinese, naming the type) when it does not fit. */
export function checkEvent(raw: NewLedgerEvent): NewLedgerEvent {
  const e = NewLedgerEvent.parse(raw);
  if (!isEventType(e.type))
    throw new Error(`台账事件类型 ${e.type} 没有登记载荷格式(server/src/model/ledger-events.ts)`);
  const checked = EVENT_PAYLOADS[e.type].safeParse(e.payload);
  if (!checked.success)
    throw new Error(
      `台账事件 ${e.type} 的载荷不符合格式:${checked.error.issues
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join(';')
        .slice(0, 300)}`,
    );
  return { ...e, payload: checked.data };
}
