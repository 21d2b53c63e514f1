import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes } from '../../server/src/auth/auth-hook.js';
import { PERMISSIONS, ROLE_KEYS, roleKeys, type RoleKey } from '../../server/src/auth/permissions.js';
import { viewerFor } from '../../server/src/auth/viewer.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { updateState } from '../helpers/store-writes.js';

/** One person per role of the table (an administrator who is nothing else is added for the test). */
const PEOPLE: Record<RoleKey, string> = {
  contact: 'p-fsjd-c',
  leader: 'p-fsjd-l',
  supervisor: 'p-dkb-s2',
  admin: 'p-admin-only',
  evaluator: 'p-eval-1',
  districtLeader: 'p-qzf-l1',
};

describe('authorisation is a table: role × action, checked on every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    await updateState(t.store, (d) => {
      d.people.push({
        id: 'p-admin-only',
        name: '系统管理员',
        accounts: [{ platform: 'dingtalk', userId: 'dt-admin-only' }],
        unitIds: ['dkb'],
        roles: ['admin'],
        sample: true,
      });
    });
  });
  afterAll(async () => t.close());

  it('every API route declares an action of the table, and every action of the table is used', () => {
    const routes = declaredRoutes(t.app);
    expect(routes.length).toBeGreaterThan(20);
    // the app is built by the core as npm start builds it (the reminder preview included)
    const used = new Set(routes.map((r) => r.action));
    expect(Object.keys(PERMISSIONS).filter((a) => !used.has(a as keyof typeof PERMISSIONS))).toEqual([]);
  });

  it('each role reaches exactly the routes whose action the table gives it; the others are refused before the body is read', async () => {
    const seen: string[] = [];
    for (const route of declaredRoutes(t.app)) {
      const url = route.url.replace(/:(\w+)/g, 'x');
      for (const role of ROLE_KEYS) {
        const res = await t.inject(
          { method: route.method as 'GET' | 'POST', url, ...(route.method === 'POST' ? { payload: {} } : {}) },
          PEOPLE[role],
        );
        // a person holds several keys (a district leader is also a leader of 区政府): any one the table names lets them through
        const keys = roleKeys(viewerFor(t.store.state.get(), PEOPLE[role]));
        const allowed = keys.some((k) => (PERMISSIONS[route.action].roles as readonly RoleKey[]).includes(k));
        const refused = res.statusCode === 403 && res.json().code === 'NOT_PERMITTED';
        seen.push(`${route.method} ${route.url} ${role}: ${refused ? 'refused' : 'through'}`);
        expect(refused, `${route.method} ${route.url} as ${role} (${route.action})`).toBe(!allowed);
        if (refused) expect(res.json().message).toContain(PERMISSIONS[route.action].label);
      }
    }
    // the matrix is what the table says, spot-checked in words
    expect(seen).toContain('POST /api/reviews/:id/approve evaluator: refused');
    expect(seen).toContain('GET /api/reviews evaluator: through');
    expect(seen).toContain('POST /api/assignments/:id/acknowledge supervisor: refused');
    expect(seen).toContain('GET /api/overview contact: refused');
    expect(seen).toContain('GET /api/overview districtLeader: through');
  });

  it('the signed-in person is told what they may do (the pages follow it)', async () => {
    const me = (who: string) => t.inject('/api/me', who).then((r) => r.json().can as string[]);
    expect(await me(PEOPLE.contact)).toEqual(expect.arrayContaining(['unit.act', 'task.read']));
    expect(await me(PEOPLE.contact)).not.toContain('review.read');
    expect(await me(PEOPLE.supervisor)).toEqual(
      expect.arrayContaining(['review.decide', 'overview.read', 'assignment.designate']),
    );
    expect(await me(PEOPLE.supervisor)).not.toContain('unit.act');
  });
});
