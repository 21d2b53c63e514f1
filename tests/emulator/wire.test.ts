import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';

// Response bodies of many shapes, inspected field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

describe('emulator wire behaviour (both API styles)', () => {
  let emu: RunningEmulator;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterEach(async () => {
    await emu.admin('POST', '/reset');
  });
  afterAll(async () => emu.close());

  const get = async (path: string): Promise<{ status: number; type: string; body: Loose }> => {
    const res = await fetch(`${emu.url}${path}`);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
    };
  };
  const post = async (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; type: string; body: Loose }> => {
    const res = await fetch(`${emu.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
    };
  };
  const freshToken = async () =>
    (await get(`/gettoken?appkey=${emu.appKey}&appsecret=${emu.appSecret}`)).body.access_token as string;
  const send = (userids: string[], content: string, t?: string) =>
    post(`/topapi/message/corpconversation/asyncsend_v2?access_token=${t ?? token}`, {
      agent_id: 3001001,
      userid_list: userids.join(','),
      msg: { msgtype: 'text', text: { content } },
    });

  beforeAll(async () => {
    token = await freshToken();
  });

  it('old-style token: same token while valid, 40096 for bad keys, 40035 without them, 43001 for POST', async () => {
    expect(await freshToken()).toBe(token);
    expect((await get(`/gettoken?appkey=${emu.appKey}&appsecret=nope`)).body).toMatchObject({
      errcode: 40096,
      errmsg: '不合法的appKey或appSecret',
    });
    expect((await get('/gettoken')).body).toMatchObject({ errcode: 40035 });
    expect((await post('/gettoken', {})).body).toMatchObject({ errcode: 43001 });
  });

  it('/topapi without or with a bad token is HTTP 200 with errcode 88 (sub_code 40000 / 40014)', async () => {
    const none = await post('/topapi/v2/user/get', { userid: 'dt-qfb-c' });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ errcode: 88, sub_code: '40000', sub_msg: 'access_token is blank' });
    expect((await post('/topapi/v2/user/get?access_token=bad', { userid: 'dt-qfb-c' })).body).toMatchObject({
      errcode: 88,
      sub_code: '40014',
      sub_msg: '不合法的access_token',
    });
    expect((await post(`/topapi/v2/user/notexist?access_token=${token}`, {})).body).toMatchObject({
      errcode: 22,
      sub_msg: expect.stringContaining('dingtalk.oapi.v2.user.notexist'),
    });
    expect((await get(`/topapi/v2/user/get?access_token=${token}`)).body).toMatchObject({ errcode: 43002 });
  });

  it('/v1.0 without the header or with a bad token is HTTP 400 with a code', async () => {
    expect(await post('/v1.0/robot/oToMessages/batchSend', {})).toMatchObject({
      status: 400,
      body: { code: 'AuthenticationFailed.MissingParameter' },
    });
    expect(await post('/v1.0/robot/oToMessages/batchSend', {}, { 'x-acs-dingtalk-access-token': 'bad' })).toMatchObject(
      { status: 400, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } },
    );
  });

  it('accepts a form body with msg as a JSON string and access_token in the form', async () => {
    const form = new URLSearchParams({
      access_token: token,
      agent_id: '3001001',
      userid_list: 'dt-qfb-c',
      msg: JSON.stringify({ msgtype: 'text', text: { content: '表单提交' } }),
    });
    const res = await fetch(`${emu.url}/topapi/message/corpconversation/asyncsend_v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(await res.json()).toMatchObject({ errcode: 0, task_id: expect.any(Number) });
  });

  it('work notices: the 100-userid cap, and quota and duplicate drops visible only through getsendresult', async () => {
    expect(
      (
        await send(
          Array.from({ length: 101 }, (_, i) => `u${i}`),
          'x',
        )
      ).body,
    ).toMatchObject({ errcode: 40035 });
    await emu.admin('PUT', '/settings', { dailyQuotaPerUser: 2 });
    const results = [];
    for (const content of ['一', '二', '一', '三']) results.push(await send(['dt-qfb-c'], content));
    expect(results.map((r) => r.body.errcode)).toEqual([0, 0, 0, 0]);
    const codes = [];
    for (const r of results) {
      const res = await post(`/topapi/message/corpconversation/getsendresult?access_token=${token}`, {
        agent_id: 3001001,
        task_id: r.body.task_id,
      });
      codes.push(res.body.send_result.forbidden_list.map((f: { code: string }) => f.code));
    }
    expect(codes).toEqual([[], [], ['143106'], ['143105']]);
    expect(
      (
        await post(`/topapi/message/corpconversation/getsendprogress?access_token=${token}`, {
          agent_id: 3001001,
          task_id: results[0]!.body.task_id,
        })
      ).body.progress,
    ).toEqual({ progress_in_percent: 100, status: 2 });
  });

  it('recall works within 24 h, not after; results expire after 24 h', async () => {
    const a = await send(['dt-qfb-c'], '撤回我');
    expect(
      (
        await post(`/topapi/message/corpconversation/recall?access_token=${token}`, {
          agent_id: 3001001,
          msg_task_id: a.body.task_id,
        })
      ).body,
    ).toMatchObject({ errcode: 0 });
    const inbox = await emu.admin<{ items: Array<{ recalled: boolean }> }>('GET', '/messages?userid=dt-qfb-c');
    expect(inbox.items[0]!.recalled).toBe(true);
    const b = await send(['dt-qfb-c'], '太晚了');
    await emu.admin('POST', '/clock', { advanceMs: 25 * 3600_000 });
    const t2 = await freshToken();
    expect(
      (
        await post(`/topapi/message/corpconversation/recall?access_token=${t2}`, {
          agent_id: 3001001,
          msg_task_id: b.body.task_id,
        })
      ).body,
    ).toMatchObject({ errcode: 400002 });
    expect(
      (
        await post(`/topapi/message/corpconversation/getsendresult?access_token=${t2}`, {
          agent_id: 3001001,
          task_id: b.body.task_id,
        })
      ).body,
    ).toMatchObject({ errcode: 40035 });
    expect(t2).not.toBe(token); // the old token expired after 7200 s
    await emu.admin('POST', '/clock', { advanceMs: -25 * 3600_000 });
    token = await freshToken();
  });

  it('auth codes are single use and expire after 5 minutes', async () => {
    const { code } = await emu.admin<{ code: string }>('POST', '/auth-codes', { userid: 'dt-qfb-c' });
    await emu.admin('POST', '/clock', { advanceMs: 301_000 });
    expect((await post(`/topapi/v2/user/getuserinfo?access_token=${await freshToken()}`, { code })).body).toMatchObject(
      { errcode: 40078 },
    );
    await emu.admin('POST', '/clock', { advanceMs: -301_000 });
    token = await freshToken();
  });

  it('contacts page with a cursor, and refuse sizes over 100', async () => {
    const dept = emu.state.org.departments.find((d) => d.unitId === 'qzf')!.dept_id;
    const first = await post(`/topapi/user/listsimple?access_token=${token}`, { dept_id: dept, cursor: 0, size: 1 });
    expect(first.body.result).toMatchObject({ has_more: true, next_cursor: 1, list: [{ userid: 'dt-qzf-l1' }] });
    const second = await post(`/topapi/user/listsimple?access_token=${token}`, { dept_id: dept, cursor: 1, size: 1 });
    expect(second.body.result).toMatchObject({ has_more: false, list: [{ userid: 'dt-qzf-l2' }] });
    expect(
      (await post(`/topapi/v2/user/list?access_token=${token}`, { dept_id: dept, cursor: 0, size: 101 })).body,
    ).toMatchObject({ errcode: 40069 });
    expect((await post(`/topapi/v2/user/get?access_token=${token}`, { userid: 'nobody' })).body).toMatchObject({
      errcode: 33012,
    });
    expect((await post(`/topapi/v2/department/listsub?access_token=${token}`, { dept_id: 99999 })).body).toMatchObject({
      errcode: 60003,
    });
  });

  it('media upload checks the type, the extension and the size', async () => {
    const upload = async (type: string, name: string, bytes: number) => {
      const form = new FormData();
      form.append('type', type);
      form.append('media', new Blob([new Uint8Array(bytes)]), name);
      return (await (
        await fetch(`${emu.url}/media/upload?access_token=${token}`, { method: 'POST', body: form })
      ).json()) as Loose;
    };
    expect(await upload('image', 'a.png', 100)).toMatchObject({
      errcode: 0,
      type: 'image',
      media_id: expect.stringMatching(/^@/),
    });
    expect(await upload('sticker', 'a.png', 100)).toMatchObject({ errcode: 40004 });
    expect(await upload('image', 'a.exe', 100)).toMatchObject({ errcode: 40005 });
    expect(await upload('voice', 'a.mp3', 2 * 1024 * 1024 + 1)).toMatchObject({ errcode: 40006 });
  });

  it('limits QPS per app per API: 90018 on the old API, 403 QpsLimit on the new', async () => {
    await emu.admin('PUT', '/settings', { qps: 1 });
    const old = await Promise.all(
      Array.from({ length: 5 }, () => post(`/topapi/v2/user/get?access_token=${token}`, { userid: 'dt-qfb-c' })),
    );
    expect(old.filter((r) => r.body.errcode === 90018).length).toBeGreaterThanOrEqual(3);
    const headers = { 'x-acs-dingtalk-access-token': token };
    const body = { robotCode: emu.appKey, userIds: ['dt-qfb-c'], msgKey: 'sampleText', msgParam: '{"content":"x"}' };
    const fresh = await Promise.all(
      Array.from({ length: 5 }, () => post('/v1.0/robot/oToMessages/batchSend', body, headers)),
    );
    expect(
      fresh.filter((r) => r.status === 403 && r.body.code === 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('injects faults: an HTML block page and 5xx at a configured rate', async () => {
    await emu.admin('PUT', '/faults', { htmlBlock: true });
    const blocked = await post(`/topapi/v2/user/get?access_token=${token}`, { userid: 'dt-qfb-c' });
    expect(blocked.status).toBe(403);
    expect(blocked.type).toContain('text/html');
    await emu.admin('PUT', '/faults', { htmlBlock: false, errorRate: 1 });
    expect((await post(`/topapi/v2/user/get?access_token=${token}`, { userid: 'dt-qfb-c' })).status).toBe(500);
  });

  it('Stream tickets are single use; a bad ticket cannot connect', async () => {
    const open = await post('/v1.0/gateway/connections/open', {
      clientId: emu.appKey,
      clientSecret: emu.appSecret,
      subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }],
    });
    expect(open.body.endpoint).toBe(`ws://127.0.0.1:${emu.port}/connect`);
    const connect = (ticket: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${open.body.endpoint}?ticket=${ticket}`);
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
        ws.on('error', () => resolve('error'));
      });
    expect(await connect(open.body.ticket)).toBe('open');
    expect(await connect(open.body.ticket)).toBe('http 401');
    expect(await connect('made-up')).toBe('http 401');
    expect(
      (await post('/v1.0/gateway/connections/open', { clientId: emu.appKey, clientSecret: 'x', subscriptions: [] }))
        .body,
    ).toMatchObject({ code: 'invalidClientIdOrSecret' });
  });
});

describe('the emulator refuses writes from other web pages', () => {
  it('a form POST from another origin cannot mint a 免登 code; the console (same origin) and SDKs (no Origin) can', async () => {
    const emu = await startEmulator();
    try {
      const mint = (headers: Record<string, string>) =>
        fetch(`${emu.url}/__emulator/auth-codes`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: 'userid=dt-dkb-s1',
        });
      const evil = await mint({ origin: 'http://evil.example' });
      expect(evil.status).toBe(403);
      expect(((await evil.json()) as { message: string }).message).toContain('跨站请求已拒绝');
      expect((await mint({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect((await mint({ origin: emu.url })).status).toBe(200);
      expect((await mint({})).status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
