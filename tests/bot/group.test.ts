import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupPace } from '../../server/src/bot/group-replies.js';
import type { OutboundMessage } from '../../server/src/channels/channel.js';
import { webhookBody } from '../../server/src/channels/dingtalk/message-format.js';
import { botHarness } from '../helpers/bot-harness.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('the bot in a 督办工作群 (#32 req 5)', () => {
  let t: TestApp;
  let inGroup: OutboundMessage[];
  let privately: Array<{ to: string[]; m: OutboundMessage }>;
  let say: (personId: string, text: string) => Promise<unknown>;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const h = botHarness(t, {
      groupPace: new GroupPace(
        20,
        () => 0,
        async () => undefined,
      ),
    });
    inGroup = h.replies;
    privately = h.privately;
    say = (personId, text) => h.say(personId, text, { id: 'cid-group', type: 'group', title: '越城区督办工作群' });
  });
  afterAll(async () => t.close());

  it('acts for the sender, and the group reply @-mentions them', async () => {
    await say('p-fsjd-c', '@督办通 收到 9');
    const r = inGroup.at(-1)!;
    expect(r).toMatchObject({ kind: 'markdown', at: ['dt-fsjd-c'] });
    expect(r.kind === 'markdown' && r.text).toMatch(/^@石刚 已签收:重点任务9\(府山街道\)/);
    expect(webhookBody(r)).toMatchObject({ at: { atUserIds: ['dt-fsjd-c'], isAtAll: false } });
  });

  it('never lists a unit’s items in the group: they go to the sender privately', async () => {
    const before = privately.length;
    await say('p-fsjd-c', '@督办通 我的任务');
    expect(privately.length).toBe(before + 1);
    expect(privately.at(-1)!.to).toEqual(['dt-fsjd-c']);
    expect(inGroup.at(-1)).toEqual({
      kind: 'text',
      text: '@石刚 已单独回复您(涉及单位事项,不在群里展示)。',
      at: ['dt-fsjd-c'],
    });
    await say('p-fsjd-c', '@督办通 收到');
    expect(privately.at(-1)!.m.kind).toBe('actionCard'); // the question with its buttons, privately
  });

  it('a group the 督考办 set up as a unit’s: that unit’s people are answered in it; others still privately', async () => {
    const lastSaid = () => {
      const m = inGroup.at(-1)!;
      return m.kind === 'actionCard' ? m.markdown : m.text;
    };
    // only the 督考办 may set a group up
    await say('p-fsjd-c', '@督办通 本群设为府山街道');
    expect(lastSaid()).toContain('只有督考办');
    expect(t.store.state.get().unitChats?.['cid-group']).toBeUndefined();
    await say('p-dkb-s1', '@督办通 本群设为府山街道的工作群');
    expect(lastSaid()).toContain('本群已设为府山街道的工作群');
    expect(t.store.state.get().unitChats?.['cid-group']).toMatchObject({ unitId: 'fsjd', by: 'p-dkb-s1' });
    expect(t.store.ledger.last()).toMatchObject({
      type: 'chat.bound',
      channel: 'bot',
      payload: { conversationId: 'cid-group', unitId: 'fsjd' },
    });
    // 府山街道's contact: 我的任务 in the group, @-ing them
    const before = privately.length;
    await say('p-fsjd-c', '@督办通 我的任务');
    expect(privately.length).toBe(before);
    const shown = inGroup.at(-1)!;
    expect(shown.kind === 'markdown' && shown.text).toMatch(/^@石刚 /);
    expect(JSON.stringify(shown)).toContain('府山街道');
    // another unit's contact in the same group: still privately
    await say('p-bhjd-c', '@督办通 我的任务');
    expect(privately.length).toBe(before + 1);
    expect(lastSaid()).toContain('已单独回复您');
    // undone: privately again
    await say('p-dkb-s1', '@督办通 解除本群绑定');
    expect(t.store.state.get().unitChats?.['cid-group']).toBeUndefined();
    await say('p-fsjd-c', '@督办通 我的任务');
    expect(privately.length).toBe(before + 2);
  });

  it('paces group replies at 20 a minute: the 21st waits, none is dropped', async () => {
    let now = 0;
    const waits: number[] = [];
    const pace = new GroupPace(
      20,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    const times: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      await pace.turn();
      times.push(now);
      now += 100;
    }
    expect(times).toHaveLength(25); // none dropped
    expect(waits).toEqual([60_000 - 2000]); // the 21st waited for the first to leave the minute
    for (const t0 of times) expect(times.filter((x) => x >= t0 && x < t0 + 60_000).length).toBeLessThanOrEqual(20);
  });
});
