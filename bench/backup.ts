/**
 * Backup and restore of a replayed year (#39): the seeded plan run day by day through 2019 with
 * simulated officials, plus photos as units attach them, on the embedded store and on PostgreSQL;
 * then `backup` and `restore` timed, and the backup's size printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EvidenceStore } from '../server/src/evidence/evidence-store.js';
import { backupDataDir, restoreBackup } from '../server/src/store/backup.js';
import { openStore } from '../server/src/store/open-store.js';
import { backupPg, restorePg } from '../server/src/store/pg/pg-backup.js';
import { openPgStore } from '../server/src/store/pg/pg-store.js';
import type { Store } from '../server/src/store/ports.js';
import { replay } from '../tests/helpers/replay.js';

const PG_URL = process.env.DUBAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Photos attached over the year: one per working day and a half, ~150 KB each (a phone's JPEG after upload). */
const PHOTOS = 160;
const PHOTO_BYTES = 150 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function sql(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(text);
  await c.end();
}

async function addPhotos(store: Store, dataDir: string): Promise<void> {
  const evidence = new EvidenceStore(join(dataDir, 'evidence'), store.evidence);
  // a JPEG's first bytes, then what a photo's compressed data is like: incompressible
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  for (let i = 0; i < PHOTOS; i += 1)
    await evidence.put(Buffer.concat([head, randomBytes(PHOTO_BYTES), Buffer.from([0xff, 0xd9])]), `现场照片${i}.jpg`);
}

export async function benchBackup(): Promise<void> {
  console.log('\n## Backup and restore of a replayed year (2019, simulated officials, photos attached)');
  console.log('| store | ledger events | photos | backup size | backup | restore (verify included) |');
  console.log('|---|---|---|---|---|---|');
  const root = mkdtempSync(join(tmpdir(), 'duban-bench-backup-'));
  const schema = `duban_bench_${randomBytes(4).toString('hex')}`;
  try {
    // embedded
    const dir = join(root, 'data');
    await replay('seeds', '2019-01-01', '2019-12-31', (clock) => openStore(dir, { clock }));
    const store = await openStore(dir, { clock: () => new Date() });
    await addPhotos(store, dir);
    const events = store.ledger.head().seq;
    await store.close();
    const out = join(root, 'embedded.tar.gz');
    const b = await backupDataDir(dir, out);
    let t0 = performance.now();
    await restoreBackup(out, join(root, 'restored'));
    const restore = (performance.now() - t0) / 1000;
    console.log(
      `| embedded | ${events.toLocaleString('en')} | ${PHOTOS} | ${mb(b.bytes)} | ${b.seconds.toFixed(1)} s | ${restore.toFixed(1)} s |`,
    );

    // PostgreSQL
    await sql(`CREATE SCHEMA ${schema}`);
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await replay('seeds', '2019-01-01', '2019-12-31', (clock) => openPgStore(url, { clock }));
    const pgStore = await openPgStore(url, { clock: () => new Date() });
    await addPhotos(pgStore, join(root, 'pg-cache'));
    const pgEvents = pgStore.ledger.head().seq;
    await pgStore.close();
    const pgOut = join(root, 'pg.tar.gz');
    const pb = await backupPg(url, pgOut);
    await sql(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    t0 = performance.now();
    await restorePg(pgOut, url);
    const pgRestore = (performance.now() - t0) / 1000;
    console.log(
      `| PostgreSQL | ${pgEvents.toLocaleString('en')} | ${PHOTOS} | ${mb(pb.bytes)} | ${pb.seconds.toFixed(1)} s | ${pgRestore.toFixed(1)} s |`,
    );
  } finally {
    await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
