import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../server/src/channels/channel.js';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { botHarness, buttonWords, words } from '../helpers/bot-harness.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** #32 acceptance: the messages that failed do what the official meant, or ask with buttons. */
describe('the bot answers officials’ natural replies', () => {
  let t: TestApp;
  let say: (personId: string, text: string) => Promise<OutboundMessage>;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    say = botHarness(t).say;
  });
  afterAll(async () => t.close());
  const buttons = (m: OutboundMessage) => buttonWords(m).map((says) => ({ says }));
  const events = async (from: number) => {
    const out: LedgerEvent[] = [];
    for await (const e of t.store.ledger.read(from + 1)) out.push(e);
    return out;
  };

  it('"收到" alone answers with what is open to sign, one tap each — and signs nothing', async () => {
    const seq = t.store.ledger.head().seq;
    const r = await say('p-fsjd-c', '收到');
    expect(words(r)).toMatch(/您的单位有 \d+ 项任务待签收/);
    const b = buttons(r);
    expect(b[0]).toMatchObject({ says: '全部收到' });
    expect(b.slice(1).every((x) => /^收到 \d+$/.test(x.says))).toBe(true);
    expect(await events(seq)).toEqual([]);
    // the tap signs
    const one = b[1]!.says;
    expect(words(await say('p-fsjd-c', one))).toContain('已签收');
  });

  it('"9号任务已完成80%" is a report on task 9, in the official’s words', async () => {
    const seq = t.store.ledger.head().seq;
    const r = await say('p-fsjd-c', '9号任务已完成80%,附件见图');
    expect(words(r)).toMatch(/重点任务9/);
    const reported = (await events(seq)).find((e) => e.type === 'progress.reported')!;
    expect(reported.payload).toMatchObject({ taskId: 'yc-lqstg-2018.k9', unitId: 'fsjd', text: '已完成80%,附件见图' });
  });

  it('"申请延期到明年3月" asks which task, the buttons carrying the date', async () => {
    const seq = t.store.ledger.head().seq;
    const r = await say('p-fsjd-c', '申请延期到明年3月');
    expect(words(r)).toContain('要为哪项任务申请延期');
    expect(buttons(r).length).toBeGreaterThan(0);
    expect(buttons(r).every((x) => /^延期 \d+ 明年3月/.test(x.says))).toBe(true);
    expect(await events(seq)).toEqual([]);
  });

  it('"延期 9 明年3月 等待编制批复" reads the date as next March and asks which item, or files it', async () => {
    const r = await say('p-fsjd-c', '延期 9 明年3月 等待编制批复');
    const all = `${words(r)} ${buttons(r)
      .map((x) => x.says)
      .join(' ')}`;
    expect(all).toContain('2020-03-31');
    expect(all).not.toContain('请写明任务编号');
  });

  it('the item in words picks what a 延期 extends ("年中督查报告 … 延期到7月15日")', async () => {
    const seq = t.store.ledger.head().seq;
    const r = await say('p-bhjd-c', '9号任务年中督查报告申请延期到7月15日,原因是等待上级批复');
    expect(words(r)).toContain('年中督查报告');
    const filed = (await events(seq)).find((e) => e.type === 'extension.requested')!;
    expect(filed.payload).toMatchObject({
      taskId: 'yc-lqstg-2018.k9',
      until: '2019-07-15',
      obligations: [expect.objectContaining({ obligationId: 'yc-lqstg-2018.k9.bhjd:2019:midYear' })],
    });
  });

  // several 签收 in one message are one write: every task signed once, the reply naming each
  const acks = async (from: number, unitId: string) => {
    const out: string[] = [];
    for await (const e of t.store.ledger.read(from + 1)) {
      const p = e.payload as { unitId?: string; obligationId?: string };
      if (e.type === 'obligation.acknowledged' && p.unitId === unitId) out.push(p.obligationId!);
    }
    return out;
  };
  /** The assignments of the unit with a 签收 open, in every year the state holds. */
  const openAcks = (unitId: string) =>
    new Set(
      Object.values(t.store.state.get().obligations)
        .flatMap((byPlan) => Object.values(byPlan).flat())
        .filter((o) => o.unitId === unitId && o.kind === 'acknowledge' && o.status === 'open')
        .map((o) => o.assignmentId),
    );
  const assignmentsOf = (obligationIds: string[]) => new Set(obligationIds.map((id) => id.split(':')[0]!));

  it('"1、3、3收到" signs tasks 1 and 3 once each and says which were not its unit’s', async () => {
    const seq = t.store.ledger.head().seq;
    const r = words(await say('p-bhjd-c', '1、3、3、99收到'));
    // each obligation id begins with its assignment's: yc-lqstg-2018.k<N>…
    const signed = await acks(seq, 'bhjd');
    expect([...new Set(signed.map((id) => /\.k(\d+)\b/.exec(id)?.[1]))].sort()).toEqual(['1', '3']);
    expect(new Set(signed).size).toBe(signed.length);
    expect(r).toContain('重点任务1');
    expect(r).toContain('重点任务3');
    // the same again: nothing new is written, the reply says there was nothing to sign
    const again = t.store.ledger.head().seq;
    await say('p-bhjd-c', '1、3收到');
    expect(await acks(again, 'bhjd')).toEqual([]);
  });

  it('"全部收到" signs every open 签收 of the unit in one message, each once', async () => {
    const before = openAcks('tsjd');
    expect(before.size).toBeGreaterThan(1);
    const seq = t.store.ledger.head().seq;
    const r = words(await say('p-tsjd-c', '全部收到'));
    expect(r).toMatch(new RegExp(`已全部签收,共 \\d+ 项`));
    const signed = await acks(seq, 'tsjd');
    expect(new Set(signed).size).toBe(signed.length);
    expect(assignmentsOf(signed)).toEqual(before);
    expect(openAcks('tsjd').size).toBe(0);
    expect(words(await say('p-tsjd-c', '全部收到'))).toBe('没有需要签收的任务。');
  });
});
