import { open, readFile, unlink } from 'node:fs/promises';
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

/**
 * Keeps a second process off a data directory (lowdb and the ledger assume one writer). The lock
 * file holds the owner's pid; a lock left by a process that no longer runs is taken over.
 */
export async function lockDir(dir: string): Promise<DirLock> {
  const path = join(dir, '.lock');
  if (heldHere.has(path)) {
    throw new StoreError(`数据目录 ${dir} 已被本进程(pid ${process.pid})打开,不能重复打开`, 'LOCKED');
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      await handle.sync();
      await handle.close();
      heldHere.add(path);
      return {
        path,
        release: async () => {
          if (!heldHere.delete(path)) return;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(await readFile(path, 'utf8')) as typeof owner;
      } catch {
        // an unreadable lock file (torn by a crash while being written) is stale
      }
      const sameHost = !owner.host || owner.host === hostname();
      if (owner.pid && owner.pid !== process.pid && sameHost && alive(owner.pid)) {
        throw new StoreError(`数据目录 ${dir} 正被另一个督办通进程(pid ${owner.pid})使用。请先停止它,或用 DUBAN_DATA_DIR 指定另一个目录`, 'LOCKED');
      }
      if (!sameHost) {
        throw new StoreError(`数据目录 ${dir} 被主机 ${owner.host} 上的进程(pid ${owner.pid})锁定。如确认该进程已停止,删除 ${path} 后重试`, 'LOCKED');
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new StoreError(`无法锁定数据目录 ${dir}`, 'LOCKED');
}
