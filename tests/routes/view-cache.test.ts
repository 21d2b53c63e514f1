import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../server/src/routes/view-cache.js';
import { listTasks } from '../../server/src/domain/plan/plan-queries.js';
import { canReadTask, viewerFor } from '../../server/src/auth/viewer.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** Read views are served from bytes cached per committed state: never stale, never another viewer's. */
describe('read views cached per state', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2018-11-05T10:00:00+08:00');
  });
  afterAll(() => t.close());

  const contacts = () =>
    t.store.state.get().people.filter((p) => p.roles.includes('contact') && p.unitIds.length === 1);

  it('each contact gets their own task list, equal to what the query computes, on the same state', async () => {
    const [a, b] = [contacts()[0]!, contacts().find((p) => p.unitIds[0] !== contacts()[0]!.unitIds[0])!];
    const s = t.store.state.get();
    for (const p of [a, b, a, b]) {
      const res = await t.inject('/api/tasks', p.id);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const v = viewerFor(s, p.id);
      const want = listTasks(s, { offset: 0, limit: 50 }, (id) => canReadTask(s, v, id));
      expect(res.json().items.map((x: { id: string }) => x.id)).toEqual(want.items.map((x) => x.id));
      expect(res.json().total).toBe(want.total);
    }
    expect((await t.inject('/api/tasks', a.id)).body).not.toBe((await t.inject('/api/tasks', b.id)).body);
  });

  it('a write is seen by the next read (a 签收 leaves 我的任务 at once), and a new day by its lights', async () => {
    const contact = contacts()[0]!;
    const before = (await t.inject('/api/my/items', contact.id)).json() as {
      today: string;
      items: Array<{ kind: string; assignmentId: string }>;
    };
    const ack = before.items.find((i) => i.kind === 'acknowledge')!;
    expect(ack).toBeDefined();
    const r = await t.inject({ method: 'POST', url: `/api/assignments/${ack.assignmentId}/acknowledge` }, contact.id);
    expect(r.statusCode).toBe(200);
    const after = (await t.inject('/api/my/items', contact.id)).json() as typeof before;
    expect(after.items.filter((i) => i.kind === 'acknowledge' && i.assignmentId === ack.assignmentId)).toEqual([]);
    t.deps.clock.set('2018-11-06T10:00:00+08:00');
    expect(((await t.inject('/api/my/items', contact.id)).json() as typeof before).today).toBe('2018-11-06');
  });

  it('a refusal is not cached: the same request by someone allowed succeeds', async () => {
    const contact = contacts()[0]!;
    const s = t.store.state.get();
    const other = s.tasks.find((k) => k.kind === 'key' && !canReadTask(s, viewerFor(s, contact.id), k.id))!;
    expect((await t.inject(`/api/tasks/${other.id}`, contact.id)).statusCode).toBe(403);
    expect((await t.inject(`/api/tasks/${other.id}`)).statusCode).toBe(200);
    expect((await t.inject(`/api/tasks/${other.id}`, contact.id)).statusCode).toBe(403);
  });

  it('a large view goes compressed to a client that accepts it (brotli, else gzip), the same JSON once decoded', async () => {
    const url = '/api/tasks?kind=key';
    const plain = await t.inject(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.rawPayload.length).toBeGreaterThan(50_000);
    const asked = (accept: string) => t.inject({ method: 'GET', url, headers: { 'accept-encoding': accept } });
    const br = await asked('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    const gzip = await asked('gzip;q=1.0, br;q=0');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect((await asked('identity')).headers['content-encoding']).toBeUndefined();
    // a small view is not worth compressing
    const me = await t.inject({ method: 'GET', url: '/api/me', headers: { 'accept-encoding': 'br' } });
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(me.json().id).toBeDefined();
  });

  it('reads Accept-Encoding as RFC 9110 says: q=0 refuses, * stands for the rest', () => {
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('')).toBeUndefined();
    expect(chooseEncoding('br')).toBe('br');
    expect(chooseEncoding('GZIP')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0')).toBeUndefined();
    expect(chooseEncoding('deflate, identity')).toBeUndefined();
  });
});
