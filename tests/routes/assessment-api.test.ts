import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../helpers/files.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('考评 over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2020-01-06T09:00:00+08:00');
  });
  afterAll(async () => t.close());
  const post = (url: string, payload: unknown, person?: string) =>
    t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> }, person);

  it('the 督考办 computes a draft units cannot see, publishes it, a unit reads its lines and appeals one item, the 督考办 decides', async () => {
    expect((await post('/api/assessments/2019/compute', {}, 'p-fsjd-c')).json().code).toBe('NOT_PERMITTED');
    const draft = (await post('/api/assessments/2019/compute', {})).json();
    expect(draft).toMatchObject({ year: 2019, status: 'draft', asOf: '2019-12-31' });
    expect(draft.scores.length).toBeGreaterThan(40);
    expect(draft.rules[0]).toContain('基础分 80 分');
    // a draft is the 督考办's working copy
    expect((await t.inject('/api/assessments/2019', 'p-fsjd-c')).json()).toMatchObject({ status: 'none', scores: [] });
    expect((await t.inject('/api/assessments/2019/units/fsjd', 'p-fsjd-c')).statusCode).toBe(404);
    await post('/api/assessments/2019/publish', {});
    const ranking = (await t.inject('/api/assessments/2019', 'p-fsjd-c')).json();
    expect(ranking.status).toBe('published');
    const mine = (await t.inject('/api/assessments/2019/units/fsjd', 'p-fsjd-c')).json();
    expect(mine).toMatchObject({
      year: 2019,
      status: 'published',
      canAppeal: true,
      base: 80,
      score: { unitId: 'fsjd' },
    });
    expect(mine.score.raw).toBe(80 + mine.lines.reduce((n: number, l: { effective: number }) => n + l.effective, 0));
    expect((await t.inject('/api/assessments/2019/units/bhjd', 'p-fsjd-c')).json().code).toBe('FORBIDDEN');
    expect((await t.inject('/api/assessments/2019/units/bhjd', 'p-eval-1')).statusCode).toBe(200);
    const missed = mine.lines.find((l: { rule: string }) => l.rule === 'missed');
    // evidence must be the person's own upload
    expect(
      (
        await post(
          '/api/assessments/2019/appeals',
          { obligationId: missed.obligationId, reason: '已按期线下报送', evidence: ['a'.repeat(64)] },
          'p-fsjd-c',
        )
      ).json().code,
    ).toBe('EVIDENCE_NOT_UPLOADED');
    const form = multipartBody('file', '回执.pdf', Buffer.from('%PDF-1.4\n回执\n%%EOF\n'));
    const upload = (
      await t.inject({ method: 'POST', url: '/api/evidence', headers: form.headers, payload: form.payload }, 'p-fsjd-c')
    ).json();
    const appealed = await post(
      '/api/assessments/2019/appeals',
      { obligationId: missed.obligationId, reason: '已按期线下报送', evidence: [upload.sha256] },
      'p-fsjd-c',
    );
    expect(appealed.statusCode).toBe(200);
    const appeal = appealed
      .json()
      .lines.find((l: { obligationId?: string }) => l.obligationId === missed.obligationId).appeal;
    expect(appeal.evidence.map((e: { name: string }) => e.name)).toEqual(['回执.pdf']);
    // the appeal is on the task's timeline, so the 督考办 can open its evidence
    const task = missed.taskId as string;
    const timeline = (await t.inject(`/api/tasks/${task}/overview`)).json().timeline as Array<{
      type: string;
      evidence: Array<{ url: string }>;
    }>;
    const entry = timeline.find((e) => e.type === 'appeal.filed')!;
    expect((await t.inject(entry.evidence[0]!.url)).statusCode).toBe(200);
    const file = `/api/evidence/${upload.sha256}`;
    expect((await t.inject(file, 'p-eval-1')).statusCode).toBe(200); // the evaluator
    // another unit reading the same task sees neither the appeal nor its file (#33 req 4)
    const other = t.store.state
      .get()
      .assignments.find((a) => a.taskId === task && a.unitId !== 'fsjd' && a.status === 'active')!.unitId;
    const neighbour = t.store.state
      .get()
      .people.find((p) => p.unitIds.includes(other) && p.roles.includes('contact'))!.id;
    const theirs = (await t.inject(`/api/tasks/${task}/overview`, neighbour)).json().timeline as Array<{
      type: string;
    }>;
    expect(Array.isArray(theirs)).toBe(true); // the task is readable to them…
    expect(theirs.some((e) => e.type === 'appeal.filed')).toBe(false);
    expect((await t.inject(file, neighbour)).statusCode).toBe(403);
    // the unit's own people do see it
    const own = (await t.inject(`/api/tasks/${task}/overview`, 'p-fsjd-c')).json().timeline as Array<{ type: string }>;
    expect(own.some((e) => e.type === 'appeal.filed')).toBe(true);
    const appealId = appeal.id;
    expect((await post(`/api/assessments/2019/appeals/${appealId}/reject`, {})).json().code).toBe('COMMENT_REQUIRED');
    const decided = await post(`/api/assessments/2019/appeals/${appealId}/reject`, { comment: '无报送记录' });
    expect(decided.json().appeals).toEqual({ pending: 0, accepted: 0, rejected: 1 });
    expect((await post('/api/assessments/2019/finalize', {})).json().message).toContain('申诉期');
  });
});
