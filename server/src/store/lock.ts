import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors.js';

export interface DirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Locks held by this process. A lock file naming our own pid but not in here is a previous
 * incarnation's (pid reuse, e.g. pid 1 in a container) and is stale. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TAKEOVER_STALE_MS = 10_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Keeps a second process off a data directory (the state file and the ledger assume one writer).
 * The lock file holds the owner's pid; a lock left by a process that no longer runs is taken over.
 *
 * Creating the lock is atomic (O_EXCL). Taking over a stale one is serialised by a second, short-
 * lived lock (`.lock.takeover`, also O_EXCL): its holder re-reads the stale lock, and only if it is
 * still the very same stale file removes it and creates its own — so of several processes started
 * together on a crashed directory exactly one wins, the others find a live owner.
 */
export async function lockDir(dir: string): Promise<DirLock> {
  const path = join(dir, '.lock');
  const takeover = `${path}.takeover`;
  if (heldHere.has(path)) {
    throw new StoreError(`数据目录 ${dir} 已被本进程(pid ${process.pid})打开,不能重复打开`, 'LOCKED');
  }
  const me = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: Math.random().toString(36).slice(2),
  });
  // the lock appears with its content in one step (link of a written temp file): never empty,
  // so an owner's lock being written is never mistaken for a torn, stale one
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const create = async (): Promise<boolean> => {
    const handle = await open(draft, 'wx', 0o600);
    try {
      await handle.writeFile(me);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(draft, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(draft).catch(() => undefined);
    }
  };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await create()) {
      heldHere.add(path);
      return {
        path,
        release: async () => {
          if (!heldHere.delete(path)) return;
          await unlink(path).catch(() => undefined);
        },
      };
    }
    const seen = await readText(path);
    if (seen === undefined) continue; // removed meanwhile: try again
    let owner: { pid?: number; host?: string } = {};
    try {
      owner = JSON.parse(seen) as typeof owner;
    } catch {
      // an unreadable lock file (torn by a crash while being written) is stale
    }
    const sameHost = !owner.host || owner.host === hostname();
    if (owner.pid && owner.pid !== process.pid && sameHost && alive(owner.pid)) {
      throw new StoreError(
        `数据目录 ${dir} 正被另一个督办通进程(pid ${owner.pid})使用。请先停止它,或用 DUBAN_DATA_DIR 指定另一个目录`,
        'LOCKED',
      );
    }
    if (!sameHost) {
      throw new StoreError(
        `数据目录 ${dir} 被主机 ${owner.host} 上的进程(pid ${owner.pid})锁定。如确认该进程已停止,删除 ${path} 后重试`,
        'LOCKED',
      );
    }
    // stale: take it over under the takeover lock
    let mine: Awaited<ReturnType<typeof open>>;
    try {
      mine = await open(takeover, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // someone else is taking over; a takeover lock left by a crash is cleared after a while
      const age = await stat(takeover).then(
        (st) => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age > TAKEOVER_STALE_MS) await unlink(takeover).catch(() => undefined);
      await pause(5 + Math.floor(Math.random() * 10));
      continue;
    }
    try {
      await mine.close();
      if ((await readText(path)) === seen) await unlink(path).catch(() => undefined);
    } finally {
      await unlink(takeover).catch(() => undefined);
    }
  }
  throw new StoreError(`无法锁定数据目录 ${dir}:其他进程反复争用锁文件,请稍后重试`, 'LOCKED');
}
