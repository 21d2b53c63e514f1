import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import { photo, startLiveApp, type LiveApp } from '../helpers/live-app.js';

/** DingTalk's iOS webview says so in its user agent and exposes WebViewJavascriptBridge. */
const DINGTALK_IOS_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/7.6.10) com.laiwang.DingTalk/35960393 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK';

/**
 * A stand-in for the native side of DingTalk's JSAPI bridge (the protocol dingtalk-jsapi speaks on
 * iOS): it records every call and answers like the client would. The 免登 code comes from the
 * emulator, so the server's exchange is the real one.
 */
function fakeBridge(code: string, photo: string): string {
  return `
    window.__calls = [];
    window.WebViewJavascriptBridge = {
      init() {},
      registerHandler() {},
      callHandler(name, params, cb) {
        window.__calls.push({ name, params: JSON.parse(JSON.stringify(params)) });
        const ok = (result) => setTimeout(() => cb({ errorCode: '0', result }), 0);
        if (name === 'runtime.permission.requestAuthCode') return ok({ code: ${JSON.stringify(code)} });
        if (name === 'biz.util.chooseImage') return ok({ filePaths: ['dtfile://photo-1.jpg'], files: [{ path: 'dtfile://photo-1.jpg', size: 1234, fileType: 'jpg' }] });
        if (name === 'biz.util.uploadFile') {
          // the native client posts the local file as multipart, with the headers the page gave it
          const bytes = Uint8Array.from(atob(${JSON.stringify(photo)}), (c) => c.charCodeAt(0));
          const form = new FormData();
          form.append(params.fileName, new Blob([bytes], { type: 'image/png' }), 'photo-1.png');
          fetch(params.url, { method: 'POST', headers: params.header, body: form }).then(async (res) => ok({ statusCode: String(res.status), data: await res.text(), header: {} }));
          return;
        }
        return ok({});
      },
    };
  `;
}

describe('the mini-app inside DingTalk (JSAPI bridge faked at the native boundary)', () => {
  let live: LiveApp;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-07T09:00:00+08:00');
    url = live.url;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('signs in with requestAuthCode, sets native titles, and uploads a camera photo through uploadFile', async () => {
    const { code } = await live.emu.admin<{ code: string }>('POST', '/auth-codes', { userid: 'dt-fsjd-c' });
    const context = await browser.newContext({ ...PHONE, userAgent: DINGTALK_IOS_UA });
    await context.addInitScript(fakeBridge(code, (await photo(browser, '相机')).toString('base64')));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(
      `${url}/app/?corpId=ding-from-workbench#/tasks/yc-lqstg-2018.k1/act/yc-lqstg-2018.k1.fsjd?mode=report`,
    );
    await page.locator('textarea:not([aria-hidden])').waitFor({ timeout: 20_000 });
    const calls = () =>
      page.evaluate('window.__calls') as Promise<Array<{ name: string; params: Record<string, unknown> }>>;
    const auth = (await calls()).find((c) => c.name === 'runtime.permission.requestAuthCode')!;
    expect(auth.params).toMatchObject({ corpId: 'ding-from-workbench', clientId: 'test-client' });
    // DingTalk draws the title bar: the page sets it instead of drawing its own
    expect(await page.locator('.nav').count()).toBe(0);
    await expect
      .poll(async () => (await calls()).filter((c) => c.name === 'biz.navigation.setTitle').map((c) => c.params.title))
      .toContain('填报进展');

    await page.locator('button', { hasText: '拍照/相册' }).click();
    await page.locator('.file-done').waitFor({ timeout: 10_000 });
    await expect
      .poll(() =>
        page.locator('.file-done img').evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(240); // the server's thumbnail stands in for the native path
    const choose = (await calls()).find((c) => c.name === 'biz.util.chooseImage')!;
    expect(choose.params).toMatchObject({ sourceType: ['camera', 'album'] });
    const upload = (await calls()).find((c) => c.name === 'biz.util.uploadFile')!;
    expect(upload.params).toMatchObject({
      url: `${url}/api/evidence`,
      fileName: 'file',
      filePath: 'dtfile://photo-1.jpg',
    });
    expect(String((upload.params.header as { authorization: string }).authorization)).toMatch(/^Bearer /);
    await page.locator('textarea:not([aria-hidden])').fill('现场照片已上传');
    await page.screenshot({ path: `${ARTIFACTS}/dingtalk-host-report.png` });
    await page.locator('.submit-bar button').click();
    const report = page.locator('.tl-progress-reported').first();
    await report.waitFor({ timeout: 10_000 });
    expect(await report.innerText()).toContain('现场照片已上传');

    // tapping the photo opens DingTalk's native viewer with absolute URLs
    await report.locator('.thumbs img').click();
    const preview = (await calls()).find((c) => c.name === 'biz.util.previewImage')!;
    expect(String(preview.params.current)).toMatch(new RegExp(`^${url}/api/evidence/[0-9a-f]{64}\\?`));
    expect(errors).toEqual([]);
    await context.close();
  });
});
