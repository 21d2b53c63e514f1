import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../shared/schemas/views.js';
import { seedDirectory } from '../helpers/seeds.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

// The seed plan's appendix (重点任务清单), restated by hand from the document:
// lead and co names as written (groups unexpanded), and the time requirement's rule.
const Z = '各镇人民政府、街道办事处';
const B = '区政府各部门';
const DZ = '区政府各部门党组(工委、党委)';
const YG = '区级有关部门';
const PARTY = ['区政府党组', DZ, Z];
type Row = [number, string[], string[], string, string?];
const KEY_TASKS: Row[] = [
  [1, PARTY, [], 'superior'],
  [2, PARTY, [], 'annual'],
  [3, PARTY, [], 'annual'],
  [4, ['区府办', Z, B], [], 'annual'],
  [5, ['区府办'], [], 'continuous'],
  [6, ['区法制办'], [], 'asNeeded'],
  [7, ['区法制办'], [], 'oneOff'],
  [8, ['区督考办'], [Z, B], 'annual'],
  [9, ['区编办', YG, Z], [], 'superior'],
  [10, ['区编办'], [], 'annual'],
  [11, ['区行政服务中心'], [], 'continuous'],
  [12, ['区发改局'], [], 'continuous'],
  [13, ['区经信局'], [], 'continuous'],
  [14, ['区国土分局'], [], 'continuous'],
  [15, [B], [], 'asNeeded'],
  [16, ['区行政服务中心'], [], 'superior'],
  [17, ['区电子政务办'], [], 'continuous'],
  [18, ['区法制办'], [], 'periodic'],
  [19, ['区级有关行政执法部门'], [], 'continuous'],
  [20, [Z], [], 'continuous'],
  [21, ['区法制办'], [], 'superior'],
  [22, ['区法制办'], ['区司法局'], 'annual'],
  [23, ['区府办'], ['区政府有关部门'], 'superior'],
  [24, ['区发改局'], ['区质监局', '区财政局'], 'annual'],
  [25, [YG], [], 'annual'],
  [26, ['区电子政务办'], ['区行政服务中心'], 'annual'],
  [27, ['区编办'], ['区委政法委', YG, Z], 'annual'],
  [28, ['区编办', Z], [], 'superior'],
  [29, ['区府办', Z], [], 'deadline', '2021-12-31'],
  [30, ['区发改局'], [], 'annual'],
  [31, ['区发改局'], [], 'annual'],
  [32, ['区信访局'], [], 'annual'],
  [33, ['区发改局'], [], 'annual'],
  [34, [Z, B], [], 'continuous'],
  [35, ['区人社局', YG], [], 'superior'],
  [36, ['区人社局', YG], [], 'annual'],
];

/** What the assignments must be, computed from the unit directory file (not from the importer). */
function expectedAssignments(
  leads: string[],
  cos: string[],
): Array<{ unitName: string; role: string; viaGroup?: string; status: string }> {
  const dir = seedDirectory();
  const out = new Map<string, { unitName: string; role: string; viaGroup?: string; status: string }>();
  const refs = [...leads.map((n) => [n, 'lead'] as const), ...cos.map((n) => [n, 'co'] as const)];
  for (const [name, role] of refs) {
    const unit = dir.units.find((u) => u.name === name);
    if (unit) out.set(unit.name, { unitName: unit.name, role, status: 'active' });
  }
  for (const [name, role] of refs) {
    const group = dir.groups.find((g) => g.name === name);
    if (!group) continue;
    if (!group.expandable) {
      out.set(group.name, { unitName: group.name, role, status: 'toDesignate' });
      continue;
    }
    for (const u of dir.units.filter((x) => group.memberKinds.includes(x.kind))) {
      if (!out.has(u.name)) out.set(u.name, { unitName: u.name, role, viaGroup: group.name, status: 'active' });
    }
  }
  return [...out.values()].sort((a, b) => a.unitName.localeCompare(b.unitName));
}

describe('the seed plan, imported on first start and read through the API', () => {
  let t: TestApp;
  let keys: TaskView[];
  let measures: TaskView[];
  beforeAll(async () => {
    t = await seededApp();
    keys = (await t.inject('/api/tasks?kind=key&limit=500')).json().items;
    measures = (await t.inject('/api/tasks?kind=measure&limit=500')).json().items;
  });
  afterAll(async () => t.close());

  it('has the plan metadata', async () => {
    const plan = (await t.inject('/api/plan')).json();
    expect(plan).toMatchObject({
      id: 'yc-lqstg-2018',
      title: '政府“两强三提高”建设行动计划(2018-2022年)实施方案',
      issuer: '绍兴市越城区人民政府',
      issuedOn: '2018-10-31',
      period: { from: 2018, to: 2022 },
      counts: { sections: 10, measures: 38, keyTasks: 36 },
      active: true,
    });
  });

  it('has exactly 10 sections, with their measures', async () => {
    const sections = (await t.inject('/api/sections')).json();
    expect(sections.total).toBe(10);
    expect(sections.items.map((s: { label: string }) => s.label)).toEqual([
      '(一)',
      '(二)',
      '(三)',
      '(四)',
      '(五)',
      '(六)',
      '(七)',
      '(八)',
      '(九)',
      '(十)',
    ]);
    expect(sections.items[0].title).toBe('大力实施政府系统党的建设工程');
    expect(sections.items[9].title).toBe('大力实施公务员素质能力提升工程');
    const lastOfSection = [5, 9, 13, 18, 22, 25, 28, 30, 34, 38];
    const expected = measures.map((m) => `yc-lqstg-2018.s${lastOfSection.findIndex((last) => m.number <= last) + 1}`);
    expect(measures.map((m) => m.sectionId)).toEqual(expected);
    expect(sections.items.map((s: { measures: number }) => s.measures)).toEqual([5, 4, 4, 5, 4, 3, 3, 2, 4, 4]);
  });

  it('has exactly 38 measures with title sentence, body and their own 责任单位', () => {
    expect(measures.map((m) => m.number)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    expect(measures[0]).toMatchObject({ title: '加强政治建设', unitsText: `区政府党组,${DZ},${Z}` });
    expect(measures[0]!.body.startsWith('加强政治建设。坚持以习近平')).toBe(true);
    expect(measures[0]!.body).not.toContain('责任单位');
    expect(measures[19]!.title).toBe('严格规范公正文明执法');
    expect(measures[14]!.assignments.map((a) => [a.unitName, a.role])).toEqual([
      ['区编办', 'lead'],
      ['区行政服务中心', 'lead'],
      ['区发改局', 'lead'],
    ]);
    expect(measures[12]!.assignments).toEqual([expect.objectContaining({ unitName: YG, status: 'toDesignate' })]);
    for (const m of measures) {
      expect(m.assignments.length, `measure ${m.number}`).toBeGreaterThan(0);
      expect(m.schedule).toEqual({ type: 'annual', text: '', source: 'default' });
    }
  });

  it('has exactly 36 key tasks', () => {
    expect(keys.map((k) => k.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
  });

  it.each(KEY_TASKS)(
    'key task %i: lead, co-units (expanded) and schedule match the document',
    (n, leads, cos, type, due) => {
      const task = keys.find((k) => k.number === n)!;
      expect(task.schedule.type).toBe(type);
      expect(task.schedule.due).toBe(due);
      const actual = task.assignments.map((a) => ({
        unitName: a.unitName,
        role: a.role,
        status: a.status,
        ...(a.viaGroup ? { viaGroup: a.viaGroup } : {}),
      }));
      expect(actual.sort((a, b) => a.unitName.localeCompare(b.unitName))).toEqual(expectedAssignments(leads, cos));
    },
  );

  it('row 8 is led by 区督考办, row 22 by 区法制办 with 区司法局, row 29 is due 2021-12-31', async () => {
    const row8 = (await t.inject('/api/tasks/yc-lqstg-2018.k8')).json();
    expect(row8.assignments.filter((a: { role: string }) => a.role === 'lead')).toEqual([
      expect.objectContaining({ unitId: 'dkb', unitName: '区督考办' }),
    ]);
    const row22 = (await t.inject('/api/tasks/yc-lqstg-2018.k22')).json();
    expect(row22.assignments).toEqual([
      expect.objectContaining({ unitName: '区法制办', role: 'lead' }),
      expect.objectContaining({ unitName: '区司法局', role: 'co' }),
    ]);
    const row29 = (await t.inject('/api/tasks/yc-lqstg-2018.k29')).json();
    expect(row29.schedule).toMatchObject({ type: 'deadline', due: '2021-12-31', text: '2021年底前完成' });
  });

  it('keeps an unexpandable group as one entry to be designated', () => {
    const row25 = keys.find((k) => k.number === 25)!;
    expect(row25.assignments).toEqual([
      {
        id: 'yc-lqstg-2018.k25.g-youguan',
        unitId: 'g-youguan',
        unitName: YG,
        role: 'lead',
        roleName: '待明确',
        status: 'toDesignate',
      },
    ]);
  });

  it('links key tasks to the measures they come from', () => {
    const link = (n: number): string | undefined => keys.find((k) => k.number === n)!.measureId;
    expect(link(1)).toBe('yc-lqstg-2018.m2');
    expect(link(8)).toBe('yc-lqstg-2018.m11');
    expect(link(22)).toBe('yc-lqstg-2018.m22');
    expect(link(29)).toBe('yc-lqstg-2018.m31');
    expect(link(2)).toBeUndefined();
  });

  it("turns the prose deadline for the 专项工作计划 into an obligation of the key tasks' leads", async () => {
    const plan = (await t.inject('/api/plan')).json();
    expect(plan.obligations).toEqual([
      expect.objectContaining({
        due: '2018-11-20',
        whoText: '重点任务牵头部门',
        appliesTo: 'keyTaskLeads',
        what: '组织制订重点任务专项工作计划',
      }),
    ]);
  });
});
