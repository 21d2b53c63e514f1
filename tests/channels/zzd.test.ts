import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySignature, gatewayStringToSign, ZZD_APP, zzdAccountId } from '../../emulator/src/zzd/gateway.js';
import { ChannelError } from '../../server/src/channels/channel.js';
import { signature, signedHeaders, stringToSign, type SignedRequest } from '../../server/src/channels/zzd/signing.js';
import { ZzdClient } from '../../server/src/channels/zzd/zzd-client.js';
import { fitMessage, noticeMsg } from '../../server/src/channels/shared/notice-msg.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';

type Inbox = { items: Array<{ kind: string; platform?: string; msg: { text?: { content: string } } }> };

describe('浙政钉 request signing', () => {
  const ts = '2024-01-01T12:00:00.000+08:00';
  const nonce = '17040816000001234';

  it('gives the reference vectors', () => {
    expect(
      signature('zzdSecret', {
        method: 'GET',
        path: '/gettoken.json',
        params: [
          ['appkey', 'ak'],
          ['appsecret', 'zzdSecret'],
        ],
        timestamp: ts,
        nonce,
      }),
    ).toBe('lGID7HM7Ij3iWb8Jp5TFT1C5blKcIshsDu9/wgeXl6k=');
    const post: SignedRequest = {
      method: 'POST',
      path: '/message/workNotification',
      params: [
        ['receiverIds', 'u1,u2'],
        ['tenantId', '196729'],
        ['bizMsgId', 'b-001'],
        ['msg', '{"msgtype":"text","text":{"content":"hi"}}'],
      ],
      timestamp: ts,
      nonce,
    };
    expect(signature('zzdSecret', post)).toBe('pANBKzFTv+0ZTngb+jFK47Akffo63yUATs+msS/7zv4=');
    // no params: no trailing line; empty values skipped; keys sorted ignoring case; a repeated key's values sorted
    expect(stringToSign({ method: 'GET', path: '/x', params: [['a', '']], timestamp: ts, nonce })).toBe(
      `GET\n${ts}\n${nonce}\n/x`,
    );
    expect(
      stringToSign({
        method: 'GET',
        path: '/x',
        params: [
          ['b', '2'],
          ['A', '1'],
          ['b', '1'],
        ],
        timestamp: ts,
        nonce,
      })
        .split('\n')
        .at(-1),
    ).toBe('A=1&b=1&b=2');
  });

  it('agrees with the emulated gateway on 1,000 random requests (Unicode, empty values, repeated and mixed-case keys)', () => {
    const rng = seededRandom(testSeed(20240101));
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
    const chars = [
      'a',
      'B',
      'z',
      'Z',
      '0',
      '9',
      '_',
      '-',
      '.',
      ' ',
      '=',
      '&',
      '督',
      '办',
      '通',
      '😀',
      'é',
      'İ',
      'ß',
      '',
    ];
    const word = (max: number) => Array.from({ length: rng.int(0, max) }, () => pick(chars)).join('');
    for (let i = 0; i < 1000; i += 1) {
      const keys = Array.from({ length: rng.int(1, 4) }, () => word(6) || 'k');
      const params: Array<[string, string]> = Array.from({ length: rng.int(0, 8) }, () => [
        pick([...keys, word(3)]),
        rng.next() < 0.15 ? '' : word(10),
      ]);
      const r: SignedRequest = {
        method: pick(['GET', 'POST'] as const),
        path: pick(['/gettoken.json', '/message/workNotification', '/rpc/oauth2/dingtalk_app_user.json']),
        params,
        timestamp: ts,
        nonce: String(rng.int(1, 1e9)),
      };
      const secret = word(20) || 's';
      const gateway = gatewaySignature(secret, gatewayStringToSign(r.method, r.path, params, r.timestamp, r.nonce));
      expect({ i, seed: rng.seed, sig: signature(secret, r) }).toEqual({ i, seed: rng.seed, sig: gateway });
    }
  });
});

describe('the 浙政钉 client against the emulated gateway', () => {
  let emu: RunningEmulator;
  const now = new Date('2024-03-04T09:00:00+08:00');
  const client = (o: Partial<ConstructorParameters<typeof ZzdClient>[0]> = {}) =>
    new ZzdClient({
      appKey: ZZD_APP.appKey,
      appSecret: ZZD_APP.appSecret,
      tenantId: ZZD_APP.tenantId,
      apiBase: `${emu.url}/zzd`,
      ...o,
    });
  const inbox = (userid: string) => emu.admin<Inbox>('GET', `/messages?userid=${userid}`);
  beforeAll(async () => {
    emu = await startEmulator();
    await emu.admin('POST', '/clock', { at: now.toISOString() });
  });
  afterAll(async () => emu.close());

  it('lists the 浙政钉 app, sends a work notification exactly once by bizMsgId, and refreshes an expired token', async () => {
    expect(await emu.admin('GET', '/apps')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          platform: 'zzd',
          appKey: ZZD_APP.appKey,
          appSecret: ZZD_APP.appSecret,
          tenantId: ZZD_APP.tenantId,
        }),
      ]),
    );
    const c = client();
    const to = [zzdAccountId('dt-fzb-c'), zzdAccountId('dt-sfj-c')];
    const msg = { msgtype: 'text', text: { content: '督办提醒 · 3月4日' } };
    expect(
      await c.workNotification({ bizMsgId: 'notice:digest:p-fzb-c:2024-03-04', receiverIds: to, msg }),
    ).toMatchObject({ duplicate: false, msgId: expect.stringMatching(/^zzd-/) });
    // a retry after a lost answer: 重复, counted as delivered, nothing sent twice
    expect(await c.workNotification({ bizMsgId: 'notice:digest:p-fzb-c:2024-03-04', receiverIds: to, msg })).toEqual({
      duplicate: true,
    });
    const fzb = (await inbox('dt-fzb-c')).items.filter((i) => i.platform === 'zzd');
    expect(fzb).toHaveLength(1);
    expect(fzb[0]!.msg.text?.content).toBe('督办提醒 · 3月4日');
    expect((await inbox('dt-sfj-c')).items.filter((i) => i.platform === 'zzd')).toHaveLength(1);
    // the token expires on the gateway: the client fetches a new one and the call goes through
    await emu.admin('PUT', '/zzd/settings', { tokenTtlSeconds: 0 });
    const fresh = client();
    await expect(fresh.workNotification({ bizMsgId: 'b-2', receiverIds: to, msg })).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await emu.admin('PUT', '/zzd/settings', { tokenTtlSeconds: 7200 });
    expect(await fresh.workNotification({ bizMsgId: 'b-2', receiverIds: to, msg })).toMatchObject({ duplicate: false });
  });

  it('refuses a wrong secret, a skewed clock and a replayed nonce with the gateway error shape', async () => {
    await expect(
      client({ appSecret: 'wrong' }).workNotification({
        bizMsgId: 'x1',
        receiverIds: ['1'],
        msg: { msgtype: 'text', text: { content: 'x' } },
      }),
    ).rejects.toMatchObject({ code: 'ZZD_CREDENTIALS', retryable: false });
    const skewed = client({ now: () => new Date(Date.now() + 10 * 60_000) });
    await expect(
      skewed.workNotification({ bizMsgId: 'x2', receiverIds: ['1'], msg: { msgtype: 'text', text: { content: 'x' } } }),
    ).rejects.toMatchObject({ code: 'ZZD_CLOCK' });
    const params: Array<[string, string]> = [
      ['appkey', ZZD_APP.appKey],
      ['appsecret', ZZD_APP.appSecret],
    ];
    const headers = signedHeaders(
      ZZD_APP.appKey,
      ZZD_APP.appSecret,
      { method: 'GET', path: '/gettoken.json', params },
      new Date(),
    );
    const url = `${emu.url}/zzd/gettoken.json?${new URLSearchParams(params).toString()}`;
    expect((await fetch(url, { headers })).status).toBe(200);
    const replay = await fetch(url, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({
      success: false,
      Code: 'InvalidNonce',
      Message: expect.stringContaining('重放'),
      _RequestId: expect.any(String),
    });
    await expect(
      client().workNotification({
        bizMsgId: 'x3',
        receiverIds: Array.from({ length: 1001 }, (_, i) => String(i)),
        msg: {},
      }),
    ).rejects.toBeInstanceOf(ChannelError);
  });

  it('checks a signature against the real time, as the gateway does: moving the simulated clock refuses nothing', async () => {
    await emu.admin('POST', '/clock', { advanceMs: 400 * 86_400_000 });
    const to = [zzdAccountId('dt-fzb-c')];
    const msg = { msgtype: 'text', text: { content: '一年后' } };
    expect(await client().workNotification({ bizMsgId: 'later-1', receiverIds: to, msg })).toMatchObject({
      duplicate: false,
    });
    await emu.admin('POST', '/clock', { at: now.toISOString() });
  });

  it('turns a 免登 code into the person’s accountId, once', async () => {
    const { code, accountId } = await emu.admin<{ code: string; accountId: string }>('POST', '/zzd/auth-codes', {
      userid: 'dt-fzb-c',
    });
    const c = client();
    expect(await c.userByAuthCode(code)).toEqual({ accountId, name: '吴超' });
    await expect(c.userByAuthCode(code)).rejects.toMatchObject({ code: 'AUTH_CODE_INVALID', retryable: false });
  });
});

describe('浙政钉 nonces', () => {
  it('never repeat within one millisecond (a repeat is refused as a replay)', async () => {
    const { gatewayNonce } = await import('../../server/src/channels/zzd/signing.js');
    const at = new Date('2024-03-04T09:00:00+08:00');
    const nonces = Array.from({ length: 10_000 }, () => gatewayNonce(at));
    expect(new Set(nonces).size).toBe(10_000);
  });
});

describe('the 浙政钉 channel', () => {
  it('cuts a message to the gateway’s 2,048 bytes by whole lines, saying the rest is in 督办通, and keeps the buttons', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1}. **重点任务${i + 1}** 某项工作 — 签收,11月8日截止`);
    const message = {
      kind: 'actionCard' as const,
      title: '督办提醒 · 11月1日',
      markdown: lines.join('\n'),
      buttons: [{ title: '打开督办通', url: 'http://127.0.0.1:3000/app/' }],
    };
    const fitted = fitMessage(message, 2048);
    expect(fitted.kind).toBe('actionCard');
    const json = JSON.stringify(noticeMsg(fitted));
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(2048);
    expect(Buffer.byteLength(json)).toBeGreaterThan(1800);
    const text = fitted.kind === 'actionCard' ? fitted.markdown : '';
    expect(text.startsWith(lines.slice(0, 10).join('\n'))).toBe(true);
    expect(text.endsWith('……(完整内容请在督办通中查看)')).toBe(true);
    expect(fitted.kind === 'actionCard' && fitted.buttons).toEqual(message.buttons);
    // what fits is left alone
    expect(fitMessage({ kind: 'text', text: '短消息' }, 2048)).toEqual({ kind: 'text', text: '短消息' });
  });
});
