import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes a directory and its files refuse writes, new files and renames, and undoes it. Root ignores permission bits, so
 * as root the directory is made immutable (chattr +i, ext4/xfs); otherwise its mode is 0555.
 */
export function readOnlyDir(dir: string): { restore: () => void } {
  // the directory and the files in it (the state's checkpoint and journal are written in place)
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(dir, e.name));
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', dir, ...files]);
    return { restore: () => execFileSync('chattr', ['-i', dir, ...files]) };
  }
  chmodSync(dir, 0o555);
  for (const f of files) chmodSync(f, 0o444);
  return {
    restore: () => {
      chmodSync(dir, 0o755);
      for (const f of files) chmodSync(f, 0o644);
    },
  };
}
