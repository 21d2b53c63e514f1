import { describe, expect, it } from 'vitest';
import { ARTIFACTS, devSignIn } from '../helpers/browser.js';
import { liveStory } from '../helpers/live-app.js';

/** #37 req 6: the leaders' board, drawn with ECharts on a phone and on a meeting room's screen. */
describe('the leaders’ board', () => {
  const story = liveStory('2019-03-11T10:00:00+08:00', async (l) => {
    // two weeks of working days planned: each records the day's lights, the trend's points
    for (const day of ['11', '12', '13', '14', '15', '18', '19', '20']) {
      l.t.deps.clock.set(`2019-03-${day}T09:00:00+08:00`);
      await l.sendReminders();
    }
  });

  it('draws the trend, the 工程, the units behind, 批示件/督办单 and pilots; saves a chart as a picture', async () => {
    const { live, browser } = story;
    for (const wide of [false, true]) {
      const page = await devSignIn(browser, live.url, '钱建国', '钱建国', wide);
      await page.goto(`${live.url}/app/#/board`);
      await page.locator('.board-card').first().waitFor();
      await expect.poll(() => page.locator('.board-chart canvas').count()).toBe(4); // no pilots yet: a line instead of an empty ring
      await page.screenshot({ path: `${ARTIFACTS}/board-${wide ? 'screen' : 'phone'}.png`, fullPage: true });
      if (!wide) {
        const download = page.waitForEvent('download');
        await page.locator('.board-card', { hasText: '各工程' }).locator('button', { hasText: '存为图片' }).click();
        expect((await download).suggestedFilename()).toBe('各工程.png');
      }
    }
  }, 90_000);
});
