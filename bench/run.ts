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
import { benchAttacks } from './attacks.js';
import { benchReviews } from './reviews.js';
import { benchOverview } from './overview.js';
import { benchLedgerVerify } from './ledger-verify.js';
import { benchLedgerExport } from './ledger-export.js';
import { benchWrites } from './writes.js';
import { benchReadApi } from './read-api.js';
import { benchPg } from './pg.js';
import { benchBackup } from './backup.js';
import { benchOrgs } from './orgs.js';

const quick = process.argv.includes('--quick');
/** `--only name[,name]`: just those (e.g. `npm run bench -- --only read-api`). */
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined;
const want = (name: string): boolean => !only || only.has(name);
console.log(
  `# 督办通 benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
if (want('importer')) await benchImporter();
if (want('channel')) await benchChannel();
if (want('reminders')) await benchReminders(quick);
if (want('obligations')) await benchObligations();
if (want('hardening')) await benchHardening();
if (want('attacks')) await benchAttacks();
if (want('reviews')) await benchReviews(quick);
if (want('overview')) await benchOverview();
if (want('read-api')) await benchReadApi(quick);
if (want('writes')) await benchWrites(quick);
if (want('pg')) await benchPg(quick);
if (want('backup')) await benchBackup();
if (want('orgs')) await benchOrgs(quick);
if (want('ledger-export')) await benchLedgerExport();
if (want('ledger-verify')) await benchLedgerVerify(quick ? [100_000] : [100_000, 1_000_000]);
if (want('bot')) await benchBot();
if (want('miniapp') || want('firstopen')) await benchMiniapp();
if (want('timeline')) await benchTimeline(quick ? 50_000 : 200_000);
if (want('ledger-vs-naive'))
  await benchLedgerVsNaive(quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000]);
