/**
 * Writes over HTTP (#35 req 2): a unit's progress report and a 签收, 50 connections, on the
 * embedded store and on PostgreSQL, against the store's own rate — one ledger event per
 * transaction, 8 writers, on an empty store (bench/pg.ts's figure) — printed with the ratio.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { openPgStore } from '../server/src/store/pg/pg-store.js';
import type { Store } from '../server/src/store/ports.js';
import { appends } from './pg.js';
import { benchApp } from './read-api.js';

const AT = new Date('2019-03-20T10:00:00+08:00');
const PG_URL = process.env.DUBAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

interface Figures {
  rps: number;
  p99: number;
}

/** POSTs for `seconds` on 50 connections, each request its own body from `body(i)`; every answer must be 2xx. */
async function post(
  url: string,
  targets: Array<{ token: string; path: string }>,
  body: (i: number) => unknown,
  seconds: number,
): Promise<Figures> {
  let i = 0;
  const r = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          i += 1;
          const t = targets[i % targets.length]!;
          return {
            ...req,
            path: t.path,
            headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body(i)),
          };
        },
      },
    ],
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function overHttp(store: Store, label: string, baseline: number, seconds: number): Promise<void> {
  // the per-person write limit (60 a minute) is lifted: the bench compresses many officials' minutes into seconds
  const { app, sessions, base } = await benchApp(store, { DUBAN_WRITES_PER_MINUTE: '100000000' });
  try {
    const s = store.state.get();
    // every unit's contact, each writing on their unit's parts, in turn
    const writers = s.people
      .filter((p) => p.roles.includes('contact') && p.unitIds.length === 1)
      .flatMap((p) => {
        const token = sessions.issue(p.id, []).token;
        return s.assignments
          .filter((a) => a.unitId === p.unitIds[0] && a.status === 'active')
          .map((a) => ({ token, id: a.id }));
      });
    const report = await post(
      base,
      writers.map((w) => ({ token: w.token, path: `/api/assignments/${w.id}/reports` })),
      (i) => ({ text: `第${i}次进展:已完成试点申报` }),
      seconds,
    );
    // the first 签收 of each part writes; a repeat answers `already` without a write
    const ack = await post(
      base,
      writers.map((w) => ({ token: w.token, path: `/api/assignments/${w.id}/acknowledge` })),
      () => ({}),
      seconds,
    );
    const row = (what: string, f: Figures) =>
      `| ${label} | ${what} | ${Math.round(f.rps)} | ${f.p99} ms | ${Math.round(baseline)} | ${((100 * f.rps) / baseline).toFixed(1)} % |`;
    console.log(row('进展 report', report));
    console.log(row('签收 (mostly already signed)', ack));
  } finally {
    await app.close();
  }
}

export async function benchWrites(quick = false): Promise<void> {
  const seconds = quick ? 3 : 6;
  const n = quick ? 500 : 2000;
  console.log(
    '\n## Writes over HTTP vs the store’s own append rate (#35 req 2; 50 connections, autocannon in a worker thread)',
  );
  console.log(
    '| store | write | req/s | p99 | store appends/s (empty store, 8 writers) | ratio |\n|---|---|---|---|---|---|',
  );
  const seeds = await loadSeeds('seeds');
  const empty = mkdtempSync(join(tmpdir(), 'duban-writes-empty-'));
  const bare = await openStore(empty, { clock: () => new Date() });
  const embeddedRate = await appends([bare], n);
  await bare.close();
  rmSync(empty, { recursive: true, force: true });
  const dir = mkdtempSync(join(tmpdir(), 'duban-writes-store-'));
  const embedded = await openStore(dir, { clock: () => AT });
  await seedStore(embedded, seeds, new Date('2018-11-01T09:00:00+08:00'));
  try {
    await overHttp(embedded, 'embedded', embeddedRate, seconds);
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`(PostgreSQL at ${PG_URL} not reachable: ${(error as Error).message}; skipped)`);
    return;
  }
  const schemas = [`duban_bench_w${process.pid}a`, `duban_bench_w${process.pid}b`];
  for (const schema of schemas) await admin.query(`CREATE SCHEMA ${schema}`);
  const url = (schema: string) => `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  try {
    const bareDb = await openPgStore(url(schemas[0]!), { clock: () => new Date(), log: quiet });
    const pgRate = await appends([bareDb], n);
    await bareDb.close();
    const store = await openPgStore(url(schemas[1]!), { clock: () => AT, log: quiet });
    await seedStore(store, seeds, new Date('2018-11-01T09:00:00+08:00'));
    try {
      await overHttp(store, 'PostgreSQL', pgRate, seconds);
    } finally {
      await store.close();
    }
  } finally {
    for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
