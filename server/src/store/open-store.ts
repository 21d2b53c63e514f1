import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-fs.js';
import { StoreError } from './errors.js';
import { JsonlLedger } from './ledger/jsonl-ledger.js';
import { lockDir } from './lock.js';
import { LowdbStateStore } from './lowdb/lowdb-state-store.js';
import { migrate, type Migration } from './migrations.js';
import type { Store } from './ports.js';
import { emptyState, State } from './state.js';

export interface OpenStoreOptions {
  clock: () => Date;
  log?: { warn: (msg: string) => void; info: (msg: string) => void };
  migrations?: Record<number, Migration>;
  maxSegmentBytes?: number;
}

export const STATE_FILE = 'state.json';
export const LAST_GOOD_FILE = 'state.last-good.json';
export const LEDGER_DIR = 'ledger';

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * Opens (or creates) a data directory: takes the lock, loads and validates the state (migrating
 * it if needed), keeps a copy of it as the last good backup, and opens the ledger. A corrupt or
 * unreadable state stops here with the path of the last good backup; nothing is reset silently.
 */
export async function openStore(dir: string, options: OpenStoreOptions): Promise<Store> {
  await mkdir(dir, { recursive: true });
  const lock = await lockDir(dir);
  try {
    const statePath = join(dir, STATE_FILE);
    const lastGood = join(dir, LAST_GOOD_FILE);
    const ledgerDir = join(dir, LEDGER_DIR);
    let created = false;
    let state: State;
    let raw: string | undefined;
    try {
      raw = await readFile(statePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw corrupt(statePath, lastGood, error, await exists(lastGood));
    }
    let migrated = false;
    if (raw === undefined) {
      const hasHistory = (await exists(lastGood)) || ((await exists(ledgerDir)) && (await readdir(ledgerDir)).some((n) => n.endsWith('.jsonl')));
      if (hasHistory) {
        throw new StoreError(
          `状态文件 ${statePath} 不存在,但数据目录里还有台账或备份:为避免丢失数据,不会自动新建。` +
            ((await exists(lastGood)) ? `可将最近一次完好的备份 ${lastGood} 复制为 ${statePath} 后重启。` : '请从备份恢复状态文件。'),
          'STATE_MISSING',
        );
      }
      created = true;
      state = emptyState();
    } else {
      try {
        const parsed = JSON.parse(raw) as Record<string, unknown>;
        const result = migrate(parsed, options.migrations);
        migrated = result.from !== parsed.schemaVersion || result.doc !== parsed;
        state = State.parse(result.doc);
      } catch (error) {
        throw corrupt(statePath, lastGood, error, await exists(lastGood));
      }
    }
    const stateStore = LowdbStateStore.create(statePath, state);
    if (created || migrated) await stateStore.flush();
    if (migrated) options.log?.info(`状态文件已升级到当前版本`);
    await writeFileDurable(lastGood, `${JSON.stringify(stateStore.get())}\n`);
    const ledger = await JsonlLedger.open(ledgerDir, {
      clock: options.clock,
      ...(options.maxSegmentBytes ? { maxSegmentBytes: options.maxSegmentBytes } : {}),
      onRepair: (msg) => options.log?.warn(msg),
    });
    let closed = false;
    return {
      state: stateStore,
      ledger,
      created,
      close: async () => {
        if (closed) return;
        closed = true;
        await ledger.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function corrupt(path: string, lastGood: string, cause: unknown, hasBackup: boolean): StoreError {
  const reason = cause instanceof Error ? cause.message.split('\n')[0]!.slice(0, 300) : String(cause);
  return new StoreError(
    `状态文件 ${path} 已损坏或无法读取(${reason})。服务未启动,文件未被改动。` +
      (hasBackup ? `最近一次完好的备份:${lastGood}(检查后可复制为 ${path} 再启动;之后的变动可从台账核对)。` : '没有找到备份,请从系统备份中恢复该文件。'),
    'STATE_CORRUPT',
    { cause },
  );
}
