import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, launchChromium, toast } from '../helpers/browser.js';
import { cityPlan, orgDeployment, type OrgDeployment } from '../helpers/org-deployment.js';

/** #38 in the browser: the admin enters a 镇街 on 组织管理, then switches to the district it is under. */
describe('组织管理, the organisation switch and 下级分解 (#38)', () => {
  let d: OrgDeployment;
  let browser: Browser;
  beforeAll(async () => {
    d = await orgDeployment();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('the city admin registers 华舍街道 under 柯桥区, sees it open, and switches to 柯桥区', async () => {
    const page = await devSignIn(browser, d.base, '周晓梅', '周晓梅');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${d.base}/app/#/orgs`);
    await page.locator('.org-tree .adm-list-item', { hasText: '上虞区' }).waitFor();
    await page.locator('.org-add input').nth(0).fill('huashe');
    await page.locator('.org-add input').nth(1).fill('华舍街道');
    await page.locator('.org-add select[aria-label="级别"]').selectOption('town');
    await page.locator('.org-add select[aria-label="上级组织"]').selectOption('keqiao');
    await page.locator('.org-add button', { hasText: '登记' }).click();
    await toast(page, '已登记 华舍街道');
    const row = page.locator('.org-tree .adm-list-item', { hasText: '华舍街道' });
    expect(await row.innerText()).toContain('已开通');
    expect(await row.innerText()).toContain('/o/huashe/app/');
    await page.screenshot({ path: `${ARTIFACTS}/orgs-admin.png`, fullPage: true });

    // 周晓梅's account is also in 柯桥区: the switch on her overview lists it and opens its pages
    await page.goto(`${d.base}/app/#/office`);
    const select = page.locator('.org-switch select');
    await select.waitFor({ timeout: 10_000 });
    expect(await select.locator('option').allInnerTexts()).toEqual(['绍兴市', '柯桥区', '华舍街道']);
    await page.screenshot({ path: `${ARTIFACTS}/orgs-switch.png` });
    await select.selectOption('keqiao');
    await page.waitForURL(`${d.base}/o/keqiao/app/`);
    // a session of its own there: the sign-in page of 柯桥区's people
    await page.locator('.adm-search-bar input').fill('周晓梅');
    await page.locator('.adm-list-item', { hasText: '周晓梅' }).locator('button').click();
    await page.locator('.summary .who', { hasText: '周晓梅' }).waitFor();
    expect(await page.locator('.org-switch select').inputValue()).toBe('keqiao');
    expect(errors).toEqual([]);
  });

  it("the city's task page shows how each district decomposed it (下级分解)", async () => {
    const planId = await cityPlan(d);
    // 柯桥区 decomposes its part to two units; 上虞区 has not yet
    const keqiao = d.host.core('keqiao')!.deps.store.state.get();
    const holder = keqiao.assignments.find(
      (a) => a.status === 'toDesignate' && keqiao.tasks.find((t) => t.id === a.taskId)?.number === 2,
    )!;
    const token = (
      (await (
        await fetch(`${d.base}/o/keqiao/api/auth/dev`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personId: 'p-dkb-s' }),
        })
      ).json()) as { token: string }
    ).token;
    const named = await fetch(`${d.base}/o/keqiao/api/assignments/${encodeURIComponent(holder.id)}/designate`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'designate-chain-1',
      },
      body: JSON.stringify({ unitIds: ['jxj', 'fgj'] }),
    });
    expect(named.status).toBe(200);
    const task = d.t.store.state.get().tasks.find((t) => t.planId === planId && t.number === 2)!;
    const page = await devSignIn(browser, d.base, '周晓梅', '周晓梅');
    await page.goto(`${d.base}/app/#/tasks/${encodeURIComponent(task.id)}`);
    const card = page.locator('.chain-card');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.locator('.adm-card-header').innerText()).toContain('下级分解(2 个组织)');
    const text = await card.innerText();
    expect(text).toMatch(/柯桥区\s*重点任务2/);
    expect(text).toContain('区经信局');
    expect(text).toContain('区发改局');
    expect(text).toMatch(/上虞区\s*重点任务2\s*待分解/);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/orgs-chain.png`, fullPage: true });
    // the city's overview lists its districts and how far each is
    await page.goto(`${d.base}/app/#/office`);
    const orgs = page.locator('.orgs-card');
    await orgs.waitFor({ timeout: 10_000 });
    expect(await orgs.locator('.adm-list-item', { hasText: '上虞区' }).innerText()).toContain('待分解 2');
    expect(await orgs.locator('.adm-list-item', { hasText: '柯桥区' }).innerText()).toContain('交办 2 项');
    await orgs.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/orgs-overview.png` });
  });
});
