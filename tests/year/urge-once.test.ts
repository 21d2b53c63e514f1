import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('催办 (#31 req 10)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-06-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());
  const urge = (message: string) =>
    t.inject({
      method: 'POST',
      url: '/api/urges',
      payload: { taskId: 'yc-lqstg-2018.k1', unitId: 'bhjd', message, due: '2019-06-28' },
    });

  it('a second identical 催办 the same day is refused (the platform would drop it), a different one goes', async () => {
    expect((await urge('请尽快报送年中自查报告')).statusCode).toBe(200);
    const seq = t.store.ledger.head().seq;
    // a double tap: the first answer again, nothing sent twice
    const twin = await urge('请尽快报送年中自查报告');
    expect(twin.statusCode).toBe(200);
    expect(twin.headers['idempotent-replayed']).toBe('true');
    expect(t.store.ledger.head().seq).toBe(seq);
    t.later(60_000); // a minute on, the same words again: refused, with why
    const again = await urge('请尽快报送年中自查报告');
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('今天已向该单位发出内容相同的催办');
    expect(t.store.ledger.head().seq).toBe(seq);
    expect((await urge('请于6月28日前报送年中自查报告')).statusCode).toBe(200);
    t.deps.clock.set('2019-06-21T10:00:00+08:00');
    expect((await urge('请尽快报送年中自查报告')).statusCode).toBe(200);
  });
});
