import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSet } from '../../server/src/channels/channel-set.js';
import { channelFor, zzdChannelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

// 浙政钉's 免登: the page's gdt-jsapi getAuthCode code, exchanged at the emulated gateway for an accountId
describe('POST /api/auth/zzd', () => {
  let emu: RunningEmulator;
  let t: TestApp;
  beforeAll(async () => {
    emu = await startEmulator();
    const dingtalk = channelFor(emu);
    const channels = new ChannelSet([dingtalk, zzdChannelFor(emu)]);
    t = await seededApp({ channel: dingtalk, channels });
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });
  const code = async (userid: string) =>
    (await emu.admin<{ code: string }>('POST', '/zzd/auth-codes', { userid })).code;
  const exchange = (c: string) => t.inject({ method: 'POST', url: '/api/auth/zzd', payload: { code: c } }, null);

  it('signs in the person whose 浙政钉 account it is; the code is used once; a stranger is refused', async () => {
    const res = await exchange(await code('dt-fsjd-c'));
    expect(res.statusCode).toBe(200);
    expect(res.json().me).toMatchObject({ id: 'p-fsjd-c', units: [{ id: 'fsjd', name: '府山街道' }] });
    const events = [];
    for await (const e of t.store.ledger.read()) if (e.type === 'session.signedIn') events.push(e);
    expect(events.at(-1)).toMatchObject({ actor: { id: 'p-fsjd-c' }, payload: { how: 'zzd' } });

    const c = await code('dt-sfj-c');
    expect((await exchange(c)).statusCode).toBe(200);
    const again = await exchange(c);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'AUTH_CODE_INVALID' });

    // a 浙政钉 user 督办通's directory does not know
    await t.store.transact((d) => {
      const p = d.people.find((x) => x.id === 'p-qfb-c')!;
      p.accounts = p.accounts.filter((a) => a.platform !== 'zzd');
    });
    const stranger = await exchange(await code('dt-qfb-c'));
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().message).toContain('没有您的账号');
  });

  it('says so when 浙政钉 is not configured', async () => {
    const plain = await seededApp();
    try {
      const res = await plain.inject({ method: 'POST', url: '/api/auth/zzd', payload: { code: 'x' } }, null);
      expect(res.statusCode).toBe(503);
      expect(res.json().message).toContain('浙政钉连接未配置');
    } finally {
      await plain.close();
    }
  });
});
