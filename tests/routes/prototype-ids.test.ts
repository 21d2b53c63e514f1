import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** #33 req 12: ids that name Object.prototype's members are "not found", never undefined words. */
describe('ids like __proto__ and constructor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is not found, in words', async (id) => {
    const answers = [
      await t.inject({ method: 'POST', url: `/api/requests/${id}/withdraw`, payload: {} }, 'p-fsjd-c'),
      await t.inject(`/api/rounds/${id}`),
      await t.inject({ method: 'POST', url: `/api/rounds/${id}/close`, payload: {} }),
      await t.inject({ method: 'POST', url: `/api/reviews/${id}/approve`, payload: {} }),
      await t.inject({ method: 'POST', url: `/api/reviews/${id}/return`, payload: { comment: '请补充材料' } }),
    ];
    for (const r of answers) {
      expect([404, 400]).toContain(r.statusCode);
      expect(r.body).not.toContain('undefined');
    }
  });
});
