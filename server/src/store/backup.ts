import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tar from 'tar';
import { State } from '../model/state.js';
import { StoreError } from './errors.js';
import { verifyDataDir } from './ledger/verify.js';
import { JOURNAL_FILE, readCommitted, writeCheckpoint } from './lowdb/state-journal.js';
import { migrate } from './migrations.js';
import { openStore, LEDGER_DIR, STATE_FILE } from './open-store.js';
import { backupPg } from './pg/pg-backup.js';

const SEGMENT = /^(\d{12})\.jsonl$/;
const MANIFEST = 'backup.json';

export interface BackupSummary {
  file: string;
  /** The ledger position the backup stands at: every event up to it, and the state it led to. */
  ledger: { seq: number; hash: string };
  evidenceFiles: number;
  bytes: number;
  seconds: number;
}

/**
 * A consistent backup of an embedded data directory, taken while the server runs: the state as
 * committed (checkpoint and journal, read once) at ledger position S, the ledger's events up to S
 * (those appended meanwhile are left out, so state and ledger agree), the evidence files, the
 * session key. The copy is verified (chain, anchor, state seal) before it is packed as one
 * .tar.gz; nothing of the live directory is written.
 */
export async function backupDataDir(dataDir: string, out: string): Promise<BackupSummary> {
  const started = performance.now();
  const committed = await readCommitted(join(dataDir, STATE_FILE), join(dataDir, JOURNAL_FILE));
  if (!committed) throw new StoreError(`${dataDir} 中没有状态文件:不是督办通的数据目录`, 'STATE_MISSING');
  const state = State.parse(migrate(committed.doc).doc);
  // events up to the state's position; any the ledger file had not taken yet ride in the state
  const upTo = state.ledger.seq;
  const staging = await mkdtemp(join(tmpdir(), 'duban-backup-'));
  try {
    await writeCheckpoint(join(staging, STATE_FILE), state, committed.commit);
    await mkdir(join(staging, LEDGER_DIR));
    const kept = await copyLedgerUpTo(join(dataDir, LEDGER_DIR), join(staging, LEDGER_DIR), upTo);
    let evidenceFiles = 0;
    const evidence = join(dataDir, 'evidence');
    if (await exists(evidence)) {
      await cp(evidence, join(staging, 'evidence'), {
        recursive: true,
        // uploads in flight and thumbnails are not evidence
        filter: (src) => !/[\\/]evidence[\\/](tmp|thumbs)([\\/]|$)/.test(src),
      });
      evidenceFiles = await countFiles(join(staging, 'evidence'));
    }
    if (await exists(join(dataDir, 'session.key')))
      await copyFile(join(dataDir, 'session.key'), join(staging, 'session.key'));
    const check = await verifyDataDir(staging);
    if (!check.ok)
      throw new StoreError(
        `备份校验未通过(第 ${check.problem?.seq} 条:${check.problem?.message}),未写出备份`,
        'STATE_CORRUPT',
      );
    const ledger = { seq: state.ledger.seq, hash: state.ledger.hash };
    await writeFile(
      join(staging, MANIFEST),
      `${JSON.stringify({ kind: 'duban-backup', version: 1, at: new Date().toISOString(), ledger, ledgerFileUpTo: kept, evidenceFiles }, null, 2)}\n`,
    );
    await tar.create({ gzip: true, file: out, cwd: staging, portable: true }, await readdir(staging));
    return {
      file: out,
      ledger,
      evidenceFiles,
      bytes: (await stat(out)).size,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into an empty (or new) data directory: unpacks it, verifies the ledger's chain
 * and the state against it, and opens it once (the store's own checks: digest, schema, ledger
 * position; events the state carries beyond the ledger file are appended). Anything not empty is
 * refused, so a restore never mixes with live data.
 */
export async function restoreBackup(file: string, dataDir: string): Promise<{ ledger: { seq: number } }> {
  if ((await exists(dataDir)) && (await readdir(dataDir)).length > 0)
    throw new StoreError(`${dataDir} 不是空目录:为避免覆盖数据,只恢复到空目录或新目录`, 'RESTORE_NOT_EMPTY');
  await mkdir(dataDir, { recursive: true });
  await tar.extract({
    file,
    cwd: dataDir,
    strict: true,
    // only plain files and folders, never links or paths out of the directory
    filter: (path, entry) =>
      !path.split(/[\\/]/).includes('..') &&
      ('type' in entry ? entry.type === 'File' || entry.type === 'Directory' : true),
  });
  if (!(await exists(join(dataDir, MANIFEST))))
    throw new StoreError(`${file} 不是督办通的备份(缺少 ${MANIFEST})`, 'STATE_CORRUPT');
  const check = await verifyDataDir(dataDir);
  if (!check.ok)
    throw new StoreError(
      `备份中的台账校验未通过(第 ${check.problem?.seq} 条:${check.problem?.message})`,
      'STATE_CORRUPT',
    );
  const store = await openStore(dataDir, { clock: () => new Date() });
  const seq = store.ledger.head().seq;
  await store.close();
  return { ledger: { seq } };
}

/** Copies ledger segments up to event `upTo` (later lines are left out); returns the last seq copied. */
async function copyLedgerUpTo(from: string, to: string, upTo: number): Promise<number> {
  let last = 0;
  const files = (await readdir(from).catch(() => [] as string[])).filter((f) => SEGMENT.test(f)).sort();
  for (const f of files) {
    if (Number(SEGMENT.exec(f)![1]) > upTo) break;
    const lines: string[] = [];
    for await (const line of createInterface({ input: createReadStream(join(from, f)), crlfDelay: Infinity })) {
      if (line === '') continue;
      let seq = NaN;
      try {
        seq = Number((JSON.parse(line) as { seq?: unknown }).seq);
      } catch {
        /* a torn last line */
      }
      if (!(seq <= upTo)) break; // beyond the snapshot, or a torn last line
      lines.push(line);
      last = seq;
    }
    await writeFile(join(to, f), lines.length ? `${lines.join('\n')}\n` : '');
  }
  return last;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += 1;
  return n;
}

/**
 * The deployment's backup, whichever store it runs on: the data directory (embedded), or the
 * database with its evidence (PostgreSQL, DUBAN_DATABASE_URL). What `npm run backup` and the daily
 * backup take.
 */
export function backupDeployment(
  where: { dataDir: string; databaseUrl?: string | undefined },
  out: string,
): Promise<{ ledger: { seq: number; hash: string }; evidenceFiles: number; bytes: number; seconds: number }> {
  return where.databaseUrl ? backupPg(where.databaseUrl, out) : backupDataDir(where.dataDir, out);
}
