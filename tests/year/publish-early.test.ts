import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('考评 of a year not over (#33 req 8)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());
  const post = (url: string) => t.inject({ method: 'POST', url, payload: {} });

  it('a draft may be computed at any time, but not published before the year’s last item is due', async () => {
    t.deps.clock.set('2018-11-01T10:00:00+08:00');
    expect((await post('/api/assessments/2018/compute')).statusCode).toBe(200);
    const early = await post('/api/assessments/2018/publish');
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain('才到期');
    // still a draft: recomputed later, then published once the year is over
    t.deps.clock.set('2019-01-07T10:00:00+08:00');
    expect((await post('/api/assessments/2018/compute')).json().status).toBe('draft');
    expect((await post('/api/assessments/2018/publish')).statusCode).toBe(200);
  });
});
