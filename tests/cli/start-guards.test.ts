import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../server/src/log.js';
import { runTs } from '../helpers/run-node.js';
import { readOnlyDir } from '../helpers/read-only-dir.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('start-up and logs', () => {
  it('a read-only data directory stops start-up with one Chinese line naming it, not a stack', async () => {
    const dir = tempDir();
    const lock = readOnlyDir(dir);
    try {
      const end = await runTs('server/src/main.ts', [], {
        DUBAN_DATA_DIR: dir,
        DUBAN_SEEDS_DIR: SEEDS_DIR,
        PORT: '0',
        HOST: '127.0.0.1',
        DUBAN_EMULATOR_PORT: '0',
      });
      expect(end.code).toBe(1);
      expect(end.stderr).toContain('启动失败:没有权限写入');
      expect(end.stderr).toContain(dir);
      expect(end.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      lock.restore();
    }
  });

  it('signed links and sign-in codes never reach a log line', () => {
    expect(redactUrl('/api/evidence/abc?p=p1&exp=99&sig=SECRET&thumb=1')).toBe(
      '/api/evidence/abc?p=p1&exp=99&sig=[已隐去]&thumb=1',
    );
    expect(redactUrl('/app/?code=AUTHCODE')).toBe('/app/?code=[已隐去]');
  });
});
