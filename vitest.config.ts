import { defineConfig } from 'vitest/config';

/**
 * Two tiers (docs/TESTING.md). `npm test` runs everything (CI). `npm run test:fast`
 * (DUBAN_TEST_TIER=fast) is the everyday loop: all but the slow stories — browser journeys,
 * SIGKILL crash runs, multi-year replays, failover, migration comparisons, LibreOffice prints,
 * the server started as `npm start` does, the attack suite's slow ones — keeping one smoke of each.
 */
const SLOW = [
  // browser journeys (smoke kept: tests/browser/miniapp.test.ts)
  'tests/browser/{workbench,assessment,act-page,bot-to-supervisor,roles-year,import-page,emulator-console,zzd-host,dingtalk-host,sim-clock,notice-sheet,exemption,instruction,pilots,evaluation,board,orgs}.test.ts',
  // SIGKILL crash runs (smoke kept: tests/store/crash.test.ts)
  'tests/reminders/crash.test.ts',
  'tests/store/lock-race.test.ts',
  // multi-year replays (smoke kept: tests/reminders/replay.test.ts)
  'tests/year/supervision-years.test.ts',
  'tests/year/work-requirements-year.test.ts',
  // failover and migration comparisons (smoke kept: tests/store/pg-instances.test.ts, migrate-to-pg)
  'tests/store/pg-failover.test.ts',
  'tests/store/migrate-compare.test.ts',
  // the Excel 台账 printed through LibreOffice (smoke kept: tests/export/sheet-names.test.ts)
  'tests/export/ledger-xlsx.test.ts',
  'tests/export/docx-print.test.ts',
  // npm start as a process (smoke kept: tests/cli/start-guards.test.ts)
  'tests/cli/start.test.ts',
  // the attack suite's slow ones: a 3,000-page PDF, a browser (the quick attacks stay in)
  'tests/security/{parse-pool,headers}.test.ts',
  // operations: behind a real nginx (a Debian package), a backup taken mid-burst and restored
  'tests/cli/behind-nginx.test.ts',
  'tests/store/backup.test.ts',
  'tests/store/backup-month.test.ts',
];

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: process.env.DUBAN_TEST_TIER === 'fast' ? ['**/node_modules/**', ...SLOW] : ['**/node_modules/**'],
    environment: 'node',
    // the everyday tier shares a worker's modules between files (4 min instead of 8 here: the
    // server's module graph is imported once per worker, not per file); npm test keeps every file
    // in its own module registry, so a test leaning on another's module state fails there
    isolate: process.env.DUBAN_TEST_TIER !== 'fast',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
