import type { LedgerEvent } from '../../model/ledger.js';
import type { LedgerReader as Ledger } from '../../store/ports.js';
import type { State } from '../../model/state.js';

/** Evidence as the ledger records it. */
export interface EvidenceMeta {
  sha256: string;
  name: string;
  mime: string;
  size: number;
}

/** One ledger event placed on a task's timeline. */
export interface TimelineItem {
  seq: number;
  at: string;
  type: string;
  actorId?: string;
  actorName?: string;
  unitId?: string;
  channel?: string;
  text?: string;
  evidence: EvidenceMeta[];
  /** Set on reminder items: who it went to, and whether DingTalk says it was read. */
  personId?: string;
  read?: boolean;
  obligationId?: string;
  /** A day's reminders collapsed into one item (the views' doing). */
  people?: Array<{ name: string; unit?: string; read: boolean }>;
}

/** Events about one task (or one unit's part in it) that its timeline shows. */
const SHOWN = new Set([
  'obligation.acknowledged',
  'obligation.acknowledgeUndone',
  'obligation.reported',
  'obligation.approved',
  'progress.reported',
  'closure.requested',
  'extension.requested',
  'review.approved',
  'review.returned',
  'review.confirmed',
  'appeal.filed',
  'reminder.sent',
  'progress.refiled',
  'request.withdrawn',
  // a 批示件's first entry: the 批示 itself, with the photographed page where there is one
  'instruction.registered',
]);

/** Images get thumbnails and open in the image viewer; everything else is a document. */
export const evidenceKind = (e: Pick<EvidenceMeta, 'mime'>): 'image' | 'document' =>
  e.mime.startsWith('image/') ? 'image' : 'document';

/**
 * An in-memory projection of the ledger: each task's timeline (acknowledgements, reports with
 * their evidence, requests, reviews, reminders sent and read) and who may fetch each evidence
 * file. Built by one pass over the ledger at start and kept current by the ledger's subscription,
 * so a task page never scans the ledger (ARCHITECTURE rule 10).
 */
export class TaskTimeline {
  private next = 1;
  private readonly waiting = new Map<number, LedgerEvent>();
  private readonly byTask = new Map<string, TimelineItem[]>();
  private readonly bySeq = new Map<number, TimelineItem>();
  /** Outbox key of a sent notice → its timeline items (to mark them read). */
  private readonly notices = new Map<string, TimelineItem[]>();
  private readonly evidenceTasks = new Map<string, Set<string>>();
  private readonly uploaders = new Map<string, Set<string>>();
  /** Files attached to a 考评申诉: readable by the appealing unit (and the 督考办, evaluators) only. */
  private readonly appealUnits = new Map<string, Set<string>>();
  private readonly uploads = new Map<string, EvidenceMeta>();
  private ready: Promise<void> | undefined;
  private assignmentsRef: State['assignments'] | undefined;
  private assignmentIndex = new Map<string, { taskId: string; unitId: string }>();

  constructor(
    private readonly ledger: Ledger,
    private readonly state: () => Readonly<State>,
  ) {}

  /** Subscribes, then reads the ledger from the start; resolves once caught up. Idempotent. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      this.ledger.subscribe((events) => events.forEach((e) => this.offer(e)));
      for await (const e of this.ledger.read(this.next)) this.offer(e);
    })();
    return this.ready;
  }

  /** Events arrive from the catch-up read and the subscription; each is applied once, in order. */
  private offer(e: LedgerEvent): void {
    if (e.seq < this.next) return;
    this.waiting.set(e.seq, e);
    for (let ev = this.waiting.get(this.next); ev; ev = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next += 1;
      try {
        this.apply(ev);
      } catch {
        // an event of unexpected shape is left off the timeline; the ones after it still count
      }
    }
  }

  private assignment(id: string): { taskId: string; unitId: string } | undefined {
    const s = this.state();
    if (this.assignmentsRef !== s.assignments) {
      this.assignmentsRef = s.assignments;
      this.assignmentIndex = new Map(s.assignments.map((a) => [a.id, { taskId: a.taskId, unitId: a.unitId }]));
    }
    return this.assignmentIndex.get(id);
  }

  /** Bot events name key tasks by number (of the active plan). */
  private taskByNumber(n: unknown): string | undefined {
    if (typeof n !== 'number') return undefined;
    const s = this.state();
    return (
      s.tasks.find((t) => t.planId === s.activePlanId && t.kind === 'key' && t.number === n) ??
      s.tasks.find((t) => t.planId === s.activePlanId && t.number === n)
    )?.id;
  }

  private push(taskId: string, item: TimelineItem): void {
    const list = this.byTask.get(taskId) ?? [];
    list.push(item);
    this.byTask.set(taskId, list);
  }

  private addEvidence(taskId: string, item: TimelineItem, files: EvidenceMeta[]): void {
    for (const f of files) {
      if (!item.evidence.some((x) => x.sha256 === f.sha256))
        item.evidence.push({ sha256: f.sha256, name: f.name, mime: f.mime, size: f.size });
      const tasks = this.evidenceTasks.get(f.sha256) ?? new Set<string>();
      tasks.add(taskId);
      this.evidenceTasks.set(f.sha256, tasks);
    }
  }

  /** `actorId` uploaded the file; the first upload of it names it. */
  private uploadedBy(actorId: string | undefined, f: EvidenceMeta): void {
    const who = this.uploaders.get(f.sha256) ?? new Set<string>();
    if (actorId) who.add(actorId);
    this.uploaders.set(f.sha256, who);
    if (!this.uploads.has(f.sha256))
      this.uploads.set(f.sha256, {
        sha256: f.sha256,
        name: String(f.name ?? ''),
        mime: f.mime,
        size: Number(f.size ?? 0),
      });
  }

  private apply(e: LedgerEvent): void {
    const p = (e.payload !== null && typeof e.payload === 'object' ? e.payload : {}) as Record<string, unknown>;
    const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
    if (e.type === 'evidence.uploaded' || e.type === 'evidence.received') {
      const files = (
        e.type === 'evidence.uploaded' ? [p as unknown as EvidenceMeta] : list<EvidenceMeta>(p.files)
      ).filter((f) => typeof f?.sha256 === 'string');
      // the first upload names the file: someone else's re-upload never renames what everyone is served
      for (const f of files) this.uploadedBy(e.actor.id, f);
      return;
    }
    if (e.type === 'evidence.attached') {
      // one file per event before version 5 (sha256 … on the payload), a list of files since
      const files = (Array.isArray(p.files) ? list<EvidenceMeta>(p.files) : [p as unknown as EvidenceMeta]).filter(
        (f) => typeof f?.sha256 === 'string' && typeof f.mime === 'string',
      );
      // the bot attaches files it received straight to a report or request: the sender counts as uploader
      for (const f of files) this.uploadedBy(e.actor.id, f);
      const toSeq = typeof p.toSeq === 'number' ? p.toSeq : p.reportSeq;
      const target = typeof toSeq === 'number' ? this.bySeq.get(toSeq) : undefined;
      const taskId = (typeof p.taskId === 'string' ? p.taskId : undefined) ?? this.taskByNumber(p.task);
      if (target && taskId) this.addEvidence(taskId, target, files);
      return;
    }
    if (e.type === 'reminder.delivery') {
      if (p.status === 'read') for (const item of this.notices.get(e.subject.id) ?? []) item.read = true;
      return;
    }
    if (!SHOWN.has(e.type)) return;
    const base = {
      seq: e.seq,
      at: e.at,
      type: e.type,
      ...(e.actor.id ? { actorId: e.actor.id } : {}),
      ...(e.actor.name ? { actorName: e.actor.name } : {}),
      ...(e.channel ? { channel: e.channel } : {}),
    };

    if (e.type === 'reminder.sent') {
      const items: TimelineItem[] = [];
      const units = new Map<string, string>(); // taskId → first unit named in the obligations
      for (const o of list<unknown>(p.obligations).filter((x): x is string => typeof x === 'string')) {
        const a = this.assignment(o.split(':')[0]!);
        if (a && !units.has(a.taskId)) units.set(a.taskId, a.unitId);
      }
      for (const taskId of new Set(list<unknown>(p.tasks).filter((x): x is string => typeof x === 'string'))) {
        const unitId = units.get(taskId);
        const item: TimelineItem = {
          ...base,
          evidence: [],
          ...(typeof p.personId === 'string' ? { personId: p.personId } : {}),
          ...(unitId ? { unitId } : {}),
          read: false,
          text: String(p.level ?? ''),
        };
        this.push(taskId, item);
        items.push(item);
      }
      this.notices.set(e.subject.id, items);
      return;
    }

    // the subject is the assignment (mini-app, fulfilments), else the bot's message naming a task number
    const fromAssignment = e.subject.type === 'assignment' ? this.assignment(e.subject.id) : undefined;
    // obligations are ids (reports) or {obligationId, label} (requests)
    const named = list<unknown>(p.obligations)
      .map((x) =>
        typeof x === 'string'
          ? { obligationId: x }
          : x && typeof x === 'object' && typeof (x as { obligationId?: unknown }).obligationId === 'string'
            ? (x as { obligationId: string; label?: string })
            : undefined,
      )
      .filter((x) => x !== undefined);
    const obligations =
      named.length > 0 ? named.map((x) => x.obligationId) : typeof p.obligationId === 'string' ? [p.obligationId] : [];
    const itemLabel = named.find((x) => 'label' in x && typeof x.label === 'string' && x.label)?.label;
    const viaObligation = obligations.length > 0 ? this.assignment(obligations[0]!.split(':')[0]!) : undefined;
    const taskId =
      fromAssignment?.taskId ??
      (typeof p.taskId === 'string' ? p.taskId : undefined) ??
      viaObligation?.taskId ??
      this.taskByNumber(p.task);
    if (!taskId) return;
    const unitId =
      fromAssignment?.unitId ?? (typeof p.unitId === 'string' ? p.unitId : undefined) ?? viaObligation?.unitId;
    const text = [p.text, p.reason, p.note, p.comment].find((x) => typeof x === 'string') as string | undefined;
    const item: TimelineItem = {
      ...base,
      evidence: [],
      ...(unitId ? { unitId } : {}),
      ...(text ? { text } : {}),
      ...(typeof p.obligationId === 'string' ? { obligationId: p.obligationId } : {}),
      ...(typeof p.until === 'string'
        ? { text: `${itemLabel ? `"${itemLabel}"` : ''}延期至 ${p.until}:${String(p.reason ?? p.text ?? '')}` }
        : {}),
    };
    this.push(taskId, item);
    this.bySeq.set(e.seq, item);
    const files = list<EvidenceMeta>(p.evidence).filter((f) => typeof f?.sha256 === 'string');
    if (files.length === 0) return;
    if (e.type === 'appeal.filed') {
      // an appeal's files are its unit's matter: not readable by everyone who reads the task
      for (const f of files) {
        if (!item.evidence.some((x) => x.sha256 === f.sha256))
          item.evidence.push({ sha256: f.sha256, name: f.name, mime: f.mime, size: f.size });
        const units = this.appealUnits.get(f.sha256) ?? new Set<string>();
        if (unitId) units.add(unitId);
        this.appealUnits.set(f.sha256, units);
      }
    } else this.addEvidence(taskId, item, files);
  }

  /** The task's timeline, newest first. */
  async forTask(taskId: string): Promise<readonly TimelineItem[]> {
    await this.start();
    return [...(this.byTask.get(taskId) ?? [])].reverse();
  }

  /** Every file the ledger knows of that no task refers to (uploaded, never attached). */
  async unattached(): Promise<string[]> {
    await this.start();
    return [...this.uploads.keys()].filter((sha) => !(this.evidenceTasks.get(sha)?.size ?? 0));
  }

  /** Tasks a file is attached to, and who uploaded it (to decide who may download it). */
  async evidenceAccess(sha256: string): Promise<{
    tasks: ReadonlySet<string>;
    uploaders: ReadonlySet<string>;
    /** Units whose 考评申诉 the file is attached to (their people may read it). */
    appealUnits: ReadonlySet<string>;
    meta?: EvidenceMeta;
  }> {
    await this.start();
    const meta = this.uploads.get(sha256);
    return {
      tasks: this.evidenceTasks.get(sha256) ?? new Set(),
      uploaders: this.uploaders.get(sha256) ?? new Set(),
      appealUnits: this.appealUnits.get(sha256) ?? new Set(),
      ...(meta ? { meta } : {}),
    };
  }
}
