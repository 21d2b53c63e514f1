import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn, toast } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

/** #37 req 1's browser story: a pilot recorded, an experience adopted as 越城样本 and published. */
describe('试点示范 in the mini-app', () => {
  const story = liveStory('2019-05-20T10:00:00+08:00');

  it('a unit records a pilot and an experience on its phone; the 督考办 adopts it as a 越城样本 and publishes', async () => {
    const { live, browser } = story;
    const unit = await devSignIn(browser, live.url, '石刚', '石刚');
    await unit.screenshot({ path: `${ARTIFACTS}/pilots-mytasks-phone.png` });
    await unit.locator('a', { hasText: '试点与经验' }).click();
    await unit.locator('button', { hasText: '填报试点' }).click();
    const form = unit.locator('.decide-sheet');
    await form.locator('.adm-selector-item', { hasText: '省级' }).click();
    await form.locator('input').first().fill('省级“最多跑一次”改革试点街道');
    await form.locator('.adm-selector-item', { hasText: '已获批' }).click();
    await form.locator('input[placeholder^="如:浙政办发"]').fill('浙政办发〔2019〕21号');
    await form.locator('button', { hasText: '提交' }).click();
    await toast(unit, '已填报试点');
    await unit
      .locator('.pilot-card', { hasText: '省级“最多跑一次”改革试点街道' })
      .locator('.adm-tag', { hasText: '已获批' })
      .waitFor();

    await unit.locator('button', { hasText: '报送典型经验' }).click();
    await form.locator('input').first().fill('“街道吹哨、部门报到”推动老旧小区改造');
    await form
      .locator('textarea')
      .fill(
        '府山街道建立街道吹哨、部门报到机制。\n每月召开一次联席会议,问题清单化、责任项目化,三个月内完成12个小区改造。',
      );
    await form.locator('button', { hasText: '报送' }).click();
    await toast(unit, '已报送');
    await unit.screenshot({ path: `${ARTIFACTS}/pilots-unit-phone.png`, fullPage: true });

    const office = await devSignIn(browser, live.url, '周晓梅', '周晓梅', true);
    await office.goto(`${live.url}/app/#/pilots`);
    await office
      .locator('.experience-card', { hasText: '街道吹哨' })
      .locator('button', { hasText: '采纳并列为越城样本' })
      .click();
    await toast(office, '已采纳');
    await office.locator('.experience-card .adm-tag', { hasText: '越城样本' }).waitFor();
    await office.locator('button', { hasText: '通报本年已采纳的经验' }).click();
    await toast(office, '已通报 1 篇经验');
    await office.screenshot({ path: `${ARTIFACTS}/pilots-office.png`, fullPage: true });
    const x = Object.values(live.t.store.state.get().experiences ?? {})[0]!;
    expect(x).toMatchObject({ state: 'adopted', sample: true, publishedAt: expect.any(String) });
  }, 90_000);
});
