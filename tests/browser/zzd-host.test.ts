import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';

/** 浙政钉's iOS client: its webview names both TaurusApp and the DingTalk container it runs on. */
const ZZD_IOS_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/2.6.0) com.alibaba.gov.zwdd/2.6.0 TaurusApp/2.6.0 language/zh-Hans-CN';

/**
 * A stand-in for the native side of 浙政钉's bridge as gdt-jsapi speaks to it on iOS
 * (WebViewJavascriptBridge.callHandler, "taurus.common.<api>" for most calls): it records every
 * call and answers like the client. The 免登 code comes from the emulated 浙政钉 gateway, so the
 * server's exchange is the real one.
 */
function fakeTaurusBridge(code: string): string {
  return `
    window.__calls = [];
    window.WebViewJavascriptBridge = {
      init() {},
      registerHandler() {},
      callHandler(name, params, cb) {
        window.__calls.push({ name, params: JSON.parse(JSON.stringify(params || {})) });
        const ok = (result) => setTimeout(() => cb({ errorCode: '0', result }), 0);
        if (name === 'taurus.common.getAuthCode') return ok({ auth_code: ${JSON.stringify(code)}, expireTime: 300 });
        if (name === 'taurus.common.version') return ok({ version: '2.6.0' });
        return ok({});
      },
    };
  `;
}

describe('the mini-app inside 浙政钉 (gdt-jsapi; the bridge faked at the native boundary)', () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-07T09:00:00+08:00', { zzd: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('signs in with getAuthCode through the 浙政钉 exchange, without a tap, and sets native titles', async () => {
    const { code } = await live.emu.admin<{ code: string }>('POST', '/zzd/auth-codes', { userid: 'dt-fsjd-c' });
    const context = await browser.newContext({ ...PHONE, userAgent: ZZD_IOS_UA });
    await context.addInitScript(fakeTaurusBridge(code));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const dingtalkSignIn: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/auth/dingtalk')) dingtalkSignIn.push(r.url());
    });
    await page.goto(`${live.url}/app/#/my`);
    // 我的任务 of 府山街道's contact, signed in without a tap
    await page.locator('.summary .who', { hasText: '石刚' }).waitFor({ timeout: 20_000 });
    const calls = () =>
      page.evaluate('window.__calls') as Promise<Array<{ name: string; params: Record<string, unknown> }>>;
    // 免登: gdt-jsapi's getAuthCode (no clientId), then the server's 浙政钉 exchange
    const auth = (await calls()).find((c) => c.name === 'taurus.common.getAuthCode');
    expect(auth).toBeDefined();
    expect(auth!.params).not.toHaveProperty('clientId');
    expect(dingtalkSignIn).toEqual([]);
    const session = (await page.evaluate("JSON.parse(sessionStorage.getItem('dbt.session'))")) as {
      me: { id: string };
    };
    expect(session.me.id).toBe('p-fsjd-c');
    // the client draws the title bar: the page sets it natively instead of drawing its own
    expect(await page.locator('.nav').count()).toBe(0);
    await expect
      .poll(async () => (await calls()).filter((c) => c.name === 'biz.navigation.setTitle').map((c) => c.params.title))
      .toContain('我的任务');
    await page.screenshot({ path: `${ARTIFACTS}/zzd-host-my.png` });
    // the sign-in is recorded as through 浙政钉, for the official whose account it is
    const signedIn = [];
    for await (const e of live.t.store.ledger.read()) if (e.type === 'session.signedIn') signedIn.push(e);
    expect(signedIn.at(-1)).toMatchObject({ actor: { id: 'p-fsjd-c' }, payload: { how: 'zzd' } });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the console shows an official on 浙政钉 their 浙政钉 notice, no robot chat, and opens its link as a 浙政钉 user', async () => {
    // 府山街道's contact is on 浙政钉 only: the day's digest goes there
    await live.t.store.transact((d) => {
      const p = d.people.find((x) => x.id === 'p-fsjd-c')!;
      p.accounts = p.accounts.filter((a) => a.platform === 'zzd');
    });
    await live.sendReminders();
    const page = await browser.newPage(PHONE);
    const signIns: string[] = [];
    page.context().on('request', (r) => {
      if (r.url().includes('/api/auth/')) signIns.push(new URL(r.url()).pathname);
    });
    await page.goto(`${live.emu.url}/?userid=dt-fsjd-c&platform=zzd`);
    const card = page.locator('.card', { hasText: '督办提醒 · 11月7日' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.innerText()).toContain('督办通 · 浙政钉工作通知');
    expect(await card.innerText()).toContain('点下方按钮在督办通中签收、报送进展');
    expect(await page.locator('h1').innerText()).toContain('浙政钉模拟器');
    await page.screenshot({ path: `${ARTIFACTS}/console-zzd-notice.png`, fullPage: true });
    // seen on DingTalk, the same official has nothing (the digest went to 浙政钉)
    await page.locator('#platform').selectOption('dingtalk');
    await expect.poll(() => page.locator('.card', { hasText: '督办提醒' }).count()).toBe(0);
    await page.locator('#platform').selectOption('zzd');
    await page.locator('nav button[data-tab="chat"]').click();
    expect(await page.locator('main').innerText()).toContain('浙政钉没有机器人会话');
    expect(await page.locator('#composer').isHidden()).toBe(true);
    await page.locator('nav button[data-tab="notices"]').click();

    const popupPromise = page.waitForEvent('popup');
    await card.locator('button', { hasText: '打开督办通处理' }).click();
    const popup = await popupPromise;
    expect(new URL(popup.url()).searchParams.get('emulatorPlatform')).toBe('zzd');
    await popup.locator('.summary .who', { hasText: '石刚' }).waitFor({ timeout: 20_000 });
    expect(signIns).toContain('/api/auth/zzd');
    expect(signIns).not.toContain('/api/auth/dingtalk');
    await popup.screenshot({ path: `${ARTIFACTS}/console-zzd-open.png` });
    await page.close();
  });
});
