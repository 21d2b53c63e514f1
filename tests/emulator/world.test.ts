import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';

type Inbox = {
  items: Array<{ id: string; kind: string; read: boolean; direction?: string; body?: Record<string, unknown> }>;
  todos: Array<{ id: string; subject: string; done: boolean }>;
};

describe('the emulated world survives a restart (local mode keeps it in the data directory)', () => {
  it('keeps notices, read state, the bot chat, 待办 and the platform counters; ids are not reused', async () => {
    const worldFile = join(tempDir(), 'emulator-world.json');
    const first = await startEmulator({ worldFile });
    const user = first.state.org.users.find((u) => u.userid === 'dt-fzb-c')!;
    const token = (
      (await (await fetch(`${first.url}/gettoken?appkey=${first.appKey}&appsecret=${first.appSecret}`)).json()) as {
        access_token: string;
      }
    ).access_token;
    const sent = await fetch(`${first.url}/topapi/message/corpconversation/asyncsend_v2?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        agent_id: first.state.org.apps[0]!.agentId,
        userid_list: user.userid,
        msg: { msgtype: 'text', text: { content: '督办提醒 · 11月1日' } },
      }),
    });
    expect(((await sent.json()) as { errcode: number }).errcode).toBe(0);
    const todo = await fetch(`${first.url}/v1.0/todo/users/${user.unionid}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
      body: JSON.stringify({
        subject: '2018年度签收 12 项任务(区法制办)',
        executorIds: [user.unionid],
        sourceId: 's1',
      }),
    });
    expect(todo.status).toBe(200);
    await first.admin('POST', '/robot/messages', { userid: user.userid, text: '我的任务' });
    const before = await first.admin<Inbox>('GET', `/messages?userid=${user.userid}`);
    const notice = before.items.find((i) => i.kind === 'notice')!;
    await first.admin('POST', `/messages/${notice.id}/read`);
    const counters = await first.admin<Record<string, unknown>>('GET', '/counters');
    await first.close();

    const second = await startEmulator({ worldFile });
    expect(second.restored).toBeGreaterThanOrEqual(3);
    const after = await second.admin<Inbox>('GET', `/messages?userid=${user.userid}`);
    expect(after.items.map((i) => [i.id, i.kind])).toEqual(before.items.map((i) => [i.id, i.kind]));
    expect(after.items.find((i) => i.id === notice.id)!.read).toBe(true);
    expect(after.todos).toEqual([
      expect.objectContaining({ subject: '2018年度签收 12 项任务(区法制办)', done: false }),
    ]);
    expect(await second.admin('GET', '/counters')).toEqual(counters);
    // the same sourceId is still known (a restarted platform does not forget its 待办)…
    const again = await fetch(`${second.url}/v1.0/todo/users/${user.unionid}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
      body: JSON.stringify({ subject: 'x', executorIds: [user.unionid], sourceId: 's1' }),
    });
    expect(again.status).toBe(400);
    // …and new messages get new ids
    await second.admin('POST', '/robot/messages', { userid: user.userid, text: '帮助' });
    const ids = (await second.admin<Inbox>('GET', `/messages?userid=${user.userid}`)).items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    await second.close();
  });

  it('sets a damaged world file aside and starts empty', async () => {
    const dir = tempDir();
    const worldFile = join(dir, 'emulator-world.json');
    writeFileSync(worldFile, '{"version":1,"inbox":[tr');
    const warnings: string[] = [];
    const { buildEmulator } = await import('../../emulator/src/app.js');
    const { orgFromSeeds } = await import('../../emulator/src/org.js');
    const { SEEDS_DIR } = await import('../helpers/seeds.js');
    const emu = await buildEmulator(orgFromSeeds(SEEDS_DIR), { worldFile, log: (m) => warnings.push(m) });
    expect(emu.restored).toBe(0);
    expect(emu.state.inbox).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('已改名为')]);
    expect(readFileSync(`${worldFile}.bad`, 'utf8')).toBe('{"version":1,"inbox":[tr');
    await emu.app.close();
    expect(existsSync(worldFile)).toBe(true);
  });
});
