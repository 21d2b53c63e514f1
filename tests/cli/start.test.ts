import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTs, startTs, waitForOutput } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

// port 0: the OS gives the server and the emulator npm start launches free ports (never a
// developer's running emulator, never a collision); both are read back from what starts
const env = (dir: string) => ({
  DUBAN_DATA_DIR: dir,
  DUBAN_SEEDS_DIR: SEEDS_DIR,
  PORT: '0',
  HOST: '127.0.0.1',
  DUBAN_EMULATOR_PORT: '0',
});

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
    const session = (await (
      await fetch(`${url}/api/auth/dev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: 'p-dkb-s1' }),
      })
    ).json()) as { token: string };
    const res = await fetch(`${url}/api/tasks?kind=key&limit=1`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(36);
    run.child.kill('SIGTERM');
    const end = await run.done;
    expect(end.code).toBe(0);
    expect(end.stdout).toContain('已停止');
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).tasks).toHaveLength(74);
    // local mode: the simulated clock is the clock — every ledger event, seeding included, is dated on the simulated day
    const dates = readdirSync(join(dir, 'ledger'))
      .flatMap((f) =>
        readFileSync(join(dir, 'ledger', f), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((l) => (JSON.parse(l) as { at: string }).at.slice(0, 10));
    expect(dates.length).toBeGreaterThan(10);
    expect([...new Set(dates)]).toEqual(['2018-11-01']);
  });

  it('a replayed week in local mode: every ledger time and timeline time lies in the simulated week, and a restart keeps the console', async () => {
    const dir = tempDir();
    const first = startTs('server/src/main.ts', [], env(dir));
    const out = await waitForOutput(first, (t) => t.includes('督办通已启动'));
    const url = /督办通已启动:(http:\/\/[^\s]+)/.exec(out)![1]!;
    const emulator = /钉钉模拟器已启动:(http:\/\/[^\s]+)/.exec(out)![1]!;
    const json = async <T>(res: Promise<Response>): Promise<T> => (await (await res).json()) as T;
    const post = (u: string, body: unknown, token?: string) =>
      fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const { token } = await json<{ token: string }>(post(`${url}/api/auth/dev`, { personId: 'p-fzb-c' }));
    const messages = () =>
      json<{ items: Array<{ id: string; kind: string; direction?: string }> }>(
        fetch(`${emulator}/__emulator/messages?userid=dt-fzb-c`),
      );
    const botSays = async (text: string) => {
      const before = (await messages()).items.filter((i) => i.direction === 'toUser').length;
      await post(`${emulator}/__emulator/robot/messages`, { userid: 'dt-fzb-c', text });
      await expect
        .poll(async () => (await messages()).items.filter((i) => i.direction === 'toUser').length, { timeout: 10_000 })
        .toBeGreaterThan(before);
    };
    // a week of the plan: the bot, the mini-app and the scheduler each write on their own simulated day
    await botSays('收到 22');
    for (const step of ['nextWorkingDay', 'nextWorkingDay', 'nextWorkingDay'])
      expect((await post(`${url}/dev/clock`, { advance: step })).status).toBe(200);
    expect((await post(`${url}/api/assignments/yc-lqstg-2018.k1.fzb/acknowledge`, {}, token)).status).toBe(200);
    expect((await json<{ date: string }>(post(`${url}/dev/clock`, { advance: 'nextWorkingDay' }))).date).toBe(
      '2018-11-07',
    );
    await botSays('进展 22 已起草法律顾问工作制度');
    const overview = await json<{ timeline: Array<{ at: string }> }>(
      fetch(`${url}/api/tasks/yc-lqstg-2018.k22/overview`, { headers: { authorization: `Bearer ${token}` } }),
    );
    const console1 = (await messages()).items.map((i) => i.id);
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);

    const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
    const inWeek = (d: string) => d >= '2018-11-01' && d <= '2018-11-07';
    const events = readdirSync(join(dir, 'ledger'))
      .flatMap((f) =>
        readFileSync(join(dir, 'ledger', f), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((l) => JSON.parse(l) as { type: string; at: string });
    expect(events.filter((e) => !inWeek(day(e.at)))).toEqual([]);
    expect(new Set(events.map((e) => day(e.at)))).toEqual(
      new Set(['2018-11-01', '2018-11-02', '2018-11-05', '2018-11-06', '2018-11-07']),
    );
    // a plain note on 11-07 answers no item (the 年末自评报告 opens in December): a free 进展 (#31 req 2)
    expect(events.filter((e) => e.type === 'progress.reported')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'obligation.reported')).toHaveLength(0);
    expect(overview.timeline.length).toBeGreaterThan(2);
    expect(overview.timeline.filter((e) => !inWeek(day(e.at)))).toEqual([]);

    // the emulator's world (notices, chat) is in the data directory: a restart shows the same console
    const second = startTs('server/src/main.ts', [], env(dir));
    const out2 = await waitForOutput(second, (t) => t.includes('督办通已启动'));
    expect(out2).toMatch(/钉钉模拟器:已恢复上次的 \d+ 条消息和待办/);
    const emulator2 = /钉钉模拟器已启动:(http:\/\/[^\s]+)/.exec(out2)![1]!;
    const restored = await json<{ items: Array<{ id: string }> }>(
      fetch(`${emulator2}/__emulator/messages?userid=dt-fzb-c`),
    );
    expect(restored.items.map((i) => i.id)).toEqual(console1);
    second.child.kill('SIGTERM');
    expect((await second.done).code).toBe(0);
  }, 120_000);

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

  it('DUBAN_PLATFORM=zzd: says so at start and sends the first day’s digests to the emulated 浙政钉, with no bot and no 待办', async () => {
    const dir = tempDir();
    const run = startTs('server/src/main.ts', [], { ...env(dir), DUBAN_PLATFORM: 'zzd' });
    const out = await waitForOutput(run, (t) => t.includes('督办通已启动'));
    expect(out).toContain('消息平台:浙政钉(本地模拟器,浙政钉网关 http://127.0.0.1:');
    expect(out).toContain('浙政钉没有机器人会话');
    const emulator = /钉钉模拟器已启动:(http:\/\/[^\s]+)/.exec(out)![1]!;
    const inbox = async () =>
      (await (await fetch(`${emulator}/__emulator/messages?userid=dt-fzb-c`)).json()) as {
        items: Array<{ kind: string; platform?: string; msg: { action_card: { title: string } } }>;
        todos: unknown[];
      };
    await expect
      .poll(async () => (await inbox()).items.map((i) => `${i.platform} ${i.msg.action_card.title}`), {
        timeout: 20_000,
      })
      .toEqual(['zzd 督办提醒 · 11月1日']);
    expect((await inbox()).todos).toEqual([]);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('refuses an invalid configuration with a clear message', async () => {
    const end = await runTs('server/src/main.ts', [], {
      ...env(tempDir()),
      PORT: 'eighty',
      DINGTALK_APP_KEY: 'only-this',
    });
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('PORT');
  });
});
