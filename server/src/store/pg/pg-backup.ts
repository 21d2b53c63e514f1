import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import * as tar from 'tar';
import { StoreError } from '../errors.js';
import { verifyPgLedger } from './copy-to-pg.js';
import { openPgStore } from './pg-store.js';

const run = promisify(execFile);
const DUMP = 'database.dump';
const MANIFEST = 'backup.json';

export interface PgBackupManifest {
  kind: 'duban-backup';
  version: 1;
  store: 'postgresql';
  at: string;
  /** The schema the deployment lives in: a restore goes into an empty schema of the same name. */
  schema: string;
  /** The snapshot's ledger head, verified from the first event. */
  ledger: { seq: number; hash: string };
  /** The newest SQL migration applied when the snapshot was taken. */
  migration: number;
  evidenceFiles: number;
}

export interface PgBackupSummary {
  file: string;
  ledger: { seq: number; hash: string };
  evidenceFiles: number;
  bytes: number;
  seconds: number;
}

/**
 * A consistent backup of a PostgreSQL deployment while its instances run: one read-only snapshot
 * (REPEATABLE READ) in which the ledger's chain is verified from the first event and the head read,
 * then pg_dump of the deployment's schema on that same exported snapshot — so the dump holds
 * exactly the verified ledger, the state it led to, and the evidence files (stored in the database).
 * The dump's table of contents is read back before the .tar.gz is written.
 */
export async function backupPg(url: string, out: string): Promise<PgBackupSummary> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url, application_name: 'duban-backup' });
  await client.connect();
  const staging = await mkdtemp(join(tmpdir(), 'duban-pg-backup-'));
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    const schema = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]!.s;
    const migration = await newestMigration(client);
    if (!schema || migration === 0)
      throw new StoreError('数据库中没有督办通的数据(从未迁移):没有可备份的内容', 'STATE_MISSING');
    const chain = await verifyPgLedger(client);
    if (!chain.ok) throw new StoreError(`台账校验未通过(${chain.problem}),未写出备份`, 'LEDGER_CORRUPT');
    const stateSeq = Number(
      (await client.query<{ seq: string }>('SELECT seq FROM duban_state WHERE id = 1')).rows[0]?.seq ?? 0,
    );
    if (stateSeq !== chain.head.seq)
      throw new StoreError(`状态(第 ${stateSeq} 条)与台账(第 ${chain.head.seq} 条)不一致,未写出备份`, 'STATE_CORRUPT');
    const evidenceFiles = Number(
      (await client.query<{ n: string }>('SELECT count(*) AS n FROM duban_evidence_files')).rows[0]!.n,
    );
    // the same snapshot, imported by pg_dump while this transaction stays open
    await pgTool('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--schema=${schema}`,
      `--snapshot=${snapshot}`,
      `--file=${join(staging, DUMP)}`,
      `--dbname=${url}`,
    ]);
    await client.query('COMMIT');
    const toc = await pgTool('pg_restore', ['--list', join(staging, DUMP)]);
    if (!/TABLE DATA \S+ duban_ledger /.test(toc))
      throw new StoreError('数据库转储不完整(没有台账表的数据),未写出备份', 'STATE_CORRUPT');
    const manifest: PgBackupManifest = {
      kind: 'duban-backup',
      version: 1,
      store: 'postgresql',
      at: new Date().toISOString(),
      schema,
      ledger: chain.head,
      migration,
      evidenceFiles,
    };
    await writeFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await tar.create({ gzip: true, file: out, cwd: staging, portable: true }, [MANIFEST, DUMP]);
    return {
      file: out,
      ledger: chain.head,
      evidenceFiles,
      bytes: (await stat(out)).size,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a PostgreSQL backup into an empty schema of the same name (a new database, or the
 * deployment's schema emptied): anything holding tables is refused, so a restore never mixes with
 * live data. The dump is loaded in one transaction; then the chain is verified again, its head
 * compared with the backup's, and the store opened once (its own checks; newer migrations of this
 * program run there).
 */
export async function restorePg(file: string, url: string): Promise<{ ledger: { seq: number } }> {
  const staging = await mkdtemp(join(tmpdir(), 'duban-pg-restore-'));
  try {
    await tar.extract({
      file,
      cwd: staging,
      strict: true,
      filter: (path, entry) => (path === MANIFEST || path === DUMP) && ('type' in entry ? entry.type === 'File' : true),
    });
    const manifest = await readManifest(staging, file);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const schema = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]!.s;
      if (schema !== manifest.schema)
        throw new StoreError(
          `备份来自数据库模式 ${manifest.schema},只能恢复到同名的空模式(当前连接的是 ${schema ?? '无'}):请在连接串中设置 search_path 或先建立该模式`,
          'RESTORE_NOT_EMPTY',
        );
      const tables = Number(
        (await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1', [schema]))
          .rows[0]!.n,
      );
      if (tables > 0)
        throw new StoreError(
          `数据库模式 ${schema} 中已有 ${tables} 张表:为避免覆盖数据,只恢复到空的数据库或模式`,
          'RESTORE_NOT_EMPTY',
        );
    } finally {
      await client.end();
    }
    // the schema exists already (it is the target): its own entry is left out of the dump's list
    const toc = await pgTool('pg_restore', ['--list', join(staging, DUMP)]);
    const list = toc
      .split('\n')
      .filter((line) => !/^\d+;.*\b(SCHEMA|COMMENT) - (SCHEMA )?\S+ /.test(line))
      .join('\n');
    await writeFile(join(staging, 'restore.list'), list);
    await pgTool('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--use-list=${join(staging, 'restore.list')}`,
      `--dbname=${url}`,
      join(staging, DUMP),
    ]);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const chain = await verifyPgLedger(pool).finally(() => pool.end());
    if (!chain.ok || chain.head.seq !== manifest.ledger.seq || chain.head.hash !== manifest.ledger.hash)
      throw new StoreError(
        `恢复后的台账与备份不符(${chain.problem ?? `第 ${chain.head.seq} 条,备份为第 ${manifest.ledger.seq} 条`})`,
        'LEDGER_CORRUPT',
      );
    const store = await openPgStore(url, { clock: () => new Date() });
    const seq = store.ledger.head().seq;
    await store.close();
    return { ledger: { seq } };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Whether a backup file is of a PostgreSQL deployment (else: an embedded data directory's). */
export async function isPgBackup(file: string): Promise<boolean> {
  const names: string[] = [];
  await tar.list({ file, onReadEntry: (e) => void names.push(e.path) });
  return names.includes(DUMP);
}

async function readManifest(dir: string, file: string): Promise<PgBackupManifest> {
  const names = await readdir(dir);
  if (!names.includes(MANIFEST) || !names.includes(DUMP))
    throw new StoreError(`${file} 不是督办通 PostgreSQL 部署的备份(缺少 ${MANIFEST} 或 ${DUMP})`, 'STATE_CORRUPT');
  const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Partial<PgBackupManifest>;
  if (m.kind !== 'duban-backup' || m.store !== 'postgresql' || typeof m.schema !== 'string' || !m.ledger)
    throw new StoreError(`${file} 的说明文件 ${MANIFEST} 不完整`, 'STATE_CORRUPT');
  return m as PgBackupManifest;
}

async function newestMigration(client: pg.ClientBase): Promise<number> {
  const r = await client
    .query<{ v: number | null }>('SELECT max(version) AS v FROM duban_migrations')
    .catch((error: unknown) => {
      // undefined_table: never migrated
      if ((error as { code?: string }).code === '42P01') return { rows: [{ v: 0 }] };
      throw error;
    });
  return r.rows[0]?.v ?? 0;
}

/** Runs pg_dump / pg_restore (PostgreSQL's client tools, same major version as the server) and returns stdout. */
async function pgTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<string> {
  try {
    return (await run(tool, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT')
      throw new StoreError(
        `找不到 ${tool}:请安装 PostgreSQL 客户端工具(Debian:apt-get install postgresql-client)`,
        'WRITE_FAILED',
        { cause: error },
      );
    throw new StoreError(`${tool} 失败:${(e.stderr ?? e.message).trim().slice(0, 400)}`, 'WRITE_FAILED', {
      cause: error,
    });
  }
}
