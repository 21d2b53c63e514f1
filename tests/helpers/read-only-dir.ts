import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

/**
 * Makes a directory refuse new files and renames, and undoes it. Root ignores permission bits, so
 * as root the directory is made immutable (chattr +i, ext4/xfs); otherwise its mode is 0555.
 */
export function readOnlyDir(dir: string): { restore: () => void } {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', dir]);
    return { restore: () => execFileSync('chattr', ['-i', dir]) };
  }
  chmodSync(dir, 0o555);
  return { restore: () => chmodSync(dir, 0o755) };
}
