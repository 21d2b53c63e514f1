import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dailyBackup } from '../../server/src/scheduler/daily-backup.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the scheduled daily backup (DUBAN_BACKUP_DIR)', () => {
  it('takes one backup a day after its hour, on the leading instance only, and keeps the last N days', async () => {
    const dir = tempDir();
    // what earlier days left: files of 10, 8 and 3 days ago, and an attempt that never finished
    for (const d of ['2026-11-27', '2026-11-29', '2026-12-04']) writeFileSync(join(dir, `duban-${d}.tar.gz`), 'old');
    writeFileSync(join(dir, 'duban-2026-12-06.tar.gz.partial'), 'torn');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    let now = new Date('2026-12-07T02:00:00+08:00');
    let leading = false;
    const taken: string[] = [];
    const chore = dailyBackup({
      dir,
      keepDays: 7,
      at: '02:30',
      now: () => now,
      leads: () => leading,
      take: async (out) => {
        taken.push(out);
        writeFileSync(out, 'backup');
        return { ledger: { seq: 42 }, bytes: 6, seconds: 0.1 };
      },
    });
    expect(await chore.run()).toBeUndefined(); // before 02:30
    now = new Date('2026-12-07T02:40:00+08:00');
    expect(await chore.run()).toBeUndefined(); // another instance leads
    expect(taken).toEqual([]);
    leading = true;
    expect(await chore.run()).toBe(
      '每日备份:duban-2026-12-07.tar.gz(台账到第 42 条,0.0 MB,0.1 秒);已删除 2 个超过 7 天的备份',
    );
    expect(taken).toEqual([join(dir, 'duban-2026-12-07.tar.gz.partial')]);
    expect(readdirSync(dir).sort()).toEqual(['duban-2026-12-04.tar.gz', 'duban-2026-12-07.tar.gz', 'notes.txt']);
    expect(chore.last()).toMatchObject({ seq: 42, bytes: 6, file: join(dir, 'duban-2026-12-07.tar.gz') });
    // checked again the same day: nothing more
    now = new Date('2026-12-07T15:00:00+08:00');
    expect(await chore.run()).toBeUndefined();
    expect(taken).toHaveLength(1);
  });

  it('a failed backup leaves no file that looks like one, and is tried again at the next check', async () => {
    const dir = tempDir();
    let fail = true;
    const chore = dailyBackup({
      dir,
      keepDays: 30,
      at: '02:30',
      now: () => new Date('2026-12-07T03:00:00+08:00'),
      take: async (out) => {
        writeFileSync(out, 'half');
        if (fail) throw new Error('磁盘已满');
        return { ledger: { seq: 1 }, bytes: 4, seconds: 0 };
      },
    });
    await expect(chore.run()).rejects.toThrow('磁盘已满');
    expect(readdirSync(dir)).toEqual([]);
    expect(chore.last()).toBeUndefined();
    fail = false;
    expect(await chore.run()).toMatch(/^每日备份/);
    expect(existsSync(join(dir, 'duban-2026-12-07.tar.gz'))).toBe(true);
  });
});
