import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureObligations, obligationsOf } from '../../server/src/domain/obligations/obligation-book.js';
import { backfillFromLedger } from '../../server/src/domain/progress/backfill.js';
import { ReminderPolicy } from '../../server/src/domain/policy/policy.js';
import { openStore } from '../../server/src/store/open-store.js';
import { STATE_VERSION } from '../../server/src/model/state.js';
import { calendar, policy } from '../helpers/reminders.js';
import { ROOT } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp } from '../helpers/test-app.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

const A = 'yc-lqstg-2018.k1.qzfdz';

describe('a data directory made by the version-4 release', () => {
  // made by the release before obligations became records: seeded, 2018-11-01 planned and sent,
  // then 区政府党组's 签收, a report and a 延期 request on key task 1 (tests/fixtures/datadir-v4.tar.gz)
  it('migrates: the ledger position, fulfilments onto materialised obligations, the request and the last report from the ledger', async () => {
    const dir = tempDir();
    execFileSync('tar', ['-xzf', join(ROOT, 'tests/fixtures/datadir-v4.tar.gz'), '-C', dir]);
    const now = new Date('2018-11-05T10:00:00+08:00');
    const store = await openStore(dir, { clock: () => now });
    const s = store.state.get();
    expect(s.schemaVersion).toBe(STATE_VERSION);
    expect(s.ledger.seq).toBe(store.ledger.head().seq);
    expect(s.proseObligations.length).toBeGreaterThan(0);
    expect(s.backfill).toBe(true);

    expect(await backfillFromLedger(store)).toEqual({ reports: 1, requests: 1 });
    const request = Object.values(store.state.get().requests)[0]!;
    expect(request).toMatchObject({
      kind: 'extension',
      state: 'pending',
      assignmentId: A,
      until: '2018-12-31',
      text: '等待上级文件',
      requester: { id: 'p-test' },
    });
    expect(store.state.get().lastReports[A]).toMatchObject({ text: '已制定专项工作计划' });
    expect(await backfillFromLedger(store)).toEqual({ reports: 0, requests: 0 }); // once

    expect(await ensureObligations(store, { calendar, policy }, now)).toBeGreaterThan(1000);
    const after = store.state.get();
    expect(findObligation(after, `${A}:2018:acknowledge`)).toMatchObject({
      status: 'fulfilled',
      action: 'acknowledge',
      by: 'p-test',
    });
    expect(findObligation(after, `yc-lqstg-2018.k1.qfb:2018:acknowledge`)).toMatchObject({ status: 'open' });
    expect(after.legacyFulfillments).toBeUndefined();
    const seq = after.ledger.seq;
    await store.close();

    // reopens as version 5, with nothing left to migrate
    const again = await openStore(dir, { clock: () => now });
    expect(again.state.get().ledger.seq).toBe(seq);
    expect(findObligation(again.state.get(), `${A}:2018:acknowledge`)?.status).toBe('fulfilled');
    await again.close();
  });
});

describe('a policy edit after a year is materialised', () => {
  it('leaves that year’s obligations as they were; years not stored yet follow the new policy', async () => {
    const t = await seededApp();
    try {
      const before = structuredClone(t.store.state.get().obligations);
      const monthly = ReminderPolicy.parse({ progress: { every: 'month', dueDay: 10, finalYearEvery: 'month' } });
      expect(
        await ensureObligations(t.store, { calendar, policy: monthly }, new Date('2019-06-03T09:00:00+08:00')),
      ).toBe(0);
      expect(t.store.state.get().obligations).toEqual(before);
      expect(storedObligations(t.store.state.get()).some((o) => o.period?.startsWith('M'))).toBe(false);
      // 2020 is not stored yet: it is read (and will be stored) the new way
      const y2020 = obligationsOf(t.store.state.get(), { calendar, policy: monthly }, [2020]).filter(
        (o) => o.assignmentId === 'yc-lqstg-2018.k22.sfj',
      );
      expect(y2020.filter((o) => o.kind === 'progress').map((o) => o.period)).toEqual([
        'M01',
        'M02',
        'M03',
        'M04',
        'M05',
        'M07',
        'M08',
        'M09',
        'M10',
        'M11',
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('years that have left the state', () => {
  it('are read back from the ledger exactly as the state held them before pruning', async () => {
    const t = await seededApp();
    try {
      // some 2019 obligations fulfilled, one 签收 undone again
      const { ProgressService } = await import('../../server/src/domain/progress/progress-service.js');
      const progress = new ProgressService({ store: t.store, calendar, policy, clock: t.deps.clock });
      const a = t.store.state.get().assignments.find((x) => x.id === 'yc-lqstg-2018.k22.sfj')!;
      const f = {
        actor: { type: 'person' as const, id: 'p-sfj-c', name: '徐晓燕' },
        assignment: a,
        channel: 'miniapp' as const,
      };
      await progress.acknowledge(f);
      await progress.report(f, {
        text: '已完成',
        noChange: false,
        evidence: [],
        obligationId: `${a.id}:2018:yearEnd`,
      });
      await progress.undoAcknowledge(f);
      const before = storedObligations(t.store.state.get()).filter((o) => o.year <= 2019);
      // two years later the scheduler prunes 2019 from the state
      const { pruneInDraft, obligationsFromLedger } =
        await import('../../server/src/domain/obligations/obligation-book.js');
      await t.store.transact((d) => pruneInDraft(d, '2021-03-01'));
      expect(storedObligations(t.store.state.get()).some((o) => o.year <= 2019)).toBe(false);
      const fromLedger = new Map([
        ...(await obligationsFromLedger(t.store.ledger, 2018)),
        ...(await obligationsFromLedger(t.store.ledger, 2019)),
      ]);
      expect(fromLedger.size).toBe(before.length);
      for (const o of before)
        expect({ id: o.id, status: fromLedger.get(o.id)?.status, due: fromLedger.get(o.id)?.due }).toEqual({
          id: o.id,
          status: o.status,
          due: o.due,
        });
      expect(before.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
