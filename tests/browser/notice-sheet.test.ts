import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, toast } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

type Inbox = { items: Array<{ kind: string; msg: { action_card?: { title?: string; markdown?: string } } }> };

/** #37 req 5's browser story: a red 督办通知单 issued from a task's units, delivered, signed and answered. */
describe('督办通知单 in the mini-app', () => {
  const story = liveStory('2019-03-20T10:00:00+08:00');

  it('the 督考办 issues a red sheet from the units card; the unit gets the notice, signs and answers on its phone', async () => {
    const { live, browser } = story;
    const office = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/tasks/yc-lqstg-2018.k1`);
    const row = office.locator('.unit-row', { hasText: '府山街道' });
    await row.locator('button', { hasText: '督办单' }).click();
    // the form: the unit's red items ticked, the grade the lights give
    await office.locator('.sheet-title', { hasText: '发出督办通知单:府山街道' }).waitFor();
    await office.locator('.adm-selector-item-active', { hasText: '红色' }).waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/sheet-issue-form.png` });
    await office.locator('.sheet-items [aria-selected="true"]').first().waitFor();
    const ticked = await office.locator('.sheet-items [aria-selected="true"]').count();
    expect(ticked).toBeGreaterThan(0);
    await office.screenshot({ path: `${ARTIFACTS}/sheet-issue-form.png` });
    await office.locator('button', { hasText: '发出' }).click();
    await toast(office, '已发出 督办〔2019〕1号');
    await office.locator('.sheet-head', { hasText: '督办〔2019〕1号' }).waitFor();
    await office.locator('.adm-tag', { hasText: '待签收' }).waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/sheet-issued.png`, fullPage: true });

    // delivered: a work notice to the unit's contact, opening the sheet
    await live.sendReminders();
    const inbox = await live.emu.admin<Inbox>('GET', '/messages?userid=dt-fsjd-c');
    const card = inbox.items.find((i) => i.msg.action_card?.title?.startsWith('督办通知单'))?.msg.action_card;
    expect(card?.title).toBe('督办通知单 督办〔2019〕1号(红色)');
    expect(JSON.stringify(card)).toContain('/app/#/sheets/D');

    const sheetId = Object.keys(live.t.store.state.get().noticeSheets ?? {})[0]!;
    const unit = await devSignIn(browser, live.url, '石刚', '石刚');
    await unit.goto(`${live.url}/app/#/sheets/${sheetId}`);
    await unit.locator('button', { hasText: '签收(回执)' }).click();
    await toast(unit, '已签收');
    await unit.locator('.sheet-receipt', { hasText: '已签收' }).waitFor();
    await unit.locator('textarea').fill('已完成主题教育学习计划的签收和年终总结报送,附学习记录。');
    await unit.locator('button', { hasText: '回复督考办' }).click();
    await toast(unit, '已回复督考办');
    await unit.locator('.adm-tag', { hasText: '已回复' }).waitFor();
    await unit.screenshot({ path: `${ARTIFACTS}/sheet-answered-phone.png`, fullPage: true });
    expect(live.t.store.state.get().noticeSheets?.[sheetId]).toMatchObject({
      signed: { by: 'p-fsjd-c', channel: 'miniapp' },
      answer: { text: '已完成主题教育学习计划的签收和年终总结报送,附学习记录。' },
    });

    // the 督考办's list shows it answered
    await office.goto(`${live.url}/app/#/sheets`);
    await office
      .locator('.sheet-card', { hasText: '督办〔2019〕1号' })
      .locator('.adm-tag', { hasText: '已回复' })
      .waitFor();
    await office.screenshot({ path: `${ARTIFACTS}/sheet-list.png` });
  }, 90_000);
});
