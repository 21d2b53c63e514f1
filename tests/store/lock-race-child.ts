/**
 * Child for the lock race test: on "go <dir>" it tries to lock the directory and answers
 * "WON <dir>" or "LOST <dir>", holding a won lock until "release <dir>".
 */
import { createInterface } from 'node:readline';
import { lockDir, type DirLock } from '../../server/src/store/lock.js';

const held = new Map<string, DirLock>();
process.stdout.write('READY\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, dir] = line.split(' ') as [string, string];
  if (cmd === 'go') {
    try {
      held.set(dir, await lockDir(dir));
      process.stdout.write(`WON ${dir}\n`);
    } catch (error) {
      process.stdout.write(`LOST ${dir} ${(error as { code?: string }).code ?? 'ERROR'}\n`);
    }
  } else if (cmd === 'release') {
    await held.get(dir)?.release();
    held.delete(dir);
    process.stdout.write(`RELEASED ${dir}\n`);
  }
}
