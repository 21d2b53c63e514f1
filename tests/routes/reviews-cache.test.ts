import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JPEG, multipartBody } from '../helpers/files.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS = 'yc-lqstg-2018.k1.fsjd';

describe('the review queue served once per state (#35)', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await seededApp();
    const form = multipartBody('file', '现场.jpg', JPEG);
    const photo = (
      await t.inject({ method: 'POST', url: '/api/evidence', headers: form.headers, payload: form.payload }, 'p-fsjd-c')
    ).json() as { sha256: string };
    const filed = await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${FS}/closure-requests`,
        payload: { text: '已全部完成', evidence: [photo.sha256] },
      },
      'p-fsjd-c',
    );
    id = filed.json().id as string;
  });
  afterAll(async () => t.close());
  const queue = () => t.inject('/api/reviews?status=pending');
  const link = (body: { items: Array<{ id: string; evidence: Array<{ url: string }> }> }) =>
    body.items.find((i) => i.id === id)!.evidence[0]!.url;

  it('the same bytes until something changes; evidence links renewed every 10 minutes; a decision shows at once', async () => {
    const first = await queue();
    expect(first.statusCode).toBe(200);
    expect((await queue()).body).toBe(first.body);
    const url = link(first.json());
    expect((await t.inject(url, null)).statusCode).toBe(200);
    // 11 minutes on: a fresh link (the old one still has ~49 minutes)
    t.deps.clock.set('2019-03-01T09:11:00+08:00');
    const later = await queue();
    expect(link(later.json())).not.toBe(url);
    expect((await t.inject(link(later.json()), null)).statusCode).toBe(200);
    t.later(60_000);
    expect((await t.inject({ method: 'POST', url: `/api/reviews/${id}/approve`, payload: {} })).statusCode).toBe(200);
    expect((await queue()).json().items.some((i: { id: string }) => i.id === id)).toBe(false);
  });
});
