import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('read API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });
  afterAll(async () => t.close());
  const get = (url: string) => t.inject(url);

  it('reports health, mode and the sample-data warning', async () => {
    const res = await get('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      mode: 'local',
      plans: 1,
      ledger: { seq: expect.any(Number) },
      time: '2019-03-01T01:00:00.000Z',
    });
    // tasks 19 and 25 name 区级有关行政执法部门 / 区级有关部门: nobody is responsible until the 督考办 names units
    expect(res.json().placeholders).toEqual({ tasks: expect.any(Number), assignments: expect.any(Number) });
    expect(res.json().placeholders.tasks).toBeGreaterThanOrEqual(2);
    expect(res.json().warnings).toEqual([
      '单位名录和人员是示例数据,上线前请同步钉钉通讯录',
      `${res.json().placeholders.tasks} 项任务的责任单位"待明确"(区级有关部门等),尚无人负责、不会提醒:请督考办在督办通中明确责任单位`,
    ]);
  });

  it('lists key tasks as { items, total } with the minimum contract fields', async () => {
    const body = (await get('/api/tasks?kind=key&limit=5')).json();
    expect(body.total).toBe(36);
    expect(body.items).toHaveLength(5);
    const task = body.items[0];
    expect(Object.keys(task)).toEqual(
      expect.arrayContaining(['id', 'kind', 'number', 'title', 'schedule', 'assignments']),
    );
    expect(task.assignments[0]).toEqual(
      expect.objectContaining({
        unitId: expect.any(String),
        unitName: expect.any(String),
        role: expect.stringMatching(/^(lead|co)$/),
      }),
    );
  });

  it('pages with limit and offset', async () => {
    const page = (await get('/api/tasks?kind=key&limit=10&offset=30')).json();
    expect(page.items.map((i: { number: number }) => i.number)).toEqual([31, 32, 33, 34, 35, 36]);
    expect(page.total).toBe(36);
  });

  it('filters by section (number or id), unit (id or name, through groups), schedule type and text', async () => {
    const numbers = async (url: string) =>
      (await get(url)).json().items.map((i: { kind: string; number: number }) => `${i.kind}${i.number}`);
    expect(await numbers('/api/tasks?section=5')).toEqual([
      'measure19',
      'measure20',
      'measure21',
      'measure22',
      'key19',
      'key20',
      'key21',
      'key22',
    ]);
    expect(await numbers('/api/tasks?section=yc-lqstg-2018.s5&kind=key')).toEqual(['key19', 'key20', 'key21', 'key22']);
    // 区司法局 is named in row 22 and reached through 区政府各部门 / 各部门党组 in the others
    expect(await numbers('/api/tasks?kind=key&unit=区司法局')).toEqual([
      'key1',
      'key2',
      'key3',
      'key4',
      'key8',
      'key15',
      'key22',
      'key34',
    ]);
    expect(await numbers('/api/tasks?kind=key&unit=sfj')).toEqual(
      await numbers('/api/tasks?kind=key&unit=越城区司法局'),
    );
    expect(await numbers('/api/tasks?kind=key&unit=区委政法委')).toEqual(['key27']);
    expect(await numbers('/api/tasks?kind=key&unit=fsjd')).toEqual([
      'key1',
      'key2',
      'key3',
      'key4',
      'key8',
      'key9',
      'key20',
      'key27',
      'key28',
      'key29',
      'key34',
    ]);
    expect(await numbers('/api/tasks?kind=key&schedule=deadline')).toEqual(['key29']);
    expect(await numbers('/api/tasks?schedule=oneOff')).toEqual(['key7']);
    expect(await numbers('/api/tasks?kind=key&q=枫桥')).toEqual(['key20']);
  });

  it('answers a bad query with 400, a stable code and a Chinese message', async () => {
    for (const url of [
      '/api/tasks?kind=bad',
      '/api/tasks?limit=0',
      '/api/tasks?limit=abc',
      '/api/tasks?schedule=weekly',
      '/api/tasks?section=99',
      '/api/tasks?unit=不存在的局',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code, url).toBe('VALIDATION_FAILED');
      expect(res.json().message, url).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await get('/api/tasks?kind=bad')).json().message).toContain('kind');
  });

  it('returns a task with its assignments, groups expanded and marked', async () => {
    const res = await get('/api/tasks/yc-lqstg-2018.k20');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      kind: 'key',
      number: 20,
      title: '创新发展新时代“枫桥经验”',
      schedule: { type: 'continuous', text: '持续推进' },
      measureId: 'yc-lqstg-2018.m21',
    });
    expect(body.assignments).toHaveLength(16);
    expect(
      body.assignments.every(
        (a: { viaGroup: string; role: string }) => a.viaGroup === '各镇人民政府、街道办事处' && a.role === 'lead',
      ),
    ).toBe(true);
  });

  it('answers unknown ids with 404 and a code', async () => {
    expect((await get('/api/tasks/yc-lqstg-2018.k99')).json()).toEqual({
      code: 'TASK_NOT_FOUND',
      message: '没有编号为 yc-lqstg-2018.k99 的任务',
    });
    expect((await get('/api/tasks/yc-lqstg-2018.k99')).statusCode).toBe(404);
    expect((await get('/api/units/nope/assignments')).json().code).toBe('UNIT_NOT_FOUND');
    expect((await get('/api/plan?planId=nope')).json().code).toBe('PLAN_NOT_FOUND');
    expect((await get('/api/nothing-here')).statusCode).toBe(404);
    expect((await get('/api/nothing-here')).json().code).toBe('NOT_FOUND');
  });

  it('lists units and groups with their counts', async () => {
    const body = (await get('/api/units')).json();
    const byId = new Map(body.items.map((u: { id: string }) => [u.id, u]));
    expect(byId.get('dkb')).toMatchObject({ name: '区督考办', kind: 'office', counts: { lead: 3, co: 0 } }); // measures 11, 12 and key task 8
    expect(byId.get('g-youguan')).toMatchObject({ kind: 'group', expandable: false, memberIds: [] });
    expect((byId.get('g-zhenjie') as { memberIds: string[] }).memberIds).toHaveLength(16);
  });

  it("lists a unit's assignments, and a to-be-designated group's", async () => {
    const sfj = (await get('/api/units/sfj/assignments')).json();
    const named = sfj.items.filter((a: { viaGroup?: string }) => !a.viaGroup);
    expect(
      named.map(
        (a: { task: { kind: string; number: number }; role: string }) => `${a.task.kind}${a.task.number}:${a.role}`,
      ),
    ).toEqual(['measure21:lead', 'measure22:lead', 'key22:co']);
    expect(sfj.total).toBe(sfj.items.length);
    expect(sfj.items.filter((a: { viaGroup?: string }) => a.viaGroup === '区政府各部门党组(工委、党委)')).toHaveLength(
      5 + 3,
    );
    const youguan = (await get('/api/units/g-youguan/assignments')).json();
    expect(youguan.total).toBe(13); // measures 13 14 27 29 35–38, key tasks 9 25 27 35 36
    expect(youguan.items.every((a: { status: string }) => a.status === 'toDesignate')).toBe(true);
  });

  it('serves the OpenAPI document', async () => {
    const res = await get('/docs/json');
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/units/{id}/assignments', '/api/health']),
    );
  });
});
