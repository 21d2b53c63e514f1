import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { declaredRoutes } from '../../server/src/auth/auth-hook.js';
import { openStore } from '../../server/src/store/open-store.js';
import { openPgStore } from '../../server/src/store/pg/pg-store.js';
import { freshSchema } from '../helpers/pg.js';
import { replay } from '../helpers/replay.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, SUPERVISOR, type TestApp } from '../helpers/test-app.js';

/** Route parameters to fill in: a key task, a unit, the year, the first round. */
function fill(url: string, t: TestApp): string | undefined {
  const s = t.store.state.get();
  const task = s.tasks.find((k) => k.kind === 'key' && k.number === 22)!;
  const round = Object.values((s as { rounds?: Record<string, { id: string }> }).rounds ?? {})[0];
  const values: Record<string, string | undefined> = {
    id: url.startsWith('/api/units') ? 'fsjd' : url.startsWith('/api/rounds') ? round?.id : task.id,
    year: '2019',
    unitId: 'fsjd',
  };
  let missing = false;
  const filled = url.replace(/:(\w+)/g, (_, k: string) => values[k] ?? ((missing = true), 'x'));
  return missing ? undefined : filled;
}

/** A reply without its run-time figures (how long a verification took). */
const answer = (body: string): string => body.replace(/"seconds":[0-9.e-]+/, '"seconds":0');

describe('npm run migrate-to-pg on a replayed data directory (#16 acceptance)', () => {
  it('every read route answers the same JSON on the embedded store and on PostgreSQL, for the 督考办, a contact and a leader', async () => {
    // a year of commits, each writing the whole state durably: in memory-backed storage where the machine has it
    const dir = tempDir('duban-replay-', existsSync('/dev/shm') ? '/dev/shm' : undefined);
    // 2018-11-01 → 2019-04-15 on disk: reminders, 签收, the first quarter's reports, some units late
    await replay(SEEDS_DIR, '2018-11-01', '2019-04-15', (clock) => openStore(dir, { clock }));
    const url = await freshSchema();
    const migrated = await runTs('server/src/cli/migrate-to-pg.ts', ['--from', dir, '--to', url], { TZ: 'UTC' });
    expect([migrated.code, migrated.stderr]).toEqual([0, '']);

    const embedded = await seededApp({ store: (clock) => openStore(dir, { clock }), dataDir: dir });
    const onPg = await seededApp({ store: (clock) => openPgStore(url, { clock, pollMs: 60_000 }), dataDir: dir });
    try {
      for (const t of [embedded, onPg]) t.deps.clock.set('2019-04-16T10:00:00+08:00');
      // the same chain head (the embedded state may still list events its ledger already has: `unflushed`)
      const head = (t: typeof embedded) => ({
        seq: t.store.state.get().ledger.seq,
        hash: t.store.state.get().ledger.hash,
      });
      expect(head(onPg)).toEqual(head(embedded));
      expect(onPg.store.ledger.head()).toEqual(embedded.store.ledger.head());
      const s = embedded.store.state.get();
      const leader = s.people.find((p) => p.roles.includes('leader') && p.unitIds.includes('fsjd'))!;
      const gets = declaredRoutes(embedded.app).filter(
        // files are compared elsewhere (the export test); the dev clock and health carry run-time values
        (r) => r.method === 'GET' && !/xlsx|evidence|annual|health|clock|preview/.test(r.url),
      );
      expect(gets.length).toBeGreaterThan(15);
      let compared = 0;
      for (const route of gets)
        for (const who of [SUPERVISOR, 'p-fsjd-c', leader.id]) {
          const path = fill(route.url, embedded);
          if (!path) continue;
          const [a, b] = [await embedded.inject(path, who), await onPg.inject(path, who)];
          expect(`${b.statusCode} ${answer(b.body)}`, `${path} as ${who}`).toBe(`${a.statusCode} ${answer(a.body)}`);
          compared += a.statusCode === 200 ? 1 : 0;
        }
      expect(compared).toBeGreaterThan(30);
    } finally {
      await embedded.close();
      await onPg.close();
    }
  }, 240_000);
});
