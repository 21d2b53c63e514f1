import { describe, expect, it } from 'vitest';
import { scoresOf } from '../../server/src/domain/assessment/formula.js';
import { DEFAULT_RULES } from '../../server/src/domain/assessment/rules.js';
import { emptyState } from '../../server/src/model/state.js';
import type { AssessmentLine } from '../../shared/schemas/assessment.js';

const line = (unitId: string, points: number): AssessmentLine => ({
  unitId,
  assignmentId: `t.${unitId}`,
  taskId: 't',
  taskNumber: 1,
  obligationId: `t.${unitId}:2019:yearEnd`,
  label: '年末自评报告',
  rule: points >= 0 ? 'completed' : 'missed',
  weight: 'lead',
  points,
  seq: 1,
});

describe('考评 words (#31 req 9)', () => {
  it('ties are 并列, and 45 units tied at the bottom are not coloured as the top quarter', () => {
    const state = emptyState();
    const ids = Array.from({ length: 47 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    state.units = ids.map((id) => ({ id, name: id, kind: 'department', aliases: [] }) as never);
    const lines = [line('u00', 10), line('u01', 5), ...ids.slice(2).map((id) => line(id, -10))];
    const scores = scoresOf(state, DEFAULT_RULES, lines);
    expect(scores.slice(0, 2).map((s) => [s.rank, s.tied, s.quartile])).toEqual([
      [1, false, 1],
      [2, false, 1],
    ]);
    const bottom = scores.slice(2);
    expect(new Set(bottom.map((s) => `${s.rank}|${s.tied}|${s.quartile}`))).toEqual(new Set(['3|true|3']));
  });
});
