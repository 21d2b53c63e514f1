import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from '../helpers/browser.js';
import { MINIAPP_DIST } from '../helpers/seeds.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('every HTML answer carries a Content-Security-Policy (#33 req 12)', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await seededApp({ appDir: MINIAPP_DIST });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t.close());

  it('the mini-app, the API docs and anything else HTML: a policy, none upgrading plain HTTP', async () => {
    for (const path of ['/app/', '/docs', '/docs/']) {
      const res = await fetch(`${url}${path}`);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/frame-ancestors 'self'/);
      expect(csp, path).not.toContain('upgrade-insecure-requests');
    }
  });

  it('the printable annual report keeps its own styles under the default policy', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${t.token()}` });
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      const res = await page.goto(`${url}/api/reports/annual?year=2018&unitId=fsjd`);
      expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
      expect(violations.join('\n')).toBe('');
      await page.screenshot({ path: `${ARTIFACTS}/annual-report-csp.png` });
    } finally {
      await browser.close();
    }
  });

  it('the API docs still render in a browser under their policy (no violation reported)', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${url}/docs`);
      await page.getByText('督办通 API').first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `${ARTIFACTS}/docs-csp.png` });
      expect(violations.join('\n')).toBe('');
    } finally {
      await browser.close();
    }
  });
});
