import { readdir, rename, rm } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fromDay, parseHhmm, shanghaiDate, shanghaiMinutes, toDay } from '../calendar/dates.js';
import type { Chore } from './housekeeping.js';

/** A daily backup's file: one per day, named by its date (Asia/Shanghai). */
const FILE = /^duban-(\d{4}-\d{2}-\d{2})\.tar\.gz$/;

export interface BackupTaken {
  ledger: { seq: number };
  bytes: number;
  seconds: number;
}

export interface DailyBackup extends Chore {
  /** The last backup this process took (for /metrics), if any. */
  last(): { at: Date; file: string; bytes: number; seconds: number; seq: number } | undefined;
}

/**
 * The scheduled daily backup (DUBAN_BACKUP_DIR): at the first check after `at` each day, if the
 * day's file is not there yet and this instance leads (several instances: one backs up), a backup
 * is taken to `duban-YYYY-MM-DD.tar.gz` (written beside, renamed when complete and verified), and
 * the day's files older than `keepDays` are deleted. Runs on real time, like the other chores.
 */
export function dailyBackup(o: {
  dir: string;
  keepDays: number;
  at: string;
  take: (out: string) => Promise<BackupTaken>;
  leads?: () => boolean;
  now?: () => Date;
}): DailyBackup {
  let last: ReturnType<DailyBackup['last']>;
  const now = o.now ?? (() => new Date());
  return {
    name: '每日备份',
    everyMs: 10 * 60_000,
    last: () => last,
    async run() {
      const at = now();
      const date = shanghaiDate(at);
      if (shanghaiMinutes(at) < parseHhmm(o.at) || (o.leads && !o.leads())) return undefined;
      await mkdir(o.dir, { recursive: true });
      const names = await readdir(o.dir);
      const file = `duban-${date}.tar.gz`;
      if (names.includes(file)) return undefined;
      // an earlier attempt that did not finish (the process stopped mid-way) is not a backup
      for (const n of names) if (n.endsWith('.partial')) await rm(join(o.dir, n), { force: true });
      const partial = join(o.dir, `${file}.partial`);
      const r = await o.take(partial).catch(async (error: unknown) => {
        await rm(partial, { force: true });
        throw error;
      });
      await rename(partial, join(o.dir, file));
      last = { at, file: join(o.dir, file), bytes: r.bytes, seconds: r.seconds, seq: r.ledger.seq };
      const oldest = fromDay(toDay(date) - o.keepDays);
      const removed: string[] = [];
      for (const n of names) {
        const d = FILE.exec(n)?.[1];
        if (d && d < oldest) {
          await rm(join(o.dir, n), { force: true });
          removed.push(n);
        }
      }
      return `每日备份:${file}(台账到第 ${r.ledger.seq} 条,${(r.bytes / 1024 / 1024).toFixed(1)} MB,${r.seconds.toFixed(1)} 秒)${removed.length ? `;已删除 ${removed.length} 个超过 ${o.keepDays} 天的备份` : ''}`;
    },
  };
}
