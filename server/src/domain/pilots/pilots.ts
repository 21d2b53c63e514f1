import { current, isDraft } from 'immer';
import {
  PILOT_STATUS_NAMES,
  type Experience,
  type Pilot,
  type PilotLevel,
  type PilotStatus,
} from '../../../../shared/schemas/pilot.js';
import type { EvidenceMeta } from '../../../../shared/schemas/request.js';
import type { Viewer } from '../../auth/viewer.js';
import { shanghaiDate } from '../../calendar/dates.js';
import { AppError } from '../../errors.js';
import type { Actor } from '../../model/ledger.js';
import type { State } from '../../model/state.js';
import type { Store } from '../../store/ports.js';
import { cardToEach, unitPeople } from '../notices/notices.js';

type Person = Actor & { id: string };
const ORDER: Record<PilotStatus, number> = { seeking: 0, approved: 1, accepted: 2 };
const link = (publicUrl: string) => `${publicUrl}/app/#/pilots`;

/** The unit a person records for: the one named (theirs), or their only one. */
function unitOf(v: Viewer, draft: Readonly<State>, unitId: string | undefined): string {
  if (!v.person.roles.some((r) => r === 'contact' || r === 'leader'))
    throw new AppError('FORBIDDEN', '只有单位的联络员或领导可以填报试点和经验');
  const id = unitId ?? (v.person.unitIds.length === 1 ? v.person.unitIds[0] : undefined);
  if (!id) throw new AppError('VALIDATION_FAILED', '您负责多个单位,请选择是哪个单位的');
  if (!v.unitIds.has(id) || !draft.units.some((u) => u.id === id))
    throw new AppError('FORBIDDEN', '只能填报本单位的试点和经验');
  return id;
}

function tasksOf(draft: Readonly<State>, ids: readonly string[]): string[] {
  for (const id of ids)
    if (!draft.tasks.some((t) => t.id === id)) throw new AppError('TASK_NOT_FOUND', `没有编号为 ${id} 的任务`);
  return [...new Set(ids)];
}

const snapshot = <T extends object>(x: T): T => (isDraft(x) ? (current(x as never) as T) : x);

/**
 * 试点示范 and 典型经验: a unit records the pilots it seeks or holds and moves them on (争取中 →
 * 已获批 → 已验收, never back); it submits experiences; the 督考办 adopts or returns them, marks
 * 越城样本, and publishes the adopted ones to every unit. 考评 counts approved pilots and samples
 * (`formula.ts`, `rules.pilot`, `rules.sample`).
 */
export class Pilots {
  constructor(private readonly d: { store: Store; publicUrl: string }) {}

  async record(
    v: Viewer,
    b: {
      level: PilotLevel;
      name: string;
      status: PilotStatus;
      doc?: string | undefined;
      taskIds: string[];
      unitId?: string | undefined;
    },
  ): Promise<Pilot> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const unitId = unitOf(v, draft, b.unitId);
      const taskIds = tasksOf(draft, b.taskIds);
      if (b.status !== 'seeking' && !b.doc) throw new AppError('VALIDATION_FAILED', '已获批的试点请填写批复文件');
      const at = tx.at.toISOString();
      const seq = tx.append({
        type: 'pilot.recorded',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'unit', id: unitId },
        channel: 'miniapp',
        payload: { unitId, level: b.level, name: b.name, status: b.status, ...(b.doc ? { doc: b.doc } : {}), taskIds },
      });
      const pilot: Pilot = {
        id: `P${seq}`,
        seq,
        unitId,
        level: b.level,
        name: b.name,
        status: b.status,
        ...(b.doc ? { doc: b.doc } : {}),
        taskIds,
        by: v.person.id,
        createdAt: at,
        ...(b.status !== 'seeking' ? { approvedAt: at, approvedSeq: seq } : {}),
        ...(b.status === 'accepted' ? { acceptedAt: at } : {}),
      };
      draft.pilots = { ...(draft.pilots ?? {}), [pilot.id]: pilot };
      return pilot;
    });
    return result;
  }

  /** A pilot moves on: 获批 (with its document), 验收. Never back. */
  async setStatus(v: Viewer, id: string, b: { status: PilotStatus; doc?: string | undefined }): Promise<Pilot> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const p = draft.pilots?.[id];
      if (!p || !v.unitIds.has(p.unitId)) throw new AppError('NOT_FOUND', `没有找到试点 ${id}(或不是您单位的)`);
      unitOf(v, draft, p.unitId);
      if (ORDER[b.status] <= ORDER[p.status])
        throw new AppError('CONFLICT', `试点已是"${PILOT_STATUS_NAMES[p.status]}",只能往后更新`);
      const doc = b.doc ?? p.doc;
      if (!doc) throw new AppError('VALIDATION_FAILED', '已获批的试点请填写批复文件');
      const at = tx.at.toISOString();
      const seq = tx.append({
        type: 'pilot.updated',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'pilot', id },
        channel: 'miniapp',
        payload: { unitId: p.unitId, before: p.status, after: b.status, doc },
      });
      const next: Pilot = {
        ...snapshot(p),
        status: b.status,
        doc,
        ...(p.approvedAt ? {} : { approvedAt: at, approvedSeq: seq }),
        ...(b.status === 'accepted' ? { acceptedAt: at } : {}),
      };
      draft.pilots![id] = next;
      return next;
    });
    return result;
  }

  async submit(
    v: Viewer,
    b: { title: string; text: string; taskIds: string[]; unitId?: string | undefined },
    evidence: EvidenceMeta[],
  ): Promise<Experience> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const unitId = unitOf(v, draft, b.unitId);
      const taskIds = tasksOf(draft, b.taskIds);
      const seq = tx.append({
        type: 'experience.submitted',
        actor: { type: 'person', id: v.person.id, name: v.person.name },
        subject: { type: 'unit', id: unitId },
        channel: 'miniapp',
        payload: { unitId, title: b.title, text: b.text, taskIds, evidence },
      });
      const x: Experience = {
        id: `X${seq}`,
        seq,
        unitId,
        title: b.title,
        text: b.text,
        evidence,
        taskIds,
        by: v.person.id,
        createdAt: tx.at.toISOString(),
        state: 'pending',
        sample: false,
      };
      draft.experiences = { ...(draft.experiences ?? {}), [x.id]: x };
      const unitName = draft.units.find((u) => u.id === unitId)?.name ?? unitId;
      cardToEach(
        draft,
        draft.people.filter((p) => p.roles.includes('supervisor')),
        {
          key: (p) => `experience:${x.id}:${p.id}`,
          kind: 'decision',
          title: `${unitName}报送典型经验`,
          markdown: () =>
            `### ${unitName}报送典型经验\n**${b.title}**\n\n${b.text.slice(0, 120)}${b.text.length > 120 ? '…' : ''}`,
          button: { title: '审阅', url: link(this.d.publicUrl) },
          tasks: taskIds,
          date: shanghaiDate(tx.at),
        },
        tx.at,
      );
      return x;
    });
    return result;
  }

  /** The 督考办 adopts (and may make it a 越城样本) or returns it with reasons; the unit is told. */
  async decide(
    actor: Person,
    id: string,
    b: { adopt: boolean; sample: boolean; comment: string },
  ): Promise<Experience> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const x = draft.experiences?.[id];
      if (!x) throw new AppError('NOT_FOUND', `没有编号为 ${id} 的经验`);
      // an adopted one may still be made a 越城样本 (or not) later; a returned one is the unit's to submit again
      if (x.state === 'returned' || (x.state === 'adopted' && (!b.adopt || x.sample === b.sample)))
        throw new AppError('CONFLICT', '这篇经验已经审阅过');
      const seq = tx.append({
        type: 'experience.decided',
        actor,
        subject: { type: 'experience', id },
        channel: 'miniapp',
        payload: { unitId: x.unitId, adopted: b.adopt, sample: b.sample, comment: b.comment },
      });
      const next: Experience = {
        ...snapshot(x),
        state: b.adopt ? 'adopted' : 'returned',
        sample: b.adopt && b.sample,
        decision: { by: actor.id, at: tx.at.toISOString(), comment: b.comment, seq },
      };
      draft.experiences![id] = next;
      const verdict = !b.adopt ? '退回修改' : b.sample ? '采纳,列为越城样本' : '采纳';
      cardToEach(
        draft,
        unitPeople(draft, [x.unitId]),
        {
          key: (p) => `experience:${id}:${seq}:${p.id}`,
          kind: 'decision',
          title: `典型经验:${verdict}`,
          markdown: () => `### 典型经验:${verdict}\n**${x.title}**${b.comment ? `\n\n意见:${b.comment}` : ''}`,
          button: { title: '查看', url: link(this.d.publicUrl) },
          tasks: x.taskIds,
          date: shanghaiDate(tx.at),
        },
        tx.at,
      );
      return next;
    });
    return result;
  }

  /** Publishes the year's adopted experiences not published yet: a notice to every unit's contacts, once each. */
  async publish(actor: Person, year: number): Promise<{ published: Experience[] }> {
    const { result } = await this.d.store.transact((draft, tx) => {
      const fresh = Object.values(draft.experiences ?? {}).filter(
        (x) => x.state === 'adopted' && !x.publishedAt && x.decision && x.decision.at.startsWith(String(year)),
      );
      if (fresh.length === 0) throw new AppError('CONFLICT', `${year} 年没有待发布的已采纳经验`);
      const at = tx.at.toISOString();
      const seq = tx.append({
        type: 'experience.published',
        actor,
        subject: { type: 'year', id: String(year) },
        channel: 'miniapp',
        payload: { year, experiences: fresh.map((x) => x.id) },
      });
      const names = new Map(draft.units.map((u) => [u.id, u.name]));
      const out = fresh.map((x) => {
        const next = { ...snapshot(x), publishedAt: at };
        draft.experiences![x.id] = next;
        return next;
      });
      const title = `${year}年典型经验通报`;
      cardToEach(
        draft,
        draft.people.filter((p) => p.roles.includes('contact')),
        {
          key: (p) => `experiences:${seq}:${p.id}`,
          kind: 'decision',
          title,
          markdown: () =>
            `### ${title}\n督考办采纳以下典型经验,供各单位学习借鉴:\n\n${out
              .map((x) => `- ${names.get(x.unitId) ?? x.unitId}:${x.title}${x.sample ? '(越城样本)' : ''}`)
              .join('\n')}`,
          button: { title: '阅读经验汇编', url: link(this.d.publicUrl) },
          tasks: [],
          date: shanghaiDate(tx.at),
        },
        tx.at,
      );
      return { published: out };
    });
    return result;
  }
}
