import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceStore } from '../../server/src/evidence/evidence-store.js';
import { JPEG } from '../helpers/files.js';
import { describe, expect, it } from 'vitest';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { freshSchema } from '../helpers/pg.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

const at = new Date('2018-11-01T01:00:00Z');
const env = { TZ: 'UTC' };

async function dataDir(): Promise<string> {
  const dir = tempDir();
  const store = await openStore(dir, { clock: () => at });
  await seedStore(store, await loadSeeds(SEEDS_DIR), at);
  await store.close();
  return dir;
}

describe('npm run migrate-to-pg -- --from ./data', () => {
  it('copies the state and the ledger, verifies the chain in the database, and is idempotent and resumable', async () => {
    const dir = await dataDir();
    const url = await freshSchema();
    // a photo uploaded on the embedded store: it moves into the database with the rest
    const photo = await new EvidenceStore(join(dir, 'evidence')).put(JPEG, '现场.jpg');
    const first = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', dir, '--to', url], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('已把 1 个佐证材料文件存入数据库');
    expect(first.stdout).toMatch(/已迁移 \d+ 条台账记录和状态到 PostgreSQL/);
    expect(first.stdout).toContain('数据库台账校验通过');
    const again = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', dir, '--to', url], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('数据库已是最新');

    // the directory grows (the server ran on): the next run adds the rest
    const store = await openStore(dir, { clock: () => at });
    await store.transact((d, tx) => {
      tx.append({
        type: 'directory.contactsSynced',
        actor: { type: 'system' },
        subject: { type: 'directory', id: 'd' },
        channel: 'cli',
        payload: { added: ['x'], changed: [], missing: [] },
      });
      d.directory.note = '补充';
    });
    const source = {
      seq: store.state.get().ledger.seq,
      hash: store.state.get().ledger.hash,
      tasks: store.state.get().tasks.length,
    };
    await store.close();
    const rest = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', dir, '--to', url], env);
    expect(rest.stdout).toContain('已迁移 1 条台账记录');

    const pg = await openPgStore(url, { clock: () => at });
    expect(pg.ledger.head()).toEqual({ seq: source.seq, hash: source.hash });
    // an instance on another machine (an empty data directory) serves the photo from the database
    expect((await new EvidenceStore(tempDir(), pg.evidence).get(photo.sha256)).equals(JPEG)).toBe(true);
    expect(pg.state.get().tasks).toHaveLength(source.tasks);
    expect(pg.state.get().directory.note).toBe('补充');
    await pg.close();

    // the tools read the database when DUBAN_DATABASE_URL is set: the chain verifies, the 台账 exports the same rows
    // (they sign nothing: no session secret needed)
    const onDb = { ...env, DUBAN_DATABASE_URL: url, DUBAN_SEEDS_DIR: SEEDS_DIR };
    const verified = await runTs('server/src/cli/ledger-verify.ts', ['--json'], onDb);
    expect([verified.code, verified.stderr]).toEqual([0, '']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: source.seq, head: { hash: source.hash } });
    const out = tempDir();
    const fromDb = await runTs('server/src/cli/export.ts', ['--year', '2018', '--out', join(out, 'db.xlsx')], onDb);
    const fromDir = await runTs(
      'server/src/cli/export.ts',
      ['--year', '2018', '--out', join(out, 'dir.xlsx'), '--data', dir],
      { ...env, DUBAN_SEEDS_DIR: SEEDS_DIR },
    );
    expect([fromDb.code, fromDb.stderr]).toEqual([0, '']);
    const rows = (text: string) => /总表 \d+ 行,\d+ 个任务表,\d+ 个单位表;台账末条记录 #\d+ \w+/.exec(text)?.[0];
    expect(rows(fromDb.stdout)).toBeDefined();
    expect(rows(fromDb.stdout)).toBe(rows(fromDir.stdout));
  });

  it('refuses a database holding another history, and a directory whose ledger does not verify', async () => {
    const url = await freshSchema();
    expect((await runTs('server/src/cli/migrate-to-pg.ts', ['--from', await dataDir(), '--to', url], env)).code).toBe(
      0,
    );
    // another district's directory (different times, so different hashes)
    const other = tempDir();
    const store = await openStore(other, { clock: () => new Date('2019-01-02T01:00:00Z') });
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date('2019-01-02T01:00:00Z'));
    await store.close();
    const refused = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', other, '--to', url], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('数据库里是另一份数据,不会覆盖');

    const tampered = await dataDir();
    const ledger = join(tampered, 'ledger');
    const file = join(ledger, readdirSync(ledger).sort()[0]!);
    const original = readFileSync(file, 'utf8');
    expect(original).toContain('两强三提高');
    writeFileSync(file, original.replace('两强三提高', '两强四提高'));
    const bad = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', tampered, '--to', await freshSchema()], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('台账校验未通过');
    expect((await runTs('server/src/cli/migrate-to-pg.ts', [], env)).code).toBe(2);
  });
});

describe('npm run migrate', () => {
  it('brings an empty database to the latest schema once, before any instance starts; a bad URL is refused', async () => {
    const url = await freshSchema();
    const files = readdirSync('server/src/store/pg/migrations').filter((f) => /^\d{3}_.+\.sql$/.test(f));
    const first = await runTs('server/src/cli/migrate.ts', ['--url', url], env);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain(`已执行 ${files.length} 个迁移,数据库结构现为版本 ${files.length}`);
    const again = await runTs('server/src/cli/migrate.ts', ['--url', url], env);
    expect(again.stdout).toContain(`数据库结构已是最新(版本 ${files.length})`);
    // an instance opens on it without migrating anything more
    const store = await openPgStore(url, { clock: () => at });
    expect(store.state.get().tasks).toEqual([]);
    await store.close();
    const bad = await runTs('server/src/cli/migrate.ts', ['--url', 'mysql://x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('用法:npm run migrate');
  });
});
