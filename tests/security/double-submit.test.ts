import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { freshSchema } from '../helpers/pg.js';
import { seededApp, SUPERVISOR, type TestApp } from '../helpers/test-app.js';

const TASK = 'yc-lqstg-2018.k1';
const FS = `${TASK}.fsjd`;
const FS_CONTACT = 'p-fsjd-c';

/** A creating request as someone sends it: who, what, and how to count what it created. */
interface Creating {
  name: string;
  person: string;
  url: string;
  payload: Record<string, unknown>;
  count: (t: TestApp) => Promise<number>;
}

/** How many events of `type` the instance's ledger holds. */
async function events(t: TestApp, type: string): Promise<number> {
  let n = 0;
  for await (const e of t.store.ledger.read()) if (e.type === type) n += 1;
  return n;
}

const CREATING: Creating[] = [
  {
    name: '进展报送',
    person: FS_CONTACT,
    url: `/api/assignments/${FS}/reports`,
    payload: { text: '已完成年中自查' },
    count: (t) => events(t, 'progress.reported'),
  },
  {
    name: '通报批评',
    person: SUPERVISOR,
    url: '/api/bulletins',
    payload: {
      kind: 'criticism',
      unitIds: ['fsjd'],
      taskId: TASK,
      text: '进度滞后',
      rectifyBy: '2019-03-29',
      year: 2018,
    },
    count: (t) => events(t, 'bulletin.issued'),
  },
  {
    name: '督查',
    person: SUPERVISOR,
    url: '/api/rounds',
    payload: { name: '专项督查', submit: '专项报告', due: '2019-03-29', taskIds: [TASK] },
    count: (t) => events(t, 'round.opened'),
  },
  {
    name: '催办',
    person: SUPERVISOR,
    url: '/api/urges',
    payload: { taskId: TASK, unitId: 'fsjd', message: '请尽快报送', due: '2019-03-08' },
    count: (t) => events(t, 'urge.sent'),
  },
  {
    name: '交办事项',
    person: SUPERVISOR,
    url: '/api/manual-obligations',
    payload: { taskId: TASK, unitIds: ['fsjd'], label: '专题汇报', due: '2019-04-30' },
    count: (t) => events(t, 'obligation.added'),
  },
  {
    name: '申请办结',
    person: FS_CONTACT,
    url: `/api/assignments/${FS}/closure-requests`,
    payload: { text: '全部完成' },
    count: async (t) => Object.values(t.store.state.get().requests).filter((r) => r.kind === 'closure').length,
  },
];

const post = (t: TestApp, c: Creating, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url: c.url, payload: c.payload, headers }, c.person);

/** Each creating route on a store: twelve copies at once are one; a key replays; a reused key is refused. */
function contract(store: () => Promise<[TestApp, TestApp]>) {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await store();
  });
  afterAll(async () => {
    await a.close();
    if (b !== a) await b.close();
  });

  for (const c of CREATING)
    it(`${c.name}: 12 identical requests at once (half through each instance) create one, and all get its answer`, async () => {
      const before = await c.count(a);
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? b : a, c)));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
      expect(new Set(answers.map((r) => r.body)).size).toBe(1);
      expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(11);
      await expect.poll(() => c.count(b)).toBe(before + 1);
      expect(await c.count(a)).toBe(before + 1);
      a.later(60_000);
      b.later(60_000);
    });

  it('an Idempotency-Key replays its answer a day long on any instance; on another request it is refused', async () => {
    const c = CREATING[0]!;
    const key = { 'idempotency-key': 'act-7f3a9c21e0' };
    const before = await c.count(a);
    const first = await post(a, c, key);
    expect(first.statusCode).toBe(200);
    for (const t of [a, b]) t.later(3_600_000);
    const retry = await post(b, c, key);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(await c.count(a)).toBe(before + 1);
    const other = await a.inject(
      { method: 'POST', url: c.url, payload: { text: '另一份报告' }, headers: key },
      c.person,
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const bad = await a.inject(
      { method: 'POST', url: c.url, payload: c.payload, headers: { 'idempotency-key': 'x' } },
      c.person,
    );
    expect(bad.json().code).toBe('BAD_IDEMPOTENCY_KEY');
    // a new key is a new action
    for (const t of [a, b]) t.later(60_000);
    expect((await post(a, c, { 'idempotency-key': 'act-00000002' })).statusCode).toBe(200);
    await expect.poll(() => c.count(a)).toBe(before + 2);
  });

  it('a refusal is not kept: the same request, once it can succeed, goes through', async () => {
    const c: Creating = {
      name: '催办',
      person: SUPERVISOR,
      url: '/api/urges',
      payload: { taskId: TASK, unitId: 'nope', message: '请报送', due: '2019-03-08' },
      count: async () => 0,
    };
    const key = { 'idempotency-key': 'act-refused-1' };
    expect((await post(a, c, key)).statusCode).toBe(400);
    const again = await post(b, c, key);
    expect(again.statusCode).toBe(400);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
}

describe('creating requests are carried out once (embedded store)', () => {
  contract(async () => {
    const t = await seededApp();
    return [t, t];
  });
});

describe('creating requests are carried out once (two PostgreSQL instances)', () => {
  contract(async () => {
    const url = await freshSchema();
    const a = await seededApp({ store: (clock) => openPgStore(url, { clock }) });
    const b = await seededApp({ store: (clock) => openPgStore(url, { clock }) });
    return [a, b];
  });
});
