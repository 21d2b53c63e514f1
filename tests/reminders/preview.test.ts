import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../server/src/scheduler/sim-clock.js';
import { migrate } from '../../server/src/store/migrations.js';
import { openStore } from '../../server/src/store/open-store.js';
import { STATE_VERSION } from '../../server/src/model/state.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { policy } from '../helpers/reminders.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { tempDir } from '../helpers/temp-dir.js';

// the steps of one simulated story (days follow each other): run in the order written
describe('reminder preview, simulated clock and the reminders CLI', { shuffle: false }, () => {
  let t: TestApp;
  let sim: SimClock;
  let channel: FakeChannel;
  beforeAll(async () => {
    t = await seededApp();
    await t.app.close();
    sim = new SimClock().attach(t.store, new Date('2018-11-01T09:00:00+08:00'));
    channel = new FakeChannel(() => sim.now());
    t.app = await t.rebuild(
      { clock: sim, channel },
      { sim: { clock: sim, digestTime: policy.digestTime }, warnings: () => ['缺少 2027 年的节假日数据'] },
    );
  });
  afterAll(async () => t.close());

  it('previews who would be reminded at an instant, with the day name', async () => {
    const res = await t.inject('/api/reminders/preview?at=2019-06-14T09:00');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ date: '2019-06-14', workingDay: true, dayName: '周五' });
    expect(body.reminders.length).toBeGreaterThan(0);
    expect((await t.inject('/api/reminders/preview?at=2019-10-01')).json()).toMatchObject({
      workingDay: false,
      dayName: '国庆节',
      reminders: [],
    });
    expect((await t.inject('/api/reminders/preview?at=tomorrow')).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    for (const far of ['1900-01-01', '2999-01-01']) {
      const res = await t.inject(`/api/reminders/preview?at=${far}`);
      expect({ far, status: res.statusCode, code: res.json().code }).toEqual({
        far,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('moves the simulated clock to the next working day, +1 week or a date, and runs the scheduler', async () => {
    expect((await t.inject('/dev/clock')).json()).toMatchObject({
      date: '2018-11-01',
      dayName: '周四',
      simulated: true,
    });
    const next = (await t.inject({ method: 'POST', url: '/dev/clock', payload: { advance: 'nextWorkingDay' } })).json();
    expect(next).toMatchObject({ date: '2018-11-02', dayName: '周五', tick: { planned: { reminders: 0 } } }); // 签收 due 11-08: no nudge 4 days before
    const eve = (await t.inject({ method: 'POST', url: '/dev/clock', payload: { to: '2018-11-07' } })).json();
    expect(eve.tick.planned.reminders).toBeGreaterThan(0);
    expect(channel.notices.length).toBe(eve.tick.planned.reminders);
    expect(channel.notices.every((n) => n.at.toISOString().startsWith('2018-11-07T01:0'))).toBe(true);
    expect((await t.inject({ method: 'POST', url: '/dev/clock', payload: { advance: 'week' } })).json()).toMatchObject({
      date: '2018-11-14',
    });
    expect((await t.inject({ method: 'POST', url: '/dev/clock', payload: { to: '2019-10-01' } })).json()).toMatchObject(
      { date: '2019-10-01', dayName: '国庆节', workingDay: false },
    );
    // the ledger is in time order: back in time is refused with a message, nothing moves
    const back = await t.inject({ method: 'POST', url: '/dev/clock', payload: { to: '2019-03-01' } });
    expect(back.statusCode).toBe(409);
    expect(back.json()).toMatchObject({ code: 'CLOCK_BACKWARDS', message: expect.stringContaining('不能往回拨') });
    expect((await t.inject('/dev/clock')).json()).toMatchObject({ date: '2019-10-01' });
    expect((await t.inject({ method: 'POST', url: '/dev/clock', payload: { to: '2019/10/01' } })).statusCode).toBe(400);
    expect(t.store.state.get().simClock?.at).toBe('2019-10-01T01:00:00.000Z');
  });

  it('while a day is being worked out, GET /dev/clock says what is happening (the console shows it)', async () => {
    // hold the third notice of the day until the progress has been read
    const send = channel.sendNotice.bind(channel);
    let calls = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    channel.sendNotice = async (...args) => {
      calls += 1;
      if (calls === 3) {
        reached();
        await released;
      }
      return send(...args);
    };
    const moving = t.inject({ method: 'POST', url: '/dev/clock', payload: { to: '2019-12-20' } });
    await atGate;
    const during = (await t.inject('/dev/clock')).json();
    expect(during).toMatchObject({
      date: '2019-12-20',
      busy: {
        date: '2019-12-20',
        phase: 'sending',
        done: expect.any(Number),
        total: expect.any(Number),
        seconds: expect.any(Number),
      },
    });
    expect(during.busy.total).toBeGreaterThan(2);
    expect(during.busy.done).toBeLessThan(during.busy.total);
    release();
    const moved = (await moving).json();
    expect(moved.tick.dispatched.sent).toBeGreaterThanOrEqual(during.busy.total);
    expect(moved.busy).toBeUndefined();
    expect((await t.inject('/dev/clock')).json().busy).toBeUndefined();
    channel.sendNotice = send;
  });

  it('reports degraded health while a calendar year is missing', async () => {
    expect((await t.inject('/api/health')).json()).toMatchObject({
      status: 'degraded',
      warnings: expect.arrayContaining(['缺少 2027 年的节假日数据']),
    });
  });

  it('npm run reminders -- --at … --dry-run --json prints { at, workingDay, dayName, reminders }', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { clock: () => new Date() });
    const { seedStore } = await import('../../server/src/plan-import/seed-store.js');
    const { loadSeeds } = await import('../../server/src/seeds/load-seeds.js');
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date());
    await store.close();
    const env = { DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: SEEDS_DIR };
    const json = await runTs('server/src/cli/reminders.ts', ['--at', '2026-02-14T09:00', '--dry-run', '--json'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(Object.keys(parsed)).toEqual(expect.arrayContaining(['at', 'workingDay', 'dayName', 'reminders']));
    expect(parsed).toMatchObject({ at: '2026-02-14T01:00:00.000Z', workingDay: true, dayName: '春节调休上班' });
    const text = await runTs('server/src/cli/reminders.ts', ['--at', '2018-11-13T09:00', '--dry-run'], env);
    expect(text.stdout).toContain('2018-11-13 周二(工作日)');
    expect(text.stdout).toContain('吴超(联络员,dt-fzb-c)— 有逾期事项、即将到期');
    const holiday = await runTs('server/src/cli/reminders.ts', ['--at', '2019-10-01T09:00', '--dry-run'], env);
    expect(holiday.stdout).toContain('不发送提醒:国庆节,非工作日');
  });

  it('migrates a version-1 state document to the current version', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { clock: () => new Date() });
    await store.close();
    const path = join(dir, 'state.json');
    const { readFileSync } = await import('node:fs');
    const now = JSON.parse(readFileSync(path, 'utf8'));
    // version 1: the plan and the directory only (obligations were the prose deadlines)
    const keep = [
      'directory',
      'units',
      'groups',
      'people',
      'peopleSample',
      'plans',
      'activePlanId',
      'sections',
      'tasks',
      'assignments',
      'imports',
    ];
    const v1 = { ...Object.fromEntries(keep.map((k) => [k, now[k]])), obligations: [] };
    writeFileSync(path, JSON.stringify({ ...v1, schemaVersion: 1 }));
    expect(migrate({ ...v1, schemaVersion: 1 }).from).toBe(1);
    const reopened = await openStore(dir, { clock: () => new Date() });
    expect(reopened.state.get()).toMatchObject({
      schemaVersion: STATE_VERSION,
      outbox: [],
      scheduler: { lastPlannedDate: null },
    });
    await reopened.close();
  });
});
