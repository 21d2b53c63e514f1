import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-fs.js';
import { StoreError } from './errors.js';
import { JsonlLedger } from './ledger/jsonl-ledger.js';
import { lockDir } from './lock.js';
import { Committer, type LedgerSink } from './committer.js';
import { Low } from 'lowdb';
import { JOURNAL_FILE, JournaledStateFile, readCommitted, type Replayed } from './lowdb/state-journal.js';
import type { Patch } from 'immer';
import { migrate, type Migration } from './migrations.js';
import type { Store } from './ports.js';
import { emptyState, State } from '../model/state.js';
import { sealState } from './state-seal.js';

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
  /** When the journal is folded into a new checkpoint (tests make it small). */
  journal?: { checkpointEvery: number; maxJournalBytes: number };
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
    const journalPath = join(dir, JOURNAL_FILE);
    let created = false;
    let committed: Replayed | undefined;
    try {
      committed = await readCommitted(statePath, journalPath);
    } catch (error) {
      throw corrupt(statePath, lastGood, error, await exists(lastGood));
    }
    let migrated = false;
    let doc: Record<string, unknown>;
    if (committed === undefined) {
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
        const parsed = committed.doc;
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
      const { file, write } = stateWriter(statePath, journalPath, committed, state, options);
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
      // a first start, an upgrade, or a journal to fold in: the state as read becomes the checkpoint
      if (created || migrated || committed?.journaled || !committed?.head) await write(state);
      if (migrated) options.log?.info(`状态文件已升级到当前版本`);
      if (!created) await writeFileDurable(lastGood, `${sealState(JSON.stringify(state))}\n`);
      let closed = false;
      return {
        state: { get: () => committer.get() },
        ledger,
        transact: (fn) => committer.transact(fn),
        health: () => committer.health(),
        observeWrites: (fn) => committer.observeWrites(fn),
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
          // a clean stop leaves one file: the whole state, the journal empty
          await file.checkpoint(committer.get()).catch(() => undefined);
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

/**
 * lowdb holds the document; its adapter journals each commit's patches (append, fdatasync) and
 * checkpoints the whole state now and then (temp, fsync, rename).
 */
function stateWriter(
  statePath: string,
  journalPath: string,
  committed: Replayed | undefined,
  state: State,
  options: OpenStoreOptions,
): { file: JournaledStateFile<State>; write: (next: State, patches?: Patch[]) => Promise<void> } {
  const file = new JournaledStateFile<State>(
    statePath,
    journalPath,
    committed?.commit ?? 0,
    committed?.head ?? '',
    options.journal,
  );
  const db = new Low<State>(file, state);
  let broken = false;
  const write = async (next: State, patches?: Patch[]): Promise<void> => {
    // after a failed write the journal may end in a partial line: the next write is a checkpoint
    if (patches && !broken) file.stage(patches);
    db.data = next;
    try {
      await db.write();
      broken = false;
    } catch (error) {
      broken = true;
      throw error;
    }
    options.crashPoint?.('state written');
  };
  return { file, write };
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
