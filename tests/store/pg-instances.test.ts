import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { BotInbox } from '../../server/src/bot/bot-inbox.js';
import { toBotEvent } from '../../server/src/channels/dingtalk/robot-payload.js';
import { Dispatcher } from '../../server/src/outbox/dispatcher.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { freshSchema } from '../helpers/pg.js';
import { calendar, policy } from '../helpers/reminders.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { silentLog } from '../helpers/test-app.js';

const at = new Date('2018-11-01T09:00:00+08:00');

describe('two instances on one PostgreSQL database', () => {
  it('one plans and sends the day, the other stands by and reads it; when the first stops, the second takes over without planning again', async () => {
    const url = await freshSchema();
    const first = await openPgStore(url, { clock: () => at });
    await seedStore(first, await loadSeeds(SEEDS_DIR), at);
    const second = await openPgStore(url, { clock: () => at });
    const channel = new FakeChannel(() => at);
    const scheduler = (store: Store) =>
      new Scheduler({
        store,
        calendar,
        policy,
        clock: { now: () => at },
        log: silentLog,
        dispatcher: new Dispatcher(store, channel, silentLog, { concurrency: 8 }),
        publicUrl: 'http://127.0.0.1:3000',
      });
    const [a, b] = [scheduler(first), scheduler(second)];
    expect(await first.lead!()).toBe(true);
    const [ra, rb] = await Promise.all([a.runUntilIdle(at), b.runUntilIdle(at)]);
    expect(ra.standby).toBeUndefined();
    expect(ra.planned?.reminders).toBeGreaterThan(40);
    expect(rb).toMatchObject({ standby: true, dispatched: { sent: 0 } });
    // read back through a third instance opened afterwards
    const reader = await openPgStore(url, { clock: () => at });
    const planned: LedgerEvent[] = [];
    for await (const e of reader.ledger.read()) if (e.type === 'reminders.planned') planned.push(e);
    expect(planned).toHaveLength(1);
    await reader.close();
    const digests = channel.notices.length;
    expect(digests).toBeGreaterThan(40);
    // each person got one digest
    expect(new Set(channel.notices.map((n) => n.userId)).size).toBe(digests);
    // the second instance reads what the first wrote (notified at each commit)
    await expect.poll(() => second.state.get().scheduler.lastPlannedDate, { timeout: 15_000 }).toBe('2018-11-01');
    await first.close();
    // the lock is free: the second leads from its next tick, and does not plan the day again
    const taken = await b.tick(at);
    expect(taken.standby).toBeUndefined();
    expect(taken.planned).toBeUndefined();
    let again = 0;
    for await (const e of second.ledger.read()) if (e.type === 'reminders.planned') again += 1;
    expect(again).toBe(1);
    await second.close();
  });

  it('an instance started while another commits sees one consistent database (state and chain head read in one snapshot)', async () => {
    const url = await freshSchema();
    const writer = await openPgStore(url, { clock: () => at });
    await seedStore(writer, await loadSeeds(SEEDS_DIR), at); // a state big enough to take a while to parse
    let writing = true;
    let commits = 0;
    const busy = (async () => {
      while (writing) {
        await writer.transact((_d, tx) =>
          tx.append({
            type: 'session.signedIn',
            actor: { type: 'person', id: 'p1' },
            subject: { type: 'person', id: 'p1' },
            payload: { how: `w${commits}` },
          }),
        );
        commits += 1;
      }
    })();
    try {
      let overlapped = 0;
      for (let i = 0; i < 12; i += 1) {
        const before = commits;
        const other = await openPgStore(url, { clock: () => at, pollMs: 60_000 });
        if (commits > before) overlapped += 1;
        await other.close();
      }
      // the writer committed while the others were opening (else the case proves nothing)
      expect(overlapped).toBeGreaterThan(6);
    } finally {
      writing = false;
      await busy;
    }
    await writer.close();
  });

  it('each instance knows which others still run: an instance is alive while any of its sessions is open', async () => {
    const url = await freshSchema();
    const [a, b] = [await openPgStore(url, { clock: () => at }), await openPgStore(url, { clock: () => at })];
    const ids = [a.instance!.id, b.instance!.id, 'duban:never-started'];
    expect(new Set(ids).size).toBe(3);
    expect([...(await a.instance!.alive(ids))].sort()).toEqual([a.instance!.id, b.instance!.id].sort());
    await b.close();
    // the server drops a closed session's row at once; give it a moment to be sure
    await expect.poll(async () => [...(await a.instance!.alive(ids))], { timeout: 5_000 }).toEqual([a.instance!.id]);
    await a.close();
  });

  it('a bot message delivered to both instances is handled once', async () => {
    const url = await freshSchema();
    const [s1, s2] = [await openPgStore(url, { clock: () => at }), await openPgStore(url, { clock: () => at })];
    const handled: string[] = [];
    const inbox = (s: Store, name: string) =>
      new BotInbox(
        toBotEvent,
        async (e) => void handled.push(`${name}:${e.msgId}`),
        silentLog,
        Date.now,
        s.claimOnce!.bind(s),
      );
    const [i1, i2] = [inbox(s1, 'a'), inbox(s2, 'b')];
    const payload = {
      msgtype: 'text',
      text: { content: '我的任务' },
      msgId: 'm-shared',
      senderStaffId: 'dt-fzb-c',
      senderNick: '吴超',
      conversationType: '1',
      conversationId: 'c1',
      sessionWebhook: 'http://127.0.0.1:1/x',
      sessionWebhookExpiredTime: Date.now() + 60_000,
      createAt: Date.now(),
      robotCode: 'r',
    };
    i1.accept(payload, 'stream');
    i2.accept(payload, 'stream');
    await Promise.all([i1.idle(), i2.idle()]);
    expect(handled).toHaveLength(1);
    await s1.close();
    await s2.close();
  });
});

describe('two app instances on one database (the mini-app through either)', () => {
  it('a 签收 sent through both at once is recorded once; a report with a photo through A shows on B (woken by the commit on A) and its photo and thumbnail download through B, which has its own disk', async () => {
    const { seededApp } = await import('../helpers/test-app.js');
    const { JPEG, multipartBody } = await import('../helpers/files.js');
    const { tempDir } = await import('../helpers/temp-dir.js');
    const url = await freshSchema();
    // two machines: each its own data directory; evidence is shared through the database
    const a = await seededApp({ store: (clock) => openPgStore(url, { clock }), dataDir: tempDir() });
    const b = await seededApp({ store: (clock) => openPgStore(url, { clock }), dataDir: tempDir() });
    const contact = 'p-fsjd-c';
    const part = 'yc-lqstg-2018.k1.fsjd';
    // each says who it is and whether it leads (an operator behind a load balancer asks each)
    expect(await a.store.lead!()).toBe(true);
    const [ha, hb] = [(await a.inject('/api/health', null)).json(), (await b.inject('/api/health', null)).json()];
    expect([ha.instance.leads, hb.instance.leads]).toEqual([true, false]);
    expect(ha.instance.id).toBe(a.store.instance!.id);
    expect(hb.instance.id).not.toBe(ha.instance.id);
    await expect.poll(() => b.store.state.get().ledger.seq, { timeout: 15_000 }).toBe(a.store.state.get().ledger.seq);
    const [ra, rb] = await Promise.all([
      a.inject({ method: 'POST', url: `/api/assignments/${part}/acknowledge`, payload: {} }, contact),
      b.inject({ method: 'POST', url: `/api/assignments/${part}/acknowledge`, payload: {} }, contact),
    ]);
    expect(
      [ra.statusCode, rb.statusCode],
      `${ra.body} ${rb.body} ${JSON.stringify([a.store.health(), b.store.health()])}`,
    ).toEqual([200, 200]);
    // one carried it out; the other waited for its answer (duban_requests) and got it
    expect([ra.json().already, rb.json().already]).toEqual([false, false]);
    expect([ra.headers['idempotent-replayed'], rb.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    const reader = await openPgStore(url, { clock: () => at });
    const acks: LedgerEvent[] = [];
    for await (const e of reader.ledger.read()) if (e.type === 'obligation.acknowledged') acks.push(e);
    expect(
      acks.filter((e) => (e.payload as { obligationId: string }).obligationId.startsWith(`${part}:2019:acknowledge`)),
    ).toHaveLength(1);
    await reader.close();

    const form = multipartBody('file', '试点照片.jpg', JPEG);
    const file = (
      await a.inject({ method: 'POST', url: '/api/evidence', headers: form.headers, payload: form.payload }, contact)
    ).json();
    const report = await a.inject(
      {
        method: 'POST',
        url: `/api/assignments/${part}/reports`,
        payload: { text: '已完成试点申报(经 A)', noChange: false, evidence: [file.sha256] },
      },
      contact,
    );
    expect(report.statusCode).toBe(200);
    // B's timeline gets it: A's commit notifies B (no wall-clock bound asserted here)
    const onB = async () =>
      (await b.inject(`/api/tasks/yc-lqstg-2018.k1/overview`, contact)).json() as {
        timeline: Array<{ text?: string; evidence?: Array<{ url: string }> }>;
      };
    await expect
      .poll(async () => (await onB()).timeline.some((e) => e.text === '已完成试点申报(经 A)'), {
        timeout: 15_000,
        interval: 50,
      })
      .toBe(true);
    const entry = (await onB()).timeline.find((e) => e.text === '已完成试点申报(经 A)')!;
    const photo = await b.inject(entry.evidence![0]!.url, null);
    expect(photo.statusCode).toBe(200);
    expect(photo.rawPayload.equals(JPEG)).toBe(true);
    const thumb = await b.inject(`${entry.evidence![0]!.url}&thumb=1`, null);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    await a.close();
    await b.close();
  });
});
