import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/src/store/open-store.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOTICE = 'tests/fixtures/holidays/notice-2027-hypothetical.txt';

describe('npm run calendar (#31 req 6)', () => {
  it('reads the notice, prints the year as a calendar, and stores it in the ledger and the state', async () => {
    const dir = tempDir();
    const env = { DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: SEEDS_DIR };
    const dry = await runTs('server/src/cli/calendar.ts', ['--file', NOTICE, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('春节:放假 9 天(2027-02-05 至 2027-02-13),2027-01-31、2027-02-20 上班');
    expect(dry.stdout).toMatch(/ 2月 {2}5休 8休 9休 10休 11休 12休 20班/);
    const saved = await runTs('server/src/cli/calendar.ts', ['--file', NOTICE, '--year', '2027'], env);
    expect(saved.stdout).toContain('已保存 2027 年放假安排:放假 29 天,调休上班 6 天');
    const again = await runTs('server/src/cli/calendar.ts', ['--file', NOTICE], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('2027 年已有节假日数据');
    const store = await openStore(dir, { clock: () => new Date() });
    try {
      expect(store.state.get().calendarYears?.map((y) => [y.year, y.workdays['2027-01-31']])).toEqual([
        [2027, '春节调休上班'],
      ]);
      expect(store.ledger.last()?.type).toBe('calendar.yearAdded');
    } finally {
      await store.close();
    }
  });
});
