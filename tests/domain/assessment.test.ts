import { describe, expect, it } from 'vitest';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { Assessments } from '../../server/src/domain/assessment/assessment.js';
import { DEFAULT_RULES, loadAssessmentRules } from '../../server/src/domain/assessment/rules.js';
import { ensureObligations } from '../../server/src/domain/obligations/obligation-book.js';
import { ProgressService } from '../../server/src/domain/progress/progress-service.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { ReviewService } from '../../server/src/domain/review/review-service.js';
import { viewerFor } from '../../server/src/auth/viewer.js';
import { issueBulletin, rectified } from '../../server/src/domain/supervision/bulletins.js';
import { MemoryStore } from '../../server/src/store/memory/memory-store.js';
import { emptyState, type State } from '../../server/src/model/state.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { fixedClock } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

/** One key task for 2019, 区甲 leads (△) and three co-units; each unit acts differently through the year. */
function world(): State {
  const s = emptyState();
  s.plans.push({
    id: 'p',
    title: '测试方案',
    issuer: '',
    issuedOn: '2018-10-31',
    period: { from: 2019, to: 2019 },
    source: { name: 'x', format: 'text', sha256: '0'.repeat(64) },
  });
  s.activePlanId = 'p';
  const units = { a: '区甲', b: '区乙', c: '区丙', d: '区丁' };
  for (const [id, name] of Object.entries(units)) {
    s.units.push({ id, name, aliases: [], kind: 'department' });
    s.people.push({
      id: `${id}-c`,
      name: `${name}联络员`,
      accounts: [{ platform: 'dingtalk', userId: `${id}-c` }],
      unitIds: [id],
      roles: ['contact'],
      sample: true,
    });
  }
  s.people.push({
    id: 'dkb',
    name: '督考办',
    accounts: [{ platform: 'dingtalk', userId: 'dkb' }],
    unitIds: [],
    roles: ['supervisor'],
    sample: true,
  });
  s.tasks.push({
    id: 'p.k1',
    planId: 'p',
    kind: 'key',
    number: 1,
    label: '1',
    title: '测试任务',
    body: '',
    unitsText: '区甲△、区乙、区丙、区丁',
    units: [],
    leaders: [],
    schedule: { type: 'annual', text: '每年推进', source: 'document' },
  });
  for (const id of Object.keys(units))
    s.assignments.push({
      id: `p.k1.${id}`,
      planId: 'p',
      taskId: 'p.k1',
      unitId: id,
      role: id === 'a' ? 'lead' : 'co',
      status: 'active',
    });
  return s;
}

describe('the year-end 考评', () => {
  it('a scripted year gives exactly the expected scores, each point on a line traced to its item and ledger event', async () => {
    const clock = fixedClock('2019-01-02T09:00:00+08:00');
    const store = new MemoryStore(world(), () => clock.now());
    const book = { calendar: await loadCalendar(SEEDS_DIR), policy: DEFAULT_POLICY };
    await ensureObligations(store, book, clock.now());
    const progress = new ProgressService({ store, ...book, clock });
    const reviews = new ReviewService({ store, clock, publicUrl: 'http://x' });
    const assessments = new Assessments({ store, book, rules: DEFAULT_RULES, publicUrl: 'http://x' });
    const s0 = store.state.get();
    const item = (unit: string, kind: string) =>
      storedObligations(s0).find((o) => o.assignmentId === `p.k1.${unit}` && o.id.includes(`:2019:${kind}`))!;
    const due = (kind: string) => item('a', kind).due;
    const f = (unit: string) => ({
      actor: { type: 'person' as const, id: `${unit}-c`, name: unit },
      assignment: s0.assignments.find((a) => a.id === `p.k1.${unit}`)!,
      channel: 'miniapp' as const,
    });
    const at = async (date: string, act: () => Promise<unknown>) => {
      clock.set(`${date}T10:00:00+08:00`);
      await act();
    };
    const dkb = { type: 'person' as const, id: 'dkb', name: '督考办' };
    const items = ['progress:Q1', 'midYear', 'progress:Q3', 'yearEnd'];

    // 区甲 (lead): everything on time
    await at(due('acknowledge'), () => progress.acknowledge(f('a')));
    for (const k of items)
      await at(due(k), () =>
        progress.report(f('a'), { text: '按期报送', noChange: false, evidence: [], obligationId: item('a', k).id }),
      );
    // 区乙 (co): never acts
    // 区丙 (co): 签收 on time; Q1 two weeks late; 年中 returned once, refiled before the due date; Q3 on time; 年末 never
    await at(due('acknowledge'), () => progress.acknowledge(f('c')));
    await at('2019-04-08', () =>
      progress.report(f('c'), {
        text: '迟交的一季度进展',
        noChange: false,
        evidence: [],
        obligationId: item('c', 'progress:Q1').id,
      }),
    );
    const mid = book.calendar.addWorkingDays(due('midYear'), -3);
    await at(mid, async () => {
      const r = await progress.report(f('c'), {
        text: '年中报告初稿',
        noChange: false,
        evidence: [],
        obligationId: item('c', 'midYear').id,
      });
      await reviews.decide(dkb, `R${r.seq}`, 'return', '缺少数据');
    });
    await at(due('midYear'), () =>
      progress.report(f('c'), {
        text: '年中报告修改稿',
        noChange: false,
        evidence: [],
        obligationId: item('c', 'midYear').id,
      }),
    );
    await at(due('progress:Q3'), () =>
      progress.report(f('c'), {
        text: '三季度进展',
        noChange: false,
        evidence: [],
        obligationId: item('c', 'progress:Q3').id,
      }),
    );
    // 区丁 (co): all on time, Q3 after an approved extension to 10月15日 (so not late)
    await at(due('acknowledge'), () => progress.acknowledge(f('d')));
    for (const k of ['progress:Q1', 'midYear', 'yearEnd'])
      await at(due(k), () =>
        progress.report(f('d'), { text: '按期报送', noChange: false, evidence: [], obligationId: item('d', k).id }),
      );
    await at('2019-09-20', async () => {
      const r = await progress.requestExtension(f('d'), {
        until: '2019-10-15',
        reason: '等待批复',
        obligationId: item('d', 'progress:Q3').id,
      });
      await reviews.decide(dkb, r.id, 'approve', undefined);
    });
    await at('2019-10-10', () =>
      progress.report(f('d'), {
        text: '三季度进展(延期后)',
        noChange: false,
        evidence: [],
        obligationId: item('d', 'progress:Q3').id,
      }),
    );

    // 激励 and 问责: 区甲 is praised; 区乙 is criticised with a 整改 due 11月29日, files its 整改报告, and the 督考办 approves it
    const bulletinDeps = { store, rules: book, publicUrl: 'http://x' };
    await at('2019-11-15', () =>
      issueBulletin(bulletinDeps, dkb, {
        kind: 'praise',
        unitIds: ['a'],
        taskId: 'p.k1',
        text: '全年按期高质量完成',
        refs: [1],
      }),
    );
    let criticism: Awaited<ReturnType<typeof issueBulletin>> | undefined;
    await at(
      '2019-11-15',
      async () =>
        (criticism = await issueBulletin(bulletinDeps, dkb, {
          kind: 'criticism',
          unitIds: ['b'],
          taskId: 'p.k1',
          text: '全年未签收、未报送进展',
          refs: [1],
          rectifyBy: '2019-11-29',
        })),
    );
    await expect(
      issueBulletin(bulletinDeps, dkb, { kind: 'criticism', unitIds: ['b'], text: '没有任务', refs: [] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const rectify = storedObligations(store.state.get()).find(
      (o) => o.assignmentId === 'p.k1.b' && o.kind === 'manual',
    )!;
    expect(rectify).toMatchObject({ label: '整改报告:全年未签收、未报送进展', due: '2019-11-29', status: 'open' });
    expect(
      store.state
        .get()
        .outbox.filter((r) => r.key.startsWith(`bulletin:${criticism!.id}:`))
        .map((r) => r.personId),
    ).toEqual(['b-c']);
    await at('2019-11-25', async () => {
      const r = await progress.report(f('b'), {
        text: '整改报告:已补签收并建立报送台账',
        noChange: false,
        evidence: [],
        obligationId: rectify.id,
      });
      expect(store.state.get().requests[`R${r.seq}`]).toMatchObject({ kind: 'report', state: 'pending' });
      expect(rectified(store.state.get(), criticism!)).toEqual([]);
      await reviews.decide(dkb, `R${r.seq}`, 'approve', undefined);
    });
    expect(rectified(store.state.get(), criticism!)).toEqual(['b']);

    // the year is over: compute
    clock.set('2020-01-06T09:00:00+08:00');
    const draft = await assessments.compute(dkb, 2019);
    // 区甲 80 + 4 × 2 + 1 (表扬) = 89; 区丁 80 + 4 × 1 = 84; 区丙 80 + 1 (Q1) − 0.5 (late) + 1 (年中) − 0.25 (returned) + 1 (Q3) − 2.5 (年末 missed) = 79.75;
    // 区乙 80 − 0.5 (签收) − 4 × 2.5 − 0.5 (批评) + 1 (整改报告 on time) = 70
    expect(draft.status).toBe('draft');
    expect(draft.scores.map((s) => [s.unitName, s.score, s.rank, s.quartile])).toEqual([
      ['区甲', 89, 1, 1],
      ['区丁', 84, 2, 2],
      ['区丙', 79.75, 3, 3],
      ['区乙', 70, 4, 4],
    ]);
    expect(draft.scores.find((s) => s.unitId === 'b')).toMatchObject({ criticisms: 1, awardEligible: true });
    const record = store.state.get().assessments!['2019']!;
    // the lines are in the ledger (assessment.computed), not in the state; every one rests on an item and the ledger event that last changed it
    const events = new Map<number, { type: string; payload: unknown }>();
    for await (const e of store.ledger.read()) events.set(e.seq, e);
    expect(events.get(record.linesSeq)!.type).toBe('assessment.computed');
    const lines = (
      events.get(record.linesSeq)!.payload as {
        lines: Array<{ unitId: string; label: string; rule: string; points: number; seq: number }>;
      }
    ).lines;
    for (const l of lines)
      expect(events.get(l.seq)?.type, `${l.unitId} ${l.label} ${l.rule}`).toMatch(
        /^(obligation\.(reported|acknowledged)|obligations\.materialised|progress\.reported|bulletin\.issued)$/,
      ); // a returned report's line rests on the report
    const c = lines.filter((l) => l.unitId === 'c').map((l) => `${l.label}:${l.rule}:${l.points}`);
    expect(c).toEqual(
      expect.arrayContaining([
        '第一季度进展:completed:1',
        '第一季度进展:late:-0.5',
        '年中督查报告:completed:1',
        '年中督查报告:returnedReport:-0.25',
        '年末自评报告:missed:-2.5',
      ]),
    );
    expect(lines.filter((l) => l.unitId === 'd' && l.rule !== 'completed')).toEqual([]);

    // published: units are told; 区乙 appeals its missed Q1 and the 督考办 accepts (the deduction is lifted)
    const published = await assessments.publish(dkb, 2019);
    expect(published.appealUntil).toBe(book.calendar.addWorkingDays('2020-01-06', DEFAULT_RULES.appealWorkingDays));
    expect(
      store.state
        .get()
        .outbox.filter((r) => r.key.startsWith('assessment:2019:'))
        .map((r) => r.personId)
        .sort(),
    ).toEqual(['a-c', 'b-c', 'c-c', 'd-c']);
    const b = viewerFor(store.state.get(), 'b-c');
    await assessments.appeal(b, 2019, {
      obligationId: item('b', 'progress:Q1').id,
      reason: '一季度进展已线下报送督考办',
    });
    await expect(
      assessments.appeal(b, 2019, { obligationId: item('b', 'progress:Q1').id, reason: '再次申诉' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      assessments.appeal(viewerFor(store.state.get(), 'c-c'), 2019, {
        obligationId: item('b', 'midYear').id,
        reason: '替别人申诉',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(assessments.finalize(dkb, 2019)).rejects.toMatchObject({ code: 'CONFLICT' }); // the window is open
    const appealId = store.state.get().assessments!['2019']!.appeals[0]!.id;
    const after = await assessments.decideAppeal(dkb, 2019, appealId, true, { comment: '核实属实' });
    expect(after.scores.find((s) => s.unitId === 'b')).toMatchObject({ score: 72.5 });
    const mine = await assessments.unit(b, 2019, 'b', '2020-01-07');
    expect(mine.lines.find((l) => l.obligationId === item('b', 'progress:Q1').id)).toMatchObject({
      points: -2.5,
      effective: 0,
      appeal: { state: 'accepted', comment: '核实属实' },
    });
    await expect(assessments.unit(b, 2019, 'a', '2020-01-07')).rejects.toThrow(/本单位/);

    // final after the window; then only a recorded adjustment changes a score
    clock.set(`${book.calendar.addWorkingDays(published.appealUntil!, 1)}T09:00:00+08:00`);
    const final = await assessments.finalize(dkb, 2019);
    expect(final.status).toBe('final');
    await expect(assessments.compute(dkb, 2019)).rejects.toMatchObject({ code: 'CONFLICT' });
    const adjusted = await assessments.adjust(dkb, 2019, {
      unitId: 'c',
      points: 1,
      reason: '复核发现年中报告按期报送',
    });
    expect(adjusted.scores.find((s) => s.unitId === 'c')).toMatchObject({ score: 80.75 });
  });

  it('the rules file is checked at start: a mistake names the field', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'assessment-rules.json'), JSON.stringify({ ...DEFAULT_RULES, cap: 60 }));
    await expect(loadAssessmentRules(dir)).rejects.toThrow(/cap 封顶分\(cap\)不能低于基础分/);
    writeFileSync(join(dir, 'assessment-rules.json'), JSON.stringify({ ...DEFAULT_RULES, missed: { lead: 'five' } }));
    await expect(loadAssessmentRules(dir)).rejects.toThrow(/missed\.lead/);
    const { note, ...seeded } = await loadAssessmentRules(SEEDS_DIR);
    expect(note).toContain('考评规则');
    expect(seeded).toEqual(DEFAULT_RULES);
  });
});
