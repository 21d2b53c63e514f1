import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PHONE } from '../helpers/browser.js';
import { startLiveApp, type LiveApp } from '../helpers/live-app.js';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

const A = 'yc-lqstg-2018.k1.fsjd';
const TEXT = 'textarea:not([aria-hidden])';

describe('填报进展 and 申请延期 name their item (#10 requirement 2)', () => {
  let live: LiveApp;
  let browser: Browser;
  beforeAll(async () => {
    live = await startLiveApp('2018-11-01T10:00:00+08:00'); // the 专项工作计划 is due 11-20, its reminder opens later
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const signIn = async (): Promise<Page> => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${live.url}/app/#/my`);
    await page.locator('.adm-search-bar input').fill('府山街道');
    await page.locator('.adm-list-item', { hasText: '石刚' }).locator('button').click();
    await page.locator('.summary .who', { hasText: '石刚' }).waitFor();
    return page;
  };

  it('a report picks its item (the period’s item or 一般进展 preselected, the words’ item as one types); a 延期 picks its item, opens at its due date and can be withdrawn', async () => {
    const page = await signIn();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${live.url}/app/#/tasks/yc-lqstg-2018.k1/act/${A}?mode=report`);
    const options = page.locator('.adm-selector-item');
    await options.first().waitFor();
    const labels = await options.allInnerTexts();
    // on 1 November nothing has opened yet: a note is a free 进展 (一般进展) unless it names an item (#31 req 2)
    expect(labels.length).toBeGreaterThan(2);
    expect(labels.at(-1)).toContain('一般进展');
    expect(labels[0]).toContain('尚未开始');
    expect(await page.locator('.adm-selector-item-active').innerText()).toBe(labels.at(-1));
    await page.screenshot({ path: `${ARTIFACTS}/act-report-picker.png`, fullPage: true });
    // words that name the 年末 report select it as one types (the rule the server applies)
    await page.locator(TEXT).fill('年末自评报告已起草');
    await expect.poll(() => page.locator('.adm-selector-item-active').innerText()).toContain('年末自评报告');
    const chosen = (await page.locator('.adm-selector-item-active').innerText()).split('\n')[0]!;
    await page.locator('.submit-bar button').click();
    await page.locator('.adm-toast-main', { hasText: `已报送:${chosen}` }).waitFor();
    const fulfilled = storedObligations(live.t.store.state.get()).filter(
      (o) => o.assignmentId === A && o.status === 'fulfilled' && o.action === 'report',
    );
    expect(fulfilled.map((o) => o.label)).toEqual([chosen]);
    // back on the task page each record shows its 台账 number (what a 通报 cites)
    await page
      .locator('.tl-meta', { hasText: /台账 #\d+/ })
      .first()
      .waitFor();

    // 申请延期: the only item left (the 专项工作计划) is preselected — with several and no task deadline this
    // year none is guessed (tests/routes/miniapp-api); the date picker opens after its due date, bounded by the plan's end
    await page.goto(`${live.url}/app/#/tasks/yc-lqstg-2018.k1/act/${A}?mode=extension`);
    await page.locator('.adm-selector-item').first().waitFor();
    expect(await page.locator('.adm-selector-item').count()).toBe(1);
    const item = (await page.locator('.adm-selector-item-active').innerText()).split('\n');
    expect(item[1]).toMatch(/^现截止 \d{4}-\d{2}-\d{2}$/);
    expect(await page.locator('.adm-form-item', { hasText: '延期至' }).innerText()).toContain('最晚 2022-12-31');
    await page.locator('.adm-form-item', { hasText: '延期至' }).locator('.adm-list-item-content').click();
    await page.locator('.adm-picker-header-button', { hasText: '确定' }).click();
    const due = item[1]!.slice(4);
    const dayAfter = new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await expect.poll(() => page.locator('.adm-form-item', { hasText: '延期至' }).innerText()).toContain(dayAfter);
    await page.locator(TEXT).fill('等待上级文件');
    await page.locator('.submit-bar button').click();
    await page.locator('.adm-toast-main', { hasText: '申请已提交' }).waitFor();
    const request = Object.values(live.t.store.state.get().requests).find(
      (r) => r.assignmentId === A && r.kind !== 'report',
    )!; // the 年末自评报告 filed above waits for review too
    expect(request).toMatchObject({ kind: 'extension', state: 'pending', until: dayAfter, previousDue: due });

    // back on the page the pending request is shown and can be withdrawn; submitting another is blocked
    await page.goto(`${live.url}/app/#/tasks/yc-lqstg-2018.k1/act/${A}?mode=closure`);
    const notice = page.locator('.adm-notice-bar', { hasText: '待督考办审核' });
    await notice.waitFor();
    expect(await page.locator('.submit-bar button').isDisabled()).toBe(true);
    await expect.poll(() => page.locator('.adm-toast-mask').count(), { timeout: 10_000 }).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/act-pending-request.png`, fullPage: true });
    await notice.locator('button', { hasText: '撤回' }).click();
    await page
      .locator('.adm-dialog-button')
      .filter({ hasText: /^撤回$/ })
      .click();
    await notice.waitFor({ state: 'detached' });
    expect(live.t.store.state.get().requests[request.id]?.state).toBe('withdrawn');

    // a file the server refuses by type offers no 重试 (trying again cannot help)
    await page.goto(`${live.url}/app/#/tasks/yc-lqstg-2018.k1/act/${A}?mode=report`);
    await page.locator('[data-testid="file-input"]').setInputFiles({
      name: '伪装.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]),
    });
    await page.locator('.file-failed').waitFor();
    expect(await page.locator('.file-failed').innerText()).toContain('只支持图片');
    expect(await page.locator('.file-failed button', { hasText: '重试' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
