import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './seeds.js';

export const ARTIFACTS = `${ROOT}test-artifacts`;

/** Debian's Chromium, driven by playwright-core (no browser download). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`没有找到 Chromium(${executablePath}):apt-get install -y chromium,或用 CHROMIUM_PATH 指定`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

/** PC DingTalk's wide window. */
export const WIDE = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };

/**
 * Signs in through local mode's dev sign-in as the sample person found by `search`, in a fresh
 * context (phone-sized, or `wide`), and waits for their first page.
 */
export async function devSignIn(
  browser: Browser,
  appUrl: string,
  search: string,
  name: string,
  wide = false,
): Promise<Page> {
  const page = await (await browser.newContext(wide ? WIDE : PHONE)).newPage();
  page.setDefaultTimeout(8_000);
  await page.goto(`${appUrl}/app/#/my`);
  await page.locator('.adm-search-bar input').fill(search);
  await page.locator('.adm-list-item', { hasText: name }).locator('button').click();
  await page.locator('.summary .who', { hasText: name }).waitFor();
  return page;
}

/** Waits for an antd toast saying `text`. */
export const toast = (page: Page, text: string) => page.locator('.adm-toast-main', { hasText: text }).waitFor();
