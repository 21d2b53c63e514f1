import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { backupDataDir, restoreBackup } from '../../server/src/store/backup.js';
import type { StoreError } from '../../server/src/store/errors.js';
import { verifyDataDir } from '../../server/src/store/ledger/verify.js';
import { openStore } from '../../server/src/store/open-store.js';
import { backupPg, isPgBackup, restorePg } from '../../server/src/store/pg/pg-backup.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { freshSchema } from '../helpers/pg.js';
import type { Store } from '../../server/src/store/ports.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

const write = (store: Store, i: number) =>
  store.transact((draft, tx) => {
    draft.directory.note = `第${i}次`;
    tx.append({
      type: 'session.signedIn',
      actor: { type: 'person', id: 'p-fsjd-c' },
      subject: { type: 'person', id: 'p-fsjd-c' },
      payload: { how: `write${i}` },
    });
  });
const events = async (store: { ledger: { read(): AsyncIterable<LedgerEvent> } }) => {
  const out: LedgerEvent[] = [];
  for await (const e of store.ledger.read()) out.push(e);
  return out;
};

describe('backup and restore of the embedded data directory', () => {
  it('backs up in the middle of a write burst; the restore holds every write acknowledged before, agrees with the ledger, and opens', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { clock: () => new Date('2019-03-20T02:00:00Z') });
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date('2018-11-01T01:00:00Z'));
    mkdirSync(join(dir, 'evidence', 'ab'), { recursive: true });
    writeFileSync(join(dir, 'evidence', 'ab', 'ab12'), '佐证材料');
    for (let i = 0; i < 20; i += 1) await write(store, i); // acknowledged before the backup
    const acknowledged = store.ledger.head().seq;
    const out = join(tempDir(), '督办通-备份.tar.gz');
    const burst = Promise.all(Array.from({ length: 40 }, (_, i) => write(store, 100 + i)));
    const summary = await backupDataDir(dir, out);
    await burst;
    expect(summary.ledger.seq).toBeGreaterThanOrEqual(acknowledged);
    expect(summary.evidenceFiles).toBe(1);
    const live = await events(store);
    await store.close();

    const target = join(tempDir(), 'restored');
    const r = await restoreBackup(out, target);
    expect(r.ledger.seq).toBe(summary.ledger.seq);
    expect((await verifyDataDir(target)).ok).toBe(true);
    const back = await openStore(target, { clock: () => new Date() });
    const restored = await events(back);
    // the same events, hash for hash, up to the backup's position; nothing after it
    expect(restored.map((e) => e.hash)).toEqual(live.slice(0, summary.ledger.seq).map((e) => e.hash));
    const writes = restored.filter((e) => e.type === 'session.signedIn').map((e) => (e.payload as { how: string }).how);
    for (let i = 0; i < 20; i += 1) expect(writes).toContain(`write${i}`);
    // the state is the one those events led to: the last write it holds set the note
    expect(back.state.get().directory.note).toBe(`第${writes.at(-1)!.replace('write', '')}次`);
    expect(back.state.get().tasks).toHaveLength(74);
    expect(readFileSync(join(target, 'evidence', 'ab', 'ab12'), 'utf8')).toBe('佐证材料');
    await back.close();
  });

  it('restores only into an empty directory, and refuses what is not a backup', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { clock: () => new Date() });
    await write(store, 1);
    const out = join(tempDir(), 'b.tar.gz');
    await backupDataDir(dir, out);
    await store.close();
    const busy = tempDir();
    writeFileSync(join(busy, 'keep.txt'), 'x');
    const error = (await restoreBackup(out, busy).catch((e: unknown) => e)) as StoreError;
    expect(error.code).toBe('RESTORE_NOT_EMPTY');
    expect(readFileSync(join(busy, 'keep.txt'), 'utf8')).toBe('x');
    expect(existsSync(join(busy, 'state.json'))).toBe(false);
    const junk = join(tempDir(), 'junk.tar.gz');
    writeFileSync(junk, 'not an archive');
    await expect(restoreBackup(junk, join(tempDir(), 'new'))).rejects.toThrow();
  });
});

describe('backup and restore of a PostgreSQL deployment (refusals)', () => {
  it('restores only into an empty schema of the same name, and leaves a schema with tables as it was', async () => {
    const url = await freshSchema();
    const store = await openPgStore(url, { clock: () => new Date() });
    await write(store, 1);
    const out = join(tempDir(), 'pg.tar.gz');
    const summary = await backupPg(url, out);
    expect(summary.ledger.seq).toBe(store.ledger.head().seq);
    expect(await isPgBackup(out)).toBe(true);
    await store.close();
    // the live schema: refused, nothing touched
    const busy = (await restorePg(out, url).catch((e: unknown) => e)) as StoreError;
    expect(busy.code).toBe('RESTORE_NOT_EMPTY');
    expect(busy.message).toContain('已有');
    // an empty schema of another name: refused with the way out
    const other = (await restorePg(out, await freshSchema()).catch((e: unknown) => e)) as StoreError;
    expect(other.code).toBe('RESTORE_NOT_EMPTY');
    expect(other.message).toContain('search_path');
    // an embedded backup is not a PostgreSQL one
    const dir = tempDir();
    const embedded = await openStore(dir, { clock: () => new Date() });
    await write(embedded, 1);
    await embedded.close();
    const file = join(tempDir(), 'dir.tar.gz');
    await backupDataDir(dir, file);
    expect(await isPgBackup(file)).toBe(false);
    await expect(restorePg(file, await freshSchema())).rejects.toThrow('不是督办通 PostgreSQL 部署的备份');
  });
});
