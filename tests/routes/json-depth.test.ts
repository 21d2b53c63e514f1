import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, tooDeep } from '../../server/src/http/limits.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** #33 req 2 (part): JSON nesting is limited before parsing, on every route (sign-in needs no session). */
describe('deeply nested JSON', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());

  it('reads depth in one pass, strings and escapes skipped', () => {
    expect(tooDeep('{"a":[1,{"b":"[[[[[[[[["}]}', 3)).toBe(false);
    expect(tooDeep('{"a":"\\"[[[[["}', 1)).toBe(false);
    expect(tooDeep('[[[[]]]]', 3)).toBe(true);
    expect(tooDeep(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(false);
  });

  it('a 1 MB [[[…]]] to the public sign-in route is refused before parsing, with a code', async () => {
    const body = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
    const r = await t.inject(
      { method: 'POST', url: '/api/auth/dingtalk', payload: body, headers: { 'content-type': 'application/json' } },
      null,
    );
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('嵌套过深') });
    // ordinary bodies still parse, and prototype poisoning is still refused
    const ok = await t.inject({ method: 'POST', url: '/api/auth/dingtalk', payload: { code: 'x' } }, null);
    expect(ok.statusCode).not.toBe(400);
    const poison = await t.inject(
      {
        method: 'POST',
        url: '/api/auth/dingtalk',
        payload: '{"code":"x","__proto__":{"admin":true}}',
        headers: { 'content-type': 'application/json' },
      },
      null,
    );
    expect(poison.statusCode).toBe(400);
  });
});
