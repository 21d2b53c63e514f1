import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-fs.js';
import { StoreError } from './errors.js';
import { JsonlLedger } from './ledger/jsonl-ledger.js';
import { lockDir } from './lock.js';
import { Committer, type LedgerSink } from './committer.js';
import { Low } from 'lowdb';
import { DurableJsonFile } from './lowdb/durable-json-file.js';
import { migrate, type Migration } from './migrations.js';
import type { Store } from './ports.js';
import { emptyState, State } from '../model/state.js';
import { parseStateText, sealState } from './state-seal.js';

export interface OpenStoreOptions {
  clock: () => Date;
  log?: { warn: (msg: string) => void; info: (msg: string) => void };
  migrations?: Record<number, Migration>;
  maxSegmentBytes?: number;
  /**
   * Injected crash points for tests: called with 'state written' (the commit point: the state
   * file holds the change and its events) and 'ledger appended'. A test kills the process there.
   */
  crashPoint?: (name: 'state written' | 'ledger appended') => void;
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
    let raw: string | undefined;
    try {
      raw = await readFile(statePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw corrupt(statePath, lastGood, error, await exists(lastGood));
    }
    let migrated = false;
    let doc: Record<string, unknown>;
    if (raw === undefined) {
      const hasHistory =
        (await exists(lastGood)) ||
        ((await exists(ledgerDir)) && (await readdir(ledgerDir)).some((n) => n.endsWith('.jsonl')));
      if (hasHistory) {
        throw new StoreError(
          `状态文件 ${statePath} 不存在,但数据目录里还有台账或备份:为避免丢失数据,不会自动新建。` +
            ((await exists(lastGood))
              ? `可将最近一次完好的备份 ${lastGood} 复制为 ${statePath} 后重启。`
              : '请从备份恢复状态文件。'),
          'STATE_MISSING',
        );
      }
      created = true;
      doc = emptyState();
    } else {
      try {
        const parsed = parseStateText(raw, statePath);
        const result = migrate(parsed, options.migrations);
        migrated = result.from !== parsed.schemaVersion || result.doc !== parsed;
        doc = result.doc;
      } catch (error) {
        throw corrupt(statePath, lastGood, error, await exists(lastGood));
      }
    }
    const ledger = await JsonlLedger.open(ledgerDir, {
      clock: options.clock,
      ...(options.maxSegmentBytes ? { maxSegmentBytes: options.maxSegmentBytes } : {}),
      onRepair: (msg) => options.log?.warn(msg),
    });
    try {
      // a state from before version 5 reflects the ledger as it stands (the ledger was written first then)
      const marker = doc.ledger as { seq?: number } | undefined;
      if (marker?.seq === -1) doc = { ...doc, ledger: { ...ledger.head(), unflushed: [] } };
      let state: State;
      try {
        state = State.parse(doc);
      } catch (error) {
        throw corrupt(statePath, lastGood, error, await exists(lastGood));
      }
      const head = ledger.head();
      if (head.seq > state.ledger.seq) {
        throw new StoreError(
          `台账比状态文件新:状态文件对应台账第 ${state.ledger.seq} 条,台账已有 ${head.seq} 条。状态文件可能是从旧备份恢复的;服务未启动,文件未被改动。请恢复与台账一致的状态文件。`,
          'STATE_BEHIND_LEDGER',
        );
      }
      // lowdb holds the document; its adapter writes atomically and durably (temp, fsync, rename)
      const db = new Low<State>(new DurableJsonFile<State>(statePath), state);
      const write = async (next: State): Promise<void> => {
        db.data = next;
        await db.write();
        options.crashPoint?.('state written');
      };
      const sink = options.crashPoint
        ? {
            ...ledgerSink(ledger),
            appendPrepared: async (events: Parameters<typeof ledger.appendPrepared>[0]) => {
              await ledger.appendPrepared(events);
              options.crashPoint?.('ledger appended');
            },
          }
        : ledger;
      const committer = new Committer(state, sink, write, options.clock);
      if (head.seq < state.ledger.seq) {
        // a crash after the state was written and before its events reached the ledger
        await committer.catchUpLedger();
        options.log?.warn(`已把 ${state.ledger.seq - head.seq} 条已提交但未写入台账的记录补记到台账`);
      }
      if (created || migrated) await write(state);
      if (migrated) options.log?.info(`状态文件已升级到当前版本`);
      if (!created) await writeFileDurable(lastGood, `${sealState(JSON.stringify(state))}\n`);
      let closed = false;
      return {
        state: { get: () => committer.get() },
        ledger,
        transact: (fn) => committer.transact(fn),
        health: () => committer.health(),
        backup: async () => {
          await committer.idle();
          await writeFileDurable(lastGood, `${JSON.stringify(committer.get())}\n`);
        },
        created,
        close: async () => {
          if (closed) return;
          closed = true;
          await committer.idle();
          // the backup a corrupt state file is restored from: never the empty state of a first run
          if (committer.get().ledger.seq > 0)
            await writeFileDurable(lastGood, `${JSON.stringify(committer.get())}\n`).catch(() => undefined);
          await ledger.close();
          await lock.release();
        },
      };
    } catch (error) {
      await ledger.close();
      throw error;
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** The ledger's methods bound to it (to wrap one of them). */
function ledgerSink(ledger: JsonlLedger): LedgerSink {
  return {
    head: () => ledger.head(),
    last: () => ledger.last(),
    read: (from) => ledger.read(from),
    subscribe: (l) => ledger.subscribe(l),
    appendPrepared: (e) => ledger.appendPrepared(e),
    recover: () => ledger.recover(),
  };
}

function corrupt(path: string, lastGood: string, cause: unknown, hasBackup: boolean): StoreError {
  const reason = cause instanceof Error ? cause.message.split('\n')[0]!.slice(0, 300) : String(cause);
  return new StoreError(
    `状态文件 ${path} 已损坏或无法读取(${reason})。服务未启动,文件未被改动。` +
      (hasBackup
        ? `最近一次完好的备份:${lastGood}(检查后可复制为 ${path} 再启动;之后的变动可从台账核对)。`
        : '没有找到备份,请从系统备份中恢复该文件。'),
    'STATE_CORRUPT',
    { cause },
  );
}
