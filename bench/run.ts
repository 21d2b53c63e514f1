/**
 * npm run bench [-- --quick]: prints the project's figures. Not a test: nothing here asserts a time.
 * --quick stops the history sizes at 100k (the 1M row needs ~1 GB of memory and a few minutes).
 */
import { cpus } from 'node:os';
import { benchBot } from './bot.js';
import { benchChannel } from './channel-throughput.js';
import { benchImporter } from './importer.js';
import { benchLedgerVsNaive } from './ledger-vs-naive.js';
import { benchReminders } from './reminders.js';
import { benchMiniapp, benchTimeline } from './miniapp.js';
import { benchObligations } from './obligations.js';
import { benchHardening } from './hardening.js';
import { benchOverview } from './overview.js';
import { benchLedgerVerify } from './ledger-verify.js';
import { benchLedgerExport } from './ledger-export.js';

const quick = process.argv.includes('--quick');
console.log(
  `# 督办通 benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
await benchImporter();
await benchChannel();
await benchReminders(quick);
await benchObligations();
await benchHardening();
await benchOverview();
await benchLedgerExport();
await benchLedgerVerify(quick ? [100_000] : [100_000, 1_000_000]);
await benchBot();
await benchMiniapp();
await benchTimeline(quick ? 50_000 : 200_000);
await benchLedgerVsNaive(quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000]);
