import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/src/store/open-store.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { seededApp } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cpSync } from 'node:fs';

const PART = 'yc-lqstg-2018.k1.fsjd';
const at = () => new Date('2019-03-01T09:00:00+08:00');

/** The state file's text with its digest recomputed, as someone who read the code would. */
function resealed(text: string): string {
  const body = `${text.replace(/,"stateDigest":"[0-9a-f]{64}"\}\s*$/, '')}}`;
  return `${body.slice(0, -1)},"stateDigest":"${createHash('sha256').update(body).digest('hex')}"}\n`;
}

const verify = (dir: string) =>
  runTs('server/src/cli/ledger-verify.ts', ['--data', dir], { DUBAN_SEEDS_DIR: SEEDS_DIR, DUBAN_DATA_DIR: dir });

describe('a state the ledger does not back is not served (#33 req 10)', () => {
  let source: string;
  beforeAll(async () => {
    // a district's data directory after a few days: one part signed for, others not
    const t = await seededApp();
    expect(
      (await t.inject({ method: 'POST', url: `/api/assignments/${PART}/acknowledge` }, 'p-fsjd-c')).statusCode,
    ).toBe(200);
    source = t.dataDir;
    await t.close();
  });
  /** A copy of the directory to tamper with. */
  const copy = (): string => {
    const dir = tempDir();
    cpSync(source, dir, { recursive: true });
    return dir;
  };
  const edit = (dir: string, fn: (text: string) => string) => {
    const path = join(dir, 'state.json');
    writeFileSync(path, fn(readFileSync(path, 'utf8')));
  };
  // another unit's 签收, still open, flipped to fulfilled by hand
  const flip = (text: string) =>
    text.replace(
      /("id":"yc-lqstg-2018\.k1\.bhjd:2019:acknowledge"[^}]*?"status":)"open"/,
      (_m, head: string) => `${head}"fulfilled"`,
    );

  it('the untouched directory verifies, state and ledger together', async () => {
    const r = await verify(copy());
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('状态与台账一致');
  });

  it('a hand edit (a 签收 flipped, a unit renamed): the digest no longer matches; start-up and verify refuse', async () => {
    for (const change of [flip, (t: string) => t.replace('"name":"府山街道"', '"name":"府山街道办"')]) {
      const dir = copy();
      edit(dir, change);
      expect(readFileSync(join(dir, 'state.json'), 'utf8')).not.toBe(readFileSync(join(source, 'state.json'), 'utf8'));
      await expect(openStore(dir, { clock: at })).rejects.toMatchObject({
        code: 'STATE_CORRUPT',
        message: expect.stringContaining('内容与其摘要不符'),
      });
      const r = await verify(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('状态文件的内容与其摘要不符');
    }
  });

  it('the same edit with the digest recomputed: the status has no record behind it; start-up and verify name the item', async () => {
    const dir = copy();
    edit(dir, (t) => resealed(flip(t)));
    const store = await openStore(dir, { clock: at });
    await store.close();
    const t = await seededApp({ dataDir: dir }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(t?.message).toContain('状态与台账不一致,服务未启动');
    expect(t?.message).toContain('yc-lqstg-2018.k1.bhjd:2019:acknowledge');
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('状态与台账不一致');
    expect(r.stderr).toContain('yc-lqstg-2018.k1.bhjd:2019:acknowledge');
  });

  it('a ledger line carrying a member twice (a forged copy first, the genuine one last) is refused', async () => {
    const dir = copy();
    const ledgerDir = join(dir, 'ledger');
    const file = join(ledgerDir, readdirSync(ledgerDir).sort().at(-1)!);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const last = lines.at(-1)!;
    // JSON.parse keeps the last member: the hash still matches the genuine payload
    lines[lines.length - 1] = last.replace('"payload":', '"payload":{"forged":true},"payload":');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('同一字段出现两次');
  });
});
