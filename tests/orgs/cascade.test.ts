import { readFileSync } from 'node:fs';
import { loadCalendar } from '../../server/src/calendar/load-calendar.js';
import { createCore } from '../../server/src/core.js';
import { orgDataDir } from '../../server/src/orgs/registry.js';
import { openStore } from '../../server/src/store/open-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryOf } from '../../server/src/domain/plan/directory-of.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import { applyImport } from '../../server/src/plan-import/apply-import.js';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { upperPlanId } from '../../server/src/orgs/cascade.js';
import { cityPlan, orgDeployment, orgFixture, type OrgDeployment } from '../helpers/org-deployment.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { silentLog } from '../helpers/test-app.js';

/**
 * #38 req 2: the city's tasks for a district come down to it as 上级交办; its 督考办 decomposes
 * them to its own units; its approval of a unit's year-end report is reported on the city's item
 * as the district's, and the last part 办结 asks the city for 办结.
 */
describe('tasks down the chain, answers back up (#38)', () => {
  let d: OrgDeployment;
  let planId: string;
  const call = async (path: string, token: string, body?: object) => {
    const res = await fetch(`${d.base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json', 'idempotency-key': `k${Math.random()}` } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const signIn = async (org: string, personId: string) => {
    const res = await fetch(`${d.base}/o/${org}/api/auth/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId }),
    });
    return ((await res.json()) as { token: string }).token;
  };
  const events = async (store: OrgDeployment['t']['store'], from: number) => {
    const out: LedgerEvent[] = [];
    for await (const e of store.ledger.read(from + 1)) out.push(e);
    return out;
  };

  beforeAll(async () => {
    d = await orgDeployment();
    planId = await cityPlan(d);
  });
  afterAll(async () => d?.close());

  it("each district holds the city's tasks for it as 上级交办, linked and waiting to be decomposed", async () => {
    for (const [org, labels] of [
      ['keqiao', ['1', '2']],
      ['shangyu', ['1', '2']],
    ] as const) {
      const s = d.host.core(org)!.deps.store.state.get();
      const plan = s.plans.find((p) => p.id === upperPlanId('shaoxing', planId))!;
      expect(plan).toMatchObject({ title: '绍兴市交办:绍兴市2024年重点工作任务分解', issuer: '绍兴市' });
      const tasks = s.tasks.filter((t) => t.planId === plan.id);
      expect(tasks.map((t) => t.label)).toEqual(labels);
      expect(tasks[1]).toMatchObject({
        title: '建设未来社区示范',
        schedule: { due: '2024-12-31' },
        upper: { org: 'shaoxing', orgName: '绍兴市', label: '重点任务2' },
      });
      expect(s.assignments.filter((a) => a.taskId === tasks[1]!.id).map((a) => a.status)).toEqual(['toDesignate']);
    }
    // the district's task page says whose task it answers to
    const token = await signIn('keqiao', 'p-dkb-s');
    const task2 = d.host
      .core('keqiao')!
      .deps.store.state.get()
      .tasks.find((t) => t.upper?.label === '重点任务2')!;
    const page = await call(`/o/keqiao/api/tasks/${encodeURIComponent(task2.id)}/overview`, token);
    expect(page.body.task).toMatchObject({ upper: { orgName: '绍兴市', label: '重点任务2' } });
    // the city's own task 3 (区发改局's) stays in the city
    expect(
      d.host
        .core('keqiao')!
        .deps.store.state.get()
        .tasks.some((t) => t.title === '优化营商环境'),
    ).toBe(false);
    // handed down once: another commit in the city changes nothing below
    const before = d.host.core('keqiao')!.deps.store.ledger.head();
    await d.t.store.transact((draft) => void draft);
    await d.host.settled();
    expect(d.host.core('keqiao')!.deps.store.ledger.head()).toEqual(before);
  });

  it("the district's approved year-end report is the city's item answered by the district; the last 办结 asks the city", async () => {
    const keqiao = d.host.core('keqiao')!;
    const ks = keqiao.deps.store.state.get();
    const task = ks.tasks.find((t) => t.planId === upperPlanId('shaoxing', planId) && t.number === 2)!;
    const holder = ks.assignments.find((a) => a.taskId === task.id)!;
    const admin = await signIn('keqiao', 'p-dkb-s');
    // the district's 督考办 decomposes it to two of its own units
    expect(
      (
        await call(`/o/keqiao/api/assignments/${encodeURIComponent(holder.id)}/designate`, admin, {
          unitIds: ['jxj', 'fgj'],
        })
      ).status,
    ).toBe(200);
    const parts = keqiao.deps.store.state
      .get()
      .assignments.filter((a) => a.taskId === task.id && a.status === 'active');
    expect(parts.map((a) => a.unitId).sort()).toEqual(['fgj', 'jxj']);

    // December: 区经信局 reports for the year; the district's 督考办 approves
    d.t.deps.clock.set('2024-12-20T10:00:00+08:00');
    const jxj = await signIn('keqiao', 'p-jxj-c');
    const part = parts.find((a) => a.unitId === 'jxj')!;
    // as the report page sends it: the item chosen, its 年末 report
    const reported = await call(`/o/keqiao/api/assignments/${encodeURIComponent(part.id)}/reports`, jxj, {
      text: '已建成示范社区2个,年度任务完成',
      obligationId: `${part.id}:2024:yearEnd`,
    });
    expect(reported.body.answered).toMatchObject({ obligationId: `${part.id}:2024:yearEnd` });
    const review = Object.values(keqiao.deps.store.state.get().requests).find((r) => r.assignmentId === part.id)!;
    const cityBefore = d.t.store.ledger.head().seq;
    expect((await call(`/o/keqiao/api/reviews/${review.id}/approve`, admin, {})).status).toBe(200);
    await d.host.settled();
    const up = (await events(d.t.store, cityBefore)).find((e) => e.type === 'progress.reported')!;
    const cityPart = d.t.store.state.get().assignments.find((a) => a.id === (up.subject as { id: string }).id)!;
    expect(d.t.store.state.get().units.find((u) => u.id === cityPart.unitId)?.name).toBe('柯桥区');
    expect(up).toMatchObject({
      actor: { type: 'system', id: 'org:keqiao', name: '柯桥区督考办' },
      payload: {
        text: '【柯桥区】区经信局:已建成示范社区2个,年度任务完成(柯桥区督考办已审核)',
        // the city's own 年末 item for 柯桥区, answered by it
        obligations: [`${cityPart.id}:2024:yearEnd`],
      },
    });
    // the sibling's part of the same city task is untouched
    expect((await events(d.t.store, cityBefore)).filter((e) => e.type === 'progress.reported')).toHaveLength(1);

    // both units finish; the district approves each 办结: after the last, the city gets 柯桥区's 办结 request
    for (const [person, unit] of [
      ['p-jxj-c', 'jxj'],
      ['p-fgj-c', 'fgj'],
    ] as const) {
      const token = await signIn('keqiao', person);
      const a = parts.find((x) => x.unitId === unit)!;
      expect(
        (
          await call(`/o/keqiao/api/assignments/${encodeURIComponent(a.id)}/closure-requests`, token, {
            text: '已完成',
          })
        ).status,
      ).toBe(200);
      const r = Object.values(keqiao.deps.store.state.get().requests).find(
        (x) => x.assignmentId === a.id && x.kind === 'closure',
      )!;
      expect((await call(`/o/keqiao/api/reviews/${r.id}/approve`, admin, {})).status).toBe(200);
      await d.host.settled();
    }
    const asked = Object.values(d.t.store.state.get().requests).filter(
      (r) => r.kind === 'closure' && r.assignmentId === cityPart.id,
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ state: 'pending', requester: { id: 'org:keqiao' } });
    expect(asked[0]!.text).toContain('已分解到 2 个单位,均已办结');
  });

  it("the city's task page sees each district's chain down to the units; a contact does not", async () => {
    const city = d.t.store.state.get().tasks.find((t) => t.planId === planId && t.number === 2)!;
    const chain = await call(`/api/tasks/${encodeURIComponent(city.id)}/chain`, d.t.token());
    expect(chain.body).toMatchObject({ links: expect.any(Array) });
    expect(chain.status).toBe(200);
    const links = chain.body.links as Array<{
      org: { id: string };
      task: { label: string };
      toDesignate: boolean;
      parts: Array<{ unitName: string; status: string; lastReport?: { text: string } }>;
    }>;
    expect(links.map((l) => [l.org.id, l.task.label, l.toDesignate])).toEqual([
      ['keqiao', '重点任务2', false],
      ['shangyu', '重点任务2', true],
    ]);
    expect(links[0]!.parts.map((p) => [p.unitName, p.status]).sort()).toEqual([
      ['区发改局', 'closed'],
      ['区经信局', 'closed'],
    ]);
    expect(links[0]!.parts.find((p) => p.unitName === '区经信局')!.lastReport?.text).toBe(
      '已建成示范社区2个,年度任务完成',
    );
    expect(links[1]!.parts).toEqual([]);
    expect((await call(`/api/tasks/${encodeURIComponent(city.id)}/chain`, d.t.token('p-fsjd-c'))).status).toBe(403);
  });

  it('a task the city adds later comes down as 补充交办; what the district decomposed stays', async () => {
    const keqiao = d.host.core('keqiao')!.deps.store;
    const before = keqiao.state.get();
    // the parts it named (办结 by now): they must come through the city's re-import untouched
    const designated = before.assignments.filter(
      (a) => a.status === 'closed' && before.tasks.find((t) => t.id === a.taskId)?.upper,
    );
    expect(designated).toHaveLength(2);
    const text = readFileSync(orgFixture('city-plan.txt'), 'utf8') + '4 | 推进城市更新 | 柯桥区 |  | 2024年底前\n';
    const result = await importPlan(
      { name: 'city-plan.txt', content: new TextEncoder().encode(text) },
      directoryOf(d.t.store.state.get()),
    );
    expect(result.plan.id).toBe(planId);
    await applyImport(d.t.store, result, { type: 'person', id: 'p-dkb-s1', name: '周晓梅' }, d.t.deps.clock.now());
    await d.host.settled();
    const after = keqiao.state.get();
    const more = after.plans.find((p) => p.id === `${upperPlanId('shaoxing', planId)}-2`)!;
    expect(more.title).toBe('绍兴市补充交办(第2批):绍兴市2024年重点工作任务分解');
    expect(after.tasks.filter((t) => t.planId === more.id).map((t) => [t.label, t.title, t.upper?.label])).toEqual([
      ['4', '推进城市更新', '重点任务4'],
    ]);
    // the first plan's tasks and the units it named are as they were
    for (const a of designated) expect(after.assignments.find((x) => x.id === a.id)).toEqual(a);
  });
});

/** The acceptance's chain: 市 → 区 → 镇街, the district decomposing to a town and two departments. */
describe('three levels: a town below a district (#38)', () => {
  let d: OrgDeployment;
  let planId: string;
  beforeAll(async () => {
    d = await orgDeployment();
    planId = await cityPlan(d);
  });
  afterAll(async () => d?.close());

  it('柯桥区 names 华舍街道 (an organisation of its own) with two departments: the task goes on down; the city sees all three levels', async () => {
    const post = (path: string, token: string, body: object) =>
      fetch(`${d.base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `key-${Math.random()}`,
        },
        body: JSON.stringify(body),
      });
    // the city's admin enters the town below 柯桥区: it is 华舍街道 of 柯桥区's directory
    const added = await post('/api/orgs', d.t.token(), {
      id: 'huashe',
      name: '华舍街道',
      level: 'town',
      parent: 'keqiao',
      unit: '华舍街道',
    });
    expect(added.status).toBe(200);
    const keqiao = d.host.core('keqiao')!.deps.store.state.get();
    const holder = keqiao.assignments.find(
      (a) => a.status === 'toDesignate' && keqiao.tasks.find((t) => t.id === a.taskId)?.upper?.label === '重点任务2',
    )!;
    const admin = (
      (await (await post('/o/keqiao/api/auth/dev', '', { personId: 'p-dkb-s' })).json()) as { token: string }
    ).token;
    expect(
      (
        await post(`/o/keqiao/api/assignments/${encodeURIComponent(holder.id)}/designate`, admin, {
          unitIds: ['hzjd', 'jxj', 'fgj'],
        })
      ).status,
    ).toBe(200);
    await d.host.settled();
    // the town holds it, linked to 柯桥区's task, waiting for its own decomposition
    const town = d.host.core('huashe')!.deps.store.state.get();
    const handed = town.tasks.find((t) => t.upper?.org === 'keqiao')!;
    expect(handed).toMatchObject({ title: '建设未来社区示范', upper: { orgName: '柯桥区', label: '重点任务2' } });
    // the city's chain: 柯桥区 (三个承办单位) → 华舍街道 (待分解); 上虞区 待分解
    const city = d.t.store.state.get().tasks.find((t) => t.planId === planId && t.number === 2)!;
    const res = await fetch(`${d.base}/api/tasks/${encodeURIComponent(city.id)}/chain`, {
      headers: { authorization: `Bearer ${d.t.token()}` },
    });
    const { links } = (await res.json()) as {
      links: Array<{
        org: { id: string };
        toDesignate: boolean;
        parts: Array<{ unitName: string }>;
        below: Array<{ org: { id: string }; toDesignate: boolean }>;
      }>;
    };
    expect(
      links.map((l) => [
        l.org.id,
        l.toDesignate,
        l.parts.map((p) => p.unitName).sort(),
        l.below.map((b) => [b.org.id, b.toDesignate]),
      ]),
    ).toEqual([
      ['keqiao', false, ['区发改局', '区经信局', '华舍街道'].sort(), [['huashe', true]]],
      ['shangyu', true, [], []],
    ]);
    // the overviews: the city's of its districts, 柯桥区's of its town
    const summary = async (path: string, token: string) =>
      (
        (await (await fetch(`${d.base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          orgs: Array<Record<string, unknown>>;
        }
      ).orgs;
    expect(await summary('/api/orgs/summary', d.t.token())).toEqual([
      { id: 'keqiao', name: '柯桥区', handed: 2, toDesignate: 1, parts: 3, closed: 0, overdue: 0 },
      { id: 'shangyu', name: '上虞区', handed: 2, toDesignate: 2, parts: 0, closed: 0, overdue: 0 },
    ]);
    expect(await summary('/o/keqiao/api/orgs/summary', admin)).toEqual([
      { id: 'huashe', name: '华舍街道', handed: 1, toDesignate: 1, parts: 0, closed: 0, overdue: 0 },
    ]);
  });
});

/** The district's approval given while the organisations below were down goes up when they start. */
describe('answers approved while the server was down are carried up at start (#38)', () => {
  let d: OrgDeployment;
  beforeAll(async () => {
    d = await orgDeployment();
    await cityPlan(d);
  });
  afterAll(async () => d?.close());

  it('a restarted host finds the approval in the district ledger and reports it on the city item once', async () => {
    const keqiao = d.host.core('keqiao')!;
    const ks = keqiao.deps.store.state.get();
    const holder = ks.assignments.find(
      (a) => a.status === 'toDesignate' && ks.tasks.find((t) => t.id === a.taskId)?.upper?.label === '重点任务2',
    )!;
    const admin = { type: 'person' as const, id: 'p-dkb-s', name: '柯桥督查员' };
    const token = async (personId: string) =>
      (
        (await (
          await fetch(`${d.base}/o/keqiao/api/auth/dev`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ personId }),
          })
        ).json()) as { token: string }
      ).token;
    const post = async (path: string, who: string, body: object) =>
      fetch(`${d.base}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token(who)}`,
          'content-type': 'application/json',
          'idempotency-key': `key-${Math.random()}`,
        },
        body: JSON.stringify(body),
      });
    expect(
      (
        await post(`/o/keqiao/api/assignments/${encodeURIComponent(holder.id)}/designate`, 'p-dkb-s', {
          unitIds: ['jxj'],
        })
      ).status,
    ).toBe(200);
    d.t.deps.clock.set('2024-12-20T10:00:00+08:00');
    const part = keqiao.deps.store.state
      .get()
      .assignments.find((a) => a.taskId === holder.taskId && a.unitId === 'jxj')!;
    expect(
      (
        await post(`/o/keqiao/api/assignments/${encodeURIComponent(part.id)}/reports`, 'p-jxj-c', {
          text: '年度任务完成',
          obligationId: `${part.id}:2024:yearEnd`,
        })
      ).status,
    ).toBe(200);
    const review = Object.values(keqiao.deps.store.state.get().requests).find((r) => r.assignmentId === part.id)!;

    // the organisations below stop; the district's 督考办 approves meanwhile (its own process)
    await d.host.close();
    const dir = orgDataDir(d.t.dataDir, { id: 'keqiao', name: '柯桥区', level: 'district', parent: 'shaoxing' });
    const store = await openStore(dir, { clock: () => d.t.deps.clock.now() });
    const alone = createCore(
      { ...d.t.core.config, dataDir: dir },
      {
        store,
        clock: d.t.deps.clock,
        log: silentLog,
        calendar: await loadCalendar(SEEDS_DIR),
        policy: d.t.core.policy,
      },
    );
    await alone.reviews.decide(admin, review.id, 'approve', undefined);
    await alone.stop();
    await store.close();

    const before = d.t.store.ledger.head().seq;
    const again = d.newHost();
    try {
      await again.refresh();
      await again.settled();
      const up: LedgerEvent[] = [];
      for await (const e of d.t.store.ledger.read(before + 1)) if (e.type === 'progress.reported') up.push(e);
      expect(up).toHaveLength(1);
      expect(up[0]!.payload).toMatchObject({
        text: '【柯桥区】区经信局:年度任务完成(柯桥区督考办已审核)',
        msgId: expect.stringMatching(/^cascade:keqiao:\d+$/),
      });
    } finally {
      await again.close();
    }
    // and once only: a further start finds it carried
    const third = d.newHost();
    try {
      const seq = d.t.store.ledger.head().seq;
      await third.refresh();
      await third.settled();
      expect(d.t.store.ledger.head().seq).toBe(seq);
    } finally {
      await third.close();
    }
  });
});
