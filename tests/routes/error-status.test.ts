import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors.js';
import { HTTP_STATUS } from '../../server/src/http/status.js';
import { seededApp } from '../helpers/test-app.js';

describe('error codes and HTTP statuses: one table at the edge (#34 req 4)', () => {
  it('gives every code one client or server status', () => {
    for (const code of ErrorCode.options) {
      expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS[code], code).toBeLessThan(600);
    }
  });

  it('answers a refusal thrown deep in the domain with its code’s status, and the same code always alike', async () => {
    const t = await seededApp();
    try {
      const seen = new Map<string, Set<number>>();
      const note = (r: { statusCode: number; json(): unknown }) => {
        const { code } = r.json() as { code: string };
        seen.set(code, (seen.get(code) ?? new Set()).add(r.statusCode));
      };
      // unknown ids in four domain areas, a bad designation, a closed year's step, a bad body
      note(await t.inject('/api/tasks/nope'));
      note(await t.inject('/api/rounds/nope'));
      note(await t.inject({ method: 'POST', url: '/api/reviews/nope/approve', payload: {} }));
      note(await t.inject({ method: 'POST', url: '/api/assignments/nope/designate', payload: { unitIds: ['x'] } }));
      note(await t.inject({ method: 'POST', url: '/api/bulletins', payload: { kind: 'criticism' } }));
      note(await t.inject({ method: 'POST', url: '/api/obligations/nope/reopen', payload: { reason: '补报' } }));
      expect(seen.size).toBeGreaterThan(1);
      for (const [code, statuses] of seen) {
        expect([...statuses], code).toEqual([HTTP_STATUS[code as ErrorCode]]);
      }
    } finally {
      await t.close();
    }
  });
});
