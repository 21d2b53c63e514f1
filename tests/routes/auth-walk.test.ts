import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** Routes a person reaches before signing in (each says so on the route itself). */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/auth/config',
  'POST /api/auth/dingtalk',
  'POST /api/auth/zzd',
  'GET /api/auth/dev-people',
  'POST /api/auth/dev',
]);
/** Takes a session or a signed link: without either it must not answer 2xx. */
const SIGNED = new Set(['GET /api/evidence/{sha256}']);

describe('every API route needs a session unless the route says otherwise', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    await t.app.ready();
  });
  afterAll(async () => t.close());

  it('walks every registered /api route anonymously, with plain and percent-encoded paths', async () => {
    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
    expect(routes.length).toBeGreaterThan(20);
    const seen: string[] = [];
    for (const r of routes) {
      const name = `${r.method} ${r.path}`;
      const url = r.path.replace(/\{[^}]+\}/g, 'x');
      // the same route spelled three ways: as is, with an encoded letter, with an encoded slash-free segment
      for (const variant of [
        url,
        url.replace('/api/', '/%61pi/'),
        url.replace(/\/([a-z])/g, (_, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
      ]) {
        const res = await t.inject(
          { method: r.method as 'GET', url: variant, payload: r.method === 'GET' ? undefined : {} },
          null,
        );
        if (PUBLIC.has(name)) continue;
        if (SIGNED.has(name)) {
          expect(res.statusCode, `${name} as ${variant}`).toBeGreaterThanOrEqual(400);
          continue;
        }
        expect({ route: name, variant, status: res.statusCode }).toEqual({ route: name, variant, status: 401 });
        expect(res.json().code).toBe('UNAUTHENTICATED');
      }
      seen.push(name);
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        'GET /api/units',
        'GET /api/plan',
        'GET /api/plans',
        'GET /api/sections',
        'GET /api/my/items',
      ]),
    );
  });
});
