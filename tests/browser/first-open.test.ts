import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, PHONE } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';

/**
 * A first open from a notice, as its requests (#35 req 1): the 免登 exchange brings 我的任务 with
 * the session, so no API call waits for another after the scripts ran. Counted and ordered, not
 * timed.
 */
describe('the first open from a notice', () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-07T09:00:00+08:00');
    await live.sendReminders();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('one API round trip after the 免登 code: the session and 我的任务 together', async () => {
    const context = await browser.newContext(PHONE);
    const console = await context.newPage();
    await console.goto(`${live.emu.url}/?userid=dt-fsjd-c`);
    const card = console.locator('.card', { hasText: '督办提醒 · 11月7日' });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    const requests: string[] = [];
    context.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === live.url) requests.push(`${r.method()} ${u.pathname}`);
    });
    const [app] = await Promise.all([context.waitForEvent('page'), card.locator('[data-link]').first().click()]);
    await app.locator('.summary .who', { hasText: '石刚' }).waitFor({ timeout: 20_000 });
    await app.locator('.group-yellow').first().waitFor();
    const api = requests.filter((r) => r.includes(' /api/'));
    // the exchange is the first API call, and 我的任务 is not asked for again
    expect(api[0]).toBe('POST /api/auth/dingtalk');
    expect(api).not.toContain('GET /api/my/items');
    // what else the first page asks (health for the banner) does not wait for anything of ours
    expect(api.filter((r) => r !== 'POST /api/auth/dingtalk' && r !== 'GET /api/health')).toEqual([]);
    // a later load of the list asks the server as before
    await app.reload();
    await app.locator('.summary .who', { hasText: '石刚' }).waitFor({ timeout: 20_000 });
    expect(requests.filter((r) => r === 'GET /api/my/items')).toHaveLength(1);
    await context.close();
  });

  it('the 免登 exchange is sent while the app’s scripts are still on their way: nothing waits for them', async () => {
    const context = await browser.newContext(PHONE);
    const console = await context.newPage();
    await console.goto(`${live.emu.url}/?userid=dt-fsjd-c`);
    const card = console.locator('.card', { hasText: '督办提醒 · 11月7日' });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    const order: string[] = [];
    let sent!: () => void;
    const exchanged = new Promise<void>((resolve) => (sent = resolve));
    context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/dingtalk') {
        order.push('POST /api/auth/dingtalk');
        sent();
      }
    });
    // the app's entry script is held back until the exchange has been sent (a guard of 10 s, then it goes anyway)
    await context.route(/\/app\/assets\/index-[^/]+\.js$/, async (route) => {
      const first = await Promise.race([
        exchanged.then(() => 'after the exchange'),
        new Promise<string>((resolve) => setTimeout(() => resolve('before the exchange'), 10_000)),
      ]);
      order.push(`entry script, ${first}`);
      await route.continue();
    });
    const [app] = await Promise.all([context.waitForEvent('page'), card.locator('[data-link]').first().click()]);
    await app.locator('.group-yellow').first().waitFor({ timeout: 30_000 });
    expect(order).toEqual(['POST /api/auth/dingtalk', 'entry script, after the exchange']);
    // the page's policy lets that one inline script run, and no other
    const csp = (await app.request.get(`${live.url}/app/`)).headers()['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
    await context.close();
  });
});
