import type { AppendEvent } from '../../server/src/model/ledger-events.js';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { openStore } from '../../server/src/store/open-store.js';
import type { Store } from '../../server/src/store/ports.js';
import { readOnlyDir } from '../helpers/read-only-dir.js';
import { ROOT, SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp } from '../helpers/test-app.js';
import { findObligation } from '../../server/src/domain/obligations/obligation-table.js';

const FS = 'yc-lqstg-2018.k1.fsjd';
const FS_CONTACT = 'p-fsjd-c';

async function events(store: Store, type: string): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  for await (const e of store.ledger.read()) if (e.type === type) out.push(e);
  return out;
}

describe('ledger and state commit together', () => {
  it('12 concurrent 签收 of one assignment record each obligation once; all get the first answer, 11 replayed', async () => {
    const t = await seededApp();
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.inject({ method: 'POST', url: `/api/assignments/${FS}/acknowledge` }, FS_CONTACT),
        ),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(200));
      // carried out once: the first answer for all (http/once.ts), the store saw one 签收
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(answers[0]!.json().already).toBe(false);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(11);
      const acks = await events(t.store, 'obligation.acknowledged');
      expect(acks.map((e) => (e.payload as { obligationId: string }).obligationId).sort()).toEqual([
        `${FS}:2018:acknowledge`,
        `${FS}:2019:acknowledge`,
      ]);
      expect(t.store.state.get().ledger.seq).toBe(t.store.ledger.head().seq);
    } finally {
      await t.close();
    }
  });

  it('checks every event against its type’s payload schema: an unknown type or a malformed payload refuses the whole transaction', async () => {
    const t = await seededApp();
    try {
      const before = { seq: t.store.ledger.head().seq, state: JSON.stringify(t.store.state.get()) };
      const write = (event: { type: string; payload: unknown }) =>
        t.store.transact((draft, tx) => {
          draft.directory.note = 'half-done';
          // past the compiler's check: the store's own check at run time is the subject
          tx.append({ ...event, actor: { type: 'system' }, subject: { type: 't', id: '1' } } as AppendEvent);
        });
      await expect(write({ type: 'made.up', payload: {} })).rejects.toThrow('没有登记载荷格式');
      await expect(write({ type: 'progress.reported', payload: { text: '缺字段' } })).rejects.toThrow(
        'progress.reported 的载荷不符合格式',
      );
      await expect(write({ type: 'session.signedIn', payload: { how: 'dev', extra: 1 } })).rejects.toThrow(
        '载荷不符合格式',
      );
      expect(t.store.ledger.head().seq).toBe(before.seq);
      expect(JSON.stringify(t.store.state.get())).toBe(before.state);
    } finally {
      await t.close();
    }
  });

  it('a read-only data directory: writes answer 503 with a code, health turns degraded, nothing acknowledged is lost, and writes resume', async () => {
    const t = await seededApp();
    const lock = readOnlyDir(t.dataDir);
    try {
      const before = { seq: t.store.ledger.head().seq, state: JSON.stringify(t.store.state.get()) };
      const refused = await t.inject({ method: 'POST', url: `/api/assignments/${FS}/acknowledge` }, FS_CONTACT);
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(refused.json().message).toContain('没有生效');
      expect(t.store.ledger.head().seq).toBe(before.seq);
      expect(JSON.stringify(t.store.state.get())).toBe(before.state);
      const health = (await t.inject('/api/health', null)).json();
      expect(health.status).toBe('degraded');
      expect(health.warnings[0]).toContain('STATE_WRITE_FAILED');
      // the page retries: still refused, still nothing half-done
      expect(
        (await t.inject({ method: 'POST', url: `/api/assignments/${FS}/acknowledge` }, FS_CONTACT)).statusCode,
      ).toBe(503);
    } finally {
      lock.restore();
    }
    const again = await t.inject({ method: 'POST', url: `/api/assignments/${FS}/acknowledge` }, FS_CONTACT);
    expect(again.statusCode).toBe(200);
    expect(again.json().already).toBe(false);
    expect((await t.inject('/api/health', null)).json().warnings.join()).not.toContain('STATE_WRITE_FAILED');
    const dir = t.dataDir;
    await t.close();
    // after a restart the 签收 is there, once
    const store = await openStore(dir, { clock: () => new Date() });
    expect(findObligation(store.state.get(), `${FS}:2019:acknowledge`)).toMatchObject({ by: FS_CONTACT });
    expect(await events(store, 'obligation.acknowledged')).toHaveLength(2);
    await store.close();
  });

  for (const point of ['state written', 'ledger appended'] as const) {
    it(`SIGKILL at the injected point "${point}": after restart the state and the ledger agree and the 签收 appears once`, async () => {
      const dir = tempDir();
      const seed = await openStore(dir, { clock: () => new Date('2019-03-01T01:00:00Z') });
      await seedStore(seed, await loadSeeds(SEEDS_DIR), new Date('2019-03-01T01:00:00Z'));
      await seed.close();
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'tests/store/tx-crash-child.ts', dir, FS, point], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(child.signal, child.stderr).toBe('SIGKILL');

      const store = await openStore(dir, { clock: () => new Date('2019-03-01T01:00:00Z') });
      const acks = await events(store, 'obligation.acknowledged');
      expect(acks).toHaveLength(2);
      expect(store.ledger.head().seq).toBe(store.state.get().ledger.seq);
      for (const e of acks)
        expect(findObligation(store.state.get(), (e.payload as { obligationId: string }).obligationId)).toMatchObject({
          seq: e.seq,
        });
      await store.close();
      // a retry after the restart finds it done and records nothing
      const retry = spawnSync(process.execPath, ['--import', 'tsx', 'tests/store/tx-crash-child.ts', dir, FS, 'none'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(retry.stdout).toContain('DONE');
      const after = await openStore(dir, { clock: () => new Date() });
      expect(await events(after, 'obligation.acknowledged')).toHaveLength(2);
      await after.close();
    });
  }
});
