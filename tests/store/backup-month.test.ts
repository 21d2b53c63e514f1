import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backupDataDir, restoreBackup } from '../../server/src/store/backup.js';
import { verifyDataDir } from '../../server/src/store/ledger/verify.js';
import { openStore } from '../../server/src/store/open-store.js';
import { verifyPgLedger } from '../../server/src/store/pg/copy-to-pg.js';
import { backupPg, restorePg } from '../../server/src/store/pg/pg-backup.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { JPEG, multipartBody } from '../helpers/files.js';
import { freshSchema } from '../helpers/pg.js';
import { replay } from '../helpers/replay.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** What the 督考办, a unit and a leader read: the answers a restore must give back unchanged. */
const READS = [
  '/api/overview',
  '/api/tasks',
  '/api/reviews',
  '/api/units',
  '/api/my/items',
  '/api/tasks/yc-lqstg-2018.k1/overview',
  '/api/units/fsjd/assignments',
];
const CONTACT = 'p-fsjd-c';
const ASSIGNMENT = 'yc-lqstg-2018.k1.fsjd';

async function answers(t: TestApp): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const url of READS) {
    const res = await t.inject(url, url.startsWith('/api/my') ? CONTACT : undefined);
    expect(res.statusCode, url).toBe(200);
    out[url] = res.json();
  }
  return out;
}

/** A write that leaves every answer above as it was (a sign-in): the burst the backup runs into. */
const signIn = (store: Store, i: number) =>
  store.transact((_d, tx) =>
    tx.append({
      type: 'session.signedIn',
      actor: { type: 'person', id: CONTACT },
      subject: { type: 'person', id: CONTACT },
      payload: { how: `burst${i}` },
    }),
  );

interface Deployment {
  name: string;
  open(clock: () => Date): Promise<Store>;
  backup(out: string): Promise<{ ledger: { seq: number; hash: string } }>;
  wipe(): Promise<void>;
  restore(file: string): Promise<{ ledger: { seq: number } }>;
  verify(): Promise<{ seq: number; hash: string }>;
  dataDir: string;
}

async function embedded(): Promise<Deployment> {
  const dir = tempDir();
  return {
    name: 'embedded data directory',
    dataDir: dir,
    open: (clock) => openStore(dir, { clock }),
    backup: (out) => backupDataDir(dir, out),
    wipe: () => rm(dir, { recursive: true, force: true }),
    restore: (file) => restoreBackup(file, dir),
    verify: async () => {
      const r = await verifyDataDir(dir);
      expect(r.ok).toBe(true);
      return r.head;
    },
  };
}

async function postgres(): Promise<Deployment> {
  const url = await freshSchema();
  const schema = /search_path=(\w+)/.exec(decodeURIComponent(url))![1]!;
  const sql = async (text: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(text);
    await c.end();
  };
  const dataDir = tempDir();
  return {
    name: 'PostgreSQL',
    // the evidence files live in the database; the data directory holds only a cache of them
    dataDir,
    open: (clock) => openPgStore(url, { clock }),
    backup: (out) => backupPg(url, out),
    wipe: async () => {
      await sql(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      await rm(dataDir, { recursive: true, force: true });
    },
    restore: (file) => restorePg(file, url),
    verify: async () => {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      const r = await verifyPgLedger(pool).finally(() => pool.end());
      expect(r.ok).toBe(true);
      return r.head;
    },
  };
}

describe.each([
  ['embedded data directory', embedded],
  ['PostgreSQL', postgres],
])('a district run for a month, backed up mid-burst, wiped and restored (%s)', (_name, deployment) => {
  it('finds every acknowledged write, the same verified ledger head and the same answers', async () => {
    const d = await deployment();
    // March 2019 day by day: the day's reminders at 09:00, officials acting on them, the 17:00 checks
    const month = await replay(SEEDS_DIR, '2019-03-01', '2019-03-31', d.open);
    expect(month.notices.length).toBeGreaterThan(100);
    expect(month.fulfilled).toBeGreaterThan(50);

    const t = await seededApp({ dataDir: d.dataDir, store: d.open });
    t.deps.clock.set('2019-04-01T10:00:00+08:00');
    // acknowledged over HTTP before the backup: a report with a photo
    const up = await t.inject(
      { method: 'POST', url: '/api/evidence', ...multipartBody('file', '现场.jpg', JPEG) },
      CONTACT,
    );
    expect(up.statusCode).toBe(200);
    const sha256 = (up.json() as { sha256: string }).sha256;
    const report = await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${ASSIGNMENT}/reports`,
        payload: { text: '三月已完成全部试点街道的申报', evidence: [sha256] },
      },
      CONTACT,
    );
    expect(report.statusCode).toBe(200);
    const acknowledged = t.store.ledger.head().seq;
    const before = await answers(t);

    const out = join(tempDir(), '督办通-备份.tar.gz');
    const burst = Promise.all(Array.from({ length: 40 }, (_, i) => signIn(t.store, i)));
    const summary = await d.backup(out);
    await burst;
    expect(summary.ledger.seq).toBeGreaterThanOrEqual(acknowledged);
    await t.close();

    await d.wipe();
    const restored = await d.restore(out);
    expect(restored.ledger.seq).toBe(summary.ledger.seq);
    expect(await d.verify()).toEqual(summary.ledger);

    const back = await seededApp({ dataDir: d.dataDir, store: d.open });
    back.deps.clock.set('2019-04-01T10:00:00+08:00');
    expect(await answers(back)).toEqual(before);
    // the report and its photo came back
    const photo = await back.inject(`/api/evidence/${sha256}`, CONTACT);
    expect(photo.statusCode).toBe(200);
    expect(photo.rawPayload.equals(JPEG)).toBe(true);
    // the burst: a prefix of it, every write whole (the state and the ledger agree)
    const burstIn: string[] = [];
    for await (const e of back.store.ledger.read(acknowledged + 1))
      if (e.type === 'session.signedIn') burstIn.push((e.payload as { how: string }).how);
    expect(burstIn.length).toBe(summary.ledger.seq - acknowledged);
    await back.close();
  }, 240_000);
});
