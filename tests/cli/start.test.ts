import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTs, startTs, waitForOutput } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

// port 0: the OS gives the server and the emulator npm start launches free ports (never a
// developer's running emulator, never a collision); both are read back from what starts
const env = (dir: string) => ({ DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: SEEDS_DIR, PORT: '0', HOST: '127.0.0.1', DUBAN_EMULATOR_PORT: '0' });

describe('npm start', () => {
  it('seeds an empty data directory, serves the plan, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const run = startTs('server/src/main.ts', [], env(dir));
    const out = await waitForOutput(run, (t) => t.includes('督办通已启动'));
    expect(out).toContain('本地模式');
    expect(out).toContain('38 项主要任务、36 项重点任务');
    // the first backup is the seeded state, written right after seeding (not the empty state, not only at shutdown)
    expect(JSON.parse(readFileSync(join(dir, 'state.last-good.json'), 'utf8')).tasks).toHaveLength(74);
    const url = /督办通已启动:(http:\/\/[^\s]+)/.exec(out)![1]!;
    expect((await fetch(`${url}/api/tasks?kind=key&limit=1`)).status).toBe(401);
    // local mode: a dev sign-in stands in for DingTalk's 免登
    const session = (await (await fetch(`${url}/api/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personId: 'p-dkb-s1' }) })).json()) as { token: string };
    const res = await fetch(`${url}/api/tasks?kind=key&limit=1`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(36);
    run.child.kill('SIGTERM');
    const end = await run.done;
    expect(end.code).toBe(0);
    expect(end.stdout).toContain('已停止');
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).tasks).toHaveLength(74);
    // local mode: the simulated clock is the clock — every ledger event, seeding included, is dated on the simulated day
    const dates = readdirSync(join(dir, 'ledger')).flatMap((f) => readFileSync(join(dir, 'ledger', f), 'utf8').trim().split('\n')).map((l) => (JSON.parse(l) as { at: string }).at.slice(0, 10));
    expect(dates.length).toBeGreaterThan(10);
    expect([...new Set(dates)]).toEqual(['2018-11-01']);
  });

  it('refuses to start on a corrupt state file: message, exit code 1, file untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), '{"schemaVersion":1,"plans":[{"id":');
    writeFileSync(join(dir, 'state.last-good.json'), '{}');
    const before = readFileSync(join(dir, 'state.json'));
    const end = await runTs('server/src/main.ts', [], env(dir));
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('启动失败');
    expect(end.stderr).toContain(`状态文件 ${join(dir, 'state.json')} 已损坏`);
    expect(end.stderr).toContain(join(dir, 'state.last-good.json'));
    expect(readFileSync(join(dir, 'state.json'))).toEqual(before);
  });

  it('refuses an invalid configuration with a clear message', async () => {
    const end = await runTs('server/src/main.ts', [], { ...env(tempDir()), PORT: 'eighty', DINGTALK_APP_KEY: 'only-this' });
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('PORT');
  });
});
