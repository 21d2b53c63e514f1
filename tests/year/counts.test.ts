import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('numbers match their lists (#31 req 8)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('待明确责任单位的任务 counts exactly the tasks its list shows', async () => {
    const o = (await t.inject('/api/overview')).json();
    const list = (await t.inject('/api/tasks?kind=key&limit=500&toDesignate=1')).json();
    expect(o.placeholders.tasks).toBeGreaterThan(0);
    expect(list.total).toBe(o.placeholders.tasks);
    expect(list.items.every((x: { kind: string }) => x.kind === 'key')).toBe(true);
    // health says the same number
    expect((await t.inject('/api/health', null)).json().warnings.join()).toContain(
      `${o.placeholders.tasks} 项任务的责任单位"待明确"`,
    );
    expect((await t.inject('/api/tasks?kind=key&limit=500')).json().total).toBeGreaterThan(list.total);
  });

  it('every section row opens exactly the parts it counts, and 未归入工程 says why', async () => {
    const o = (await t.inject('/api/overview')).json();
    for (const s of o.sections as Array<{
      sectionId: string;
      title: string;
      red: number;
      yellow: number;
      green: number;
    }>) {
      const parts = (await t.inject(`/api/overview/parts?sectionId=${s.sectionId}&limit=2000`)).json();
      expect(parts.total, s.title).toBe(s.red + s.yellow + s.green);
    }
    const none = o.sections.find((s: { sectionId: string }) => s.sectionId === 'none');
    expect(none.title).toMatch(/^未归入工程\(\d+ 项任务未能对应到正文中的工程条目\)$/);
  });
});
