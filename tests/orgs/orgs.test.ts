import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import type { OrgHost } from '../../server/src/orgs/org-host.js';
import { orgDatabaseUrl, orgSchema, readRegistry } from '../../server/src/orgs/registry.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { freshSchema, PG_URL } from '../helpers/pg.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { runTs } from '../helpers/run-node.js';
import { orgDeployment, orgFixture, type OrgDeployment } from '../helpers/org-deployment.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import type { TestApp } from '../helpers/test-app.js';

const fixture = orgFixture;

/**
 * #38, first part: a city (the deployment's own data) with two districts below it, each entered
 * with `npm run org -- add` and opened by the running host without a restart. Each district is a
 * whole 督办通 of its own at /o/<id>/ — its directory, plan, store and sessions.
 */
describe('a city on one deployment: districts as organisations of their own (#38)', () => {
  let t: TestApp;
  let host: OrgHost;
  let base: string;
  const channel = new FakeChannel(() => new Date('2024-03-05T09:30:00+08:00'));
  const call = async (path: string, token?: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json', 'idempotency-key': `k${Math.random()}` } : {}),
      },
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };
  const signIn = async (org: string, personId: string) => {
    const r = await call(`/o/${org}/api/auth/dev`, undefined, { method: 'POST', body: JSON.stringify({ personId }) });
    expect(r.status).toBe(200);
    return r.body.token as string;
  };

  let deployment: OrgDeployment;
  beforeAll(async () => {
    deployment = await orgDeployment(channel);
    ({ t, host, base } = deployment);
  });
  afterAll(async () => deployment?.close());

  it('npm run org -- add enters each district below the city; each has its own directory, plan and pages', async () => {
    expect((await readRegistry(t.dataDir))?.orgs).toEqual([
      { id: 'shaoxing', name: '绍兴市', level: 'city' },
      { id: 'keqiao', name: '柯桥区', level: 'district', parent: 'shaoxing', unit: '柯桥区' },
      { id: 'shangyu', name: '上虞区', level: 'district', parent: 'shaoxing', unit: '上虞区' },
    ]);
    const token = await signIn('keqiao', 'p-dkb-s');
    const tasks = await call('/o/keqiao/api/tasks', token);
    expect(tasks.status).toBe(200);
    expect((tasks.body.items as Array<{ title: string }>).map((x) => x.title)).toEqual([
      '推进数字经济核心产业发展',
      '完成年度固定资产投资目标',
      '建设未来社区试点',
    ]);
    const units = await call('/o/keqiao/api/units', token);
    expect((units.body.items as Array<{ name: string }>).map((u) => u.name)).toContain('华舍街道');
    expect((units.body.items as Array<{ name: string }>).map((u) => u.name)).not.toContain('百官街道');
    const page = await fetch(`${base}/o/keqiao/app/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // the city's own pages and data are where they always were
    expect((await call('/api/tasks?kind=key', t.token())).body.items).toHaveLength(36);
    expect(await call('/o/nowhere/api/me', token)).toMatchObject({ status: 404, body: { code: 'ORG_NOT_FOUND' } });
  });

  it("a district's session opens nothing of its sibling's or the city's, by any route (403), and nothing without one (401)", async () => {
    const keqiao = await signIn('keqiao', 'p-dkb-s');
    const shangyuTask = (await call('/o/shangyu/api/tasks', await signIn('shangyu', 'p-dkb-s'))).body.items as Array<{
      id: string;
    }>;
    const fill = (path: string) =>
      path.replace(/:id\b/g, encodeURIComponent(shangyuTask[0]!.id)).replace(/:[a-zA-Z]+/g, 'fgj');
    const entries = Object.values(api);
    expect(entries.length).toBeGreaterThan(80);
    for (const e of entries) {
      for (const prefix of ['/o/shangyu', '']) {
        const r = await call(`${prefix}${fill(e.path)}`, keqiao, {
          method: e.method,
          ...(e.method === 'GET' ? {} : { body: '{}' }),
        });
        expect(r.status, `${e.method} ${prefix}${e.path}`).toBe(403);
        expect(r.body.code).toBe('FORBIDDEN');
        expect(String(r.body.message)).toContain('柯桥区');
      }
    }
    expect((await call('/o/shangyu/api/tasks')).status).toBe(401);
    // and its own organisation answers it
    expect(await call('/o/keqiao/api/me', keqiao)).toMatchObject({ status: 200, body: { name: '柯桥督查员' } });
  });

  it('the same plan in two districts is two sets of records: a 签收 in one leaves the other as it was', async () => {
    t.deps.clock.set('2024-03-05T10:00:00+08:00'); // within the plans' year
    const contact = await signIn('keqiao', 'p-jxj-c');
    const mine = await call('/o/keqiao/api/units/jxj/assignments', contact);
    const assignment = (mine.body.items as Array<{ id: string }>)[0]!;
    const shangyu = host.core('shangyu')!;
    const before = shangyu.deps.store.ledger.head();
    const ack = await call(`/o/keqiao/api/assignments/${encodeURIComponent(assignment.id)}/acknowledge`, contact, {
      method: 'POST',
      body: '{}',
    });
    expect(ack).toMatchObject({ status: 200, body: { already: false } });
    // the sibling holds an assignment of the same id, untouched
    expect(shangyu.deps.store.state.get().assignments.some((a) => a.id === assignment.id)).toBe(true);
    expect(shangyu.deps.store.ledger.head()).toEqual(before);
    const keqiaoEvents: string[] = [];
    for await (const e of host.core('keqiao')!.deps.store.ledger.read(1)) keqiaoEvents.push(e.type);
    expect(keqiaoEvents).toContain('obligation.acknowledged');
  });

  it('one DingTalk account in the city and a district: the switch lists both, each marking where it is', async () => {
    const city = await call('/api/orgs', t.token());
    expect(city.body.orgs).toEqual([
      { id: 'shaoxing', name: '绍兴市', level: 'city', url: '/app/', current: true },
      { id: 'keqiao', name: '柯桥区', level: 'district', url: '/o/keqiao/app/', current: false },
    ]);
    const there = await call('/o/keqiao/api/orgs', await signIn('keqiao', 'p-city-zxm'));
    expect((there.body.orgs as Array<{ id: string; current: boolean }>).map((o) => [o.id, o.current])).toEqual([
      ['shaoxing', false],
      ['keqiao', true],
    ]);
    // a district contact is of one organisation: no switch
    expect((await call('/o/shangyu/api/orgs', await signIn('shangyu', 'p-fgj-c'))).body.orgs).toHaveLength(1);
  });

  it('the admin enters a 镇街 below a district from the page: open at once, its admin the same account; recorded', async () => {
    const seq = t.store.ledger.head().seq;
    const tree = await call('/api/orgs/tree', t.token());
    expect(
      (tree.body.orgs as Array<{ id: string; tasks: number; open: boolean }>).map((o) => [o.id, o.tasks, o.open]),
    ).toEqual([
      ['shaoxing', 74, true],
      ['keqiao', 3, true],
      ['shangyu', 3, true],
    ]);
    const add = (body: object, token = t.token()) =>
      call('/api/orgs', token, { method: 'POST', body: JSON.stringify(body) });
    const added = await add({ id: 'huashe', name: '华舍街道', level: 'town', parent: 'keqiao' });
    expect(added.status).toBe(200);
    expect(
      (added.body.orgs as Array<{ id: string; parent?: string; open: boolean; people: number }>).at(-1),
    ).toMatchObject({
      id: 'huashe',
      parent: 'keqiao',
      open: true,
      people: 1,
    });
    // the admin signs in there with the same account, as its 督考办
    const there = await signIn('huashe', 'p-dkb-s1');
    expect(await call('/o/huashe/api/me', there)).toMatchObject({ status: 200, body: { name: '周晓梅' } });
    const events: string[] = [];
    for await (const e of t.store.ledger.read(seq + 1)) events.push(e.type);
    expect(events).toEqual(['org.registered']);
    // refused, and nothing entered: a taken id, an unknown parent, a contact, a district's own admin
    const before = (await readRegistry(t.dataDir))!.orgs.length;
    expect(await add({ id: 'keqiao', name: '柯桥区', level: 'district' })).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT' },
    });
    expect(await add({ id: 'x1', name: '某街道', level: 'town', parent: 'nowhere' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect((await add({ id: 'x2', name: '某街道', level: 'town' }, t.token('p-fsjd-c'))).status).toBe(403);
    const keqiaoAdmin = await signIn('keqiao', 'p-dkb-s');
    expect(await call('/o/keqiao/api/orgs/tree', keqiaoAdmin)).toMatchObject({ status: 404 });
    expect((await readRegistry(t.dataDir))!.orgs).toHaveLength(before);
  });

  it("the robot's messages go to the sender's organisation: a district contact's 收到 signs in the district", async () => {
    t.deps.clock.set('2024-03-05T10:00:00+08:00');
    const rootGot: unknown[] = [];
    const sink = host.botSink({ accept: (raw) => rootGot.push(raw) }, toBotEvent);
    const keqiao = host.core('keqiao')!;
    const seq = keqiao.deps.store.ledger.head().seq;
    const payload = (userId: string, text: string, n: number) => ({
      conversationId: 'cid-1',
      conversationType: '1',
      msgId: `msg-org-${n}`,
      msgtype: 'text',
      createAt: Date.parse('2024-03-05T02:00:00Z'),
      senderStaffId: userId,
      senderNick: '联络员',
      robotCode: 'dingduban0emulator',
      sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=x',
      sessionWebhookExpiredTime: Date.parse('2024-03-05T03:00:00Z'),
      text: { content: text },
    });
    sink.accept(payload('dt-keqiao-jxj-c', '收到 2', 1), 'stream');
    await keqiao.inbox.idle();
    const signed: string[] = [];
    for await (const e of keqiao.deps.store.ledger.read(seq + 1))
      if (e.type === 'obligation.acknowledged') signed.push((e.payload as { unitId: string }).unitId);
    expect(signed).toEqual(['jxj']);
    expect(rootGot).toEqual([]);
    // the city's own people stay with the city's bot, as before
    sink.accept(payload('dt-fsjd-c', '收到 1', 2), 'stream');
    expect(rootGot).toHaveLength(1);
  });

  it("a district's notices say which organisation they are from, and link to its own pages", async () => {
    const keqiao = host.core('keqiao')!;
    t.deps.clock.set('2024-03-05T09:30:00+08:00');
    await keqiao.scheduler.runUntilIdle(t.deps.clock.now());
    const notice = channel.notices.find((n) => n.userId === 'dt-keqiao-fgj-c');
    expect(notice).toBeDefined();
    expect(notice!.message).toMatchObject({ kind: 'actionCard', title: expect.stringMatching(/^【柯桥区】督办提醒/) });
    const card = notice!.message as { buttons: Array<{ url?: string }> };
    expect(card.buttons[0]!.url).toMatch(/\/o\/keqiao\/app\/#\//);
  });
});

describe('on PostgreSQL an organisation is a schema of its own (#38)', () => {
  it('npm run org -- add seeds <root schema>__<id>; the root schema holds nothing of it', async () => {
    const url = await freshSchema();
    const entry = { id: 'keqiao', name: '柯桥区', level: 'district' as const, parent: 'shaoxing' };
    const end = await runTs(
      'server/src/cli/org.ts',
      [
        'add',
        ...['--id', 'keqiao', '--name', '柯桥区', '--level', 'district'],
        ...['--root-id', 'shaoxing', '--root-name', '绍兴市', '--root-level', 'city'],
        ...['--units', fixture('keqiao-units.json'), '--people', fixture('keqiao-people.json')],
        ...['--plan', fixture('district-plan.txt')],
      ],
      { DUBAN_DATA_DIR: tempDir(), DUBAN_DATABASE_URL: url, DUBAN_SEEDS_DIR: SEEDS_DIR },
    );
    expect(end.code, end.stderr).toBe(0);
    const schema = orgSchema(url, entry);
    expect(schema).toMatch(/^duban_t_[0-9a-f]+__keqiao$/);
    try {
      const org = await openPgStore(orgDatabaseUrl(url, entry), { clock: () => new Date() });
      expect(org.state.get().tasks.map((x) => x.title)).toEqual([
        '推进数字经济核心产业发展',
        '完成年度固定资产投资目标',
        '建设未来社区试点',
      ]);
      expect(org.state.get().directory.district).toBe('柯桥区');
      await org.close();
      const root = await openPgStore(url, { clock: () => new Date() });
      expect(root.state.get().tasks).toEqual([]);
      await root.close();
    } finally {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
