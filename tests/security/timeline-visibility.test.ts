import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../helpers/files.js';
import { seededApp, SUPERVISOR, type TestApp } from '../helpers/test-app.js';

const TASK = 'yc-lqstg-2018.k1';
const FS = `${TASK}.fsjd`;
const FS_CONTACT = 'p-fsjd-c';
const EVALUATOR = 'p-eval-1';

type Entry = { type: string; unitId?: string; evidence?: Array<{ url: string }> };

/**
 * Every kind of timeline entry one unit makes on a shared task, read by each kind of reader: the
 * unit itself, a co-unit of the task, the 督考办, an evaluator, and a unit with no part in it.
 * A co-unit sees the task's work (that is what sharing a task means) but never another unit's
 * 考评申诉 or its files (#33 req 4); a unit with no part reads nothing.
 */
describe('who sees which timeline entries (#33 req 4)', () => {
  let t: TestApp;
  let coUnit: string;
  let outsider: string;
  let appealFile: string;
  beforeAll(async () => {
    t = await seededApp();
    const s = t.store.state.get();
    const contactOf = (unitId: string) =>
      s.people.find((p) => p.unitIds.includes(unitId) && p.roles.includes('contact'))?.id;
    const onTask = new Set(s.assignments.filter((a) => a.taskId === TASK).map((a) => a.unitId));
    coUnit = contactOf([...onTask].find((u) => u !== 'fsjd' && contactOf(u))!)!;
    outsider = contactOf(s.units.find((u) => !onTask.has(u.id) && contactOf(u.id))!.id)!;
    const post = (url: string, payload: object, person = FS_CONTACT) => {
      t.later(60_000); // each an action of its own
      return t.inject({ method: 'POST', url, payload }, person);
    };
    const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(200);
      return JSON.parse(r.body) as Record<string, unknown>;
    };
    // 2019: 签收, taken back, 签收 again; a report; an extension asked and withdrawn; a closure asked and returned
    await ok(post(`/api/assignments/${FS}/acknowledge`, {}));
    await ok(post(`/api/assignments/${FS}/acknowledge/undo`, {}));
    await ok(post(`/api/assignments/${FS}/acknowledge`, {}));
    await ok(post(`/api/assignments/${FS}/reports`, { text: '已完成第一季度工作' }));
    const ext = await ok(
      post(`/api/assignments/${FS}/extension-requests`, {
        until: '2019-07-31',
        reason: '等待上级批复',
        obligationId: `${FS}:2019:midYear`,
      }),
    );
    await ok(post(`/api/requests/${String(ext.id)}/withdraw`, {}));
    const closure = await ok(post(`/api/assignments/${FS}/closure-requests`, { text: '已全部完成' }));
    await ok(post(`/api/reviews/${String(closure.id)}/return`, { comment: '请补充佐证' }, SUPERVISOR));
    // 2020: the 2019 考评 is published and the unit appeals one missed item, with a file
    t.deps.clock.set('2020-01-10T09:00:00+08:00');
    await ok(post('/api/assessments/2019/compute', {}, SUPERVISOR));
    await ok(post('/api/assessments/2019/publish', {}, SUPERVISOR));
    const lines = (await t.inject('/api/assessments/2019/units/fsjd', FS_CONTACT)).json().lines as Array<{
      rule: string;
      taskId?: string;
      obligationId?: string;
    }>;
    const missed = lines.find((l) => l.rule === 'missed' && l.taskId === TASK)!;
    const form = multipartBody('file', '回执.pdf', Buffer.from('%PDF-1.4\n回执\n%%EOF\n'));
    const upload = (
      await t.inject({ method: 'POST', url: '/api/evidence', headers: form.headers, payload: form.payload }, FS_CONTACT)
    ).json() as { sha256: string };
    appealFile = `/api/evidence/${upload.sha256}`;
    await ok(
      post('/api/assessments/2019/appeals', {
        obligationId: missed.obligationId,
        reason: '已按期线下报送',
        evidence: [upload.sha256],
      }),
    );
  });
  afterAll(async () => t.close());

  const timeline = async (person: string) => {
    const r = await t.inject(`/api/tasks/${TASK}/overview`, person);
    return { status: r.statusCode, types: r.statusCode === 200 ? (r.json().timeline as Entry[]) : [] };
  };
  const kinds = (entries: Entry[]) => [...new Set(entries.map((e) => e.type))].sort();

  it('the unit, the 督考办 and the evaluator see every kind the unit made', async () => {
    const own = kinds((await timeline(FS_CONTACT)).types);
    expect(own).toEqual(
      expect.arrayContaining([
        'obligation.acknowledged',
        'obligation.acknowledgeUndone',
        'progress.reported',
        'extension.requested',
        'request.withdrawn',
        'closure.requested',
        'review.returned',
        'appeal.filed',
      ]),
    );
    for (const reader of [SUPERVISOR, EVALUATOR]) expect(kinds((await timeline(reader)).types)).toEqual(own);
    for (const reader of [FS_CONTACT, SUPERVISOR, EVALUATOR])
      expect((await t.inject(appealFile, reader)).statusCode, reader).toBe(200);
  });

  it('a co-unit sees every kind but the appeal, and cannot open the appeal’s file', async () => {
    const own = kinds((await timeline(FS_CONTACT)).types);
    const theirs = (await timeline(coUnit)).types;
    expect(kinds(theirs)).toEqual(own.filter((k) => k !== 'appeal.filed'));
    expect(theirs.some((e) => e.type === 'appeal.filed')).toBe(false);
    expect((await t.inject(appealFile, coUnit)).statusCode).toBe(403);
  });

  it('a unit with no part in the task reads none of it, nor the file', async () => {
    expect((await timeline(outsider)).status).toBe(403);
    expect((await t.inject(appealFile, outsider)).statusCode).toBe(403);
  });
});
