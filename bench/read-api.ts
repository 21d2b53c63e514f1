/**
 * The read API at Fastify speed (#16 req 5): each read route against bare Fastify serving the
 * same bytes, side by side in one run — 50 connections, autocannon in a worker thread (the other
 * core), 4 s each — on the embedded store and, when it answers, on PostgreSQL.
 */
import { preparedCore, quiet } from './core.js';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { loadConfig } from '../server/src/config.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { openStore } from '../server/src/store/open-store.js';
import { openPgStore } from '../server/src/store/pg/pg-store.js';
import type { Store } from '../server/src/store/ports.js';

const AT = new Date('2019-03-20T10:00:00+08:00');
const PG_URL = process.env.DUBAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Load {
  rps: number;
  p99: number;
}

/** 50 connections for `seconds`, autocannon in a worker thread (every request must answer 2xx). */
export async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const r = await autocannon({ url, connections: 50, duration: seconds, headers, workers: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

/** Bare Fastify on the same event loop, answering with the bytes (and encoding) it is given. */
export async function bareBytes(): Promise<{
  url: string;
  answer(body: Buffer, encoding: string | undefined): void;
  close(): Promise<void>;
}> {
  let body: Buffer = Buffer.alloc(0);
  let encoding: string | undefined;
  const bare = Fastify();
  bare.get('/bytes', async (_, reply) => {
    reply.type('application/json; charset=utf-8');
    if (encoding) reply.header('content-encoding', encoding).header('vary', 'accept-encoding');
    return reply.send(body);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bytes`,
    answer: (b, e) => {
      body = b;
      encoding = e;
    },
    close: () => bare.close(),
  };
}

/** The server on `store` at AT, listening on loopback, with its session signer (benches under load). */
export async function benchApp(store: Store, env: Record<string, string> = {}) {
  const sessions = new SessionTokens(Buffer.alloc(32, 5), () => AT);
  const core = await preparedCore(
    store,
    AT,
    loadConfig({ DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-bench-')), ...env }),
  );
  const app = await core.app({ sessions });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, sessions, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function routes(store: Store, label: string, seconds: number): Promise<void> {
  const { app, sessions, base } = await benchApp(store);
  const bare = await bareBytes();
  const s = store.state.get();
  const task = s.tasks.find((t) => t.kind === 'key')!;
  const supervisor = s.people.find((p) => p.roles.includes('supervisor'))!;
  const contact = s.people.find((p) => p.roles.includes('contact') && p.unitIds.length === 1)!;
  const cases: Array<[string, string, string]> = [
    ['督考办 GET /api/tasks?kind=key', '/api/tasks?kind=key', supervisor.id],
    ['联络员 GET /api/tasks', '/api/tasks', contact.id],
    ['GET /api/units', '/api/units', contact.id],
    ['GET /api/plan', '/api/plan', contact.id],
    ['GET /api/sections', '/api/sections', contact.id],
    [`GET /api/tasks/:id`, `/api/tasks/${task.id}`, supervisor.id],
    ['联络员 GET /api/units/:id/assignments', `/api/units/${contact.unitIds[0]}/assignments`, contact.id],
    ['GET /api/me', '/api/me', contact.id],
    ['联络员 GET /api/my/items', '/api/my/items', contact.id],
    ['督考办 GET /api/overview', '/api/overview', supervisor.id],
    ['督考办 GET /api/overview/parts?light=red', '/api/overview/parts?light=red', supervisor.id],
  ];
  console.log(
    `\n### ${label}\n| route | bytes | 督办通 req/s | p99 | bare req/s | p99 | ratio |\n|---|---|---|---|---|---|---|`,
  );
  try {
    for (const [name, path, personId] of cases) {
      // as a plain client asks, then as a browser (DingTalk's WebView) asks: large views go compressed
      for (const accept of [undefined, 'gzip, deflate, br']) {
        const headers = {
          authorization: `Bearer ${sessions.issue(personId, []).token}`,
          ...(accept ? { 'accept-encoding': accept } : {}),
        };
        const first = await app.inject({ method: 'GET', url: path, headers });
        if (first.statusCode !== 200) throw new Error(`${path}: ${first.statusCode} ${first.body}`);
        const encoding = first.headers['content-encoding'] as string | undefined;
        if (accept && !encoding) continue; // small: sent as it is either way
        const body = first.rawPayload;
        bare.answer(body, encoding);
        await load(`${base}${path}`, headers, 1); // warm-up (JIT, caches)
        const ours = await load(`${base}${path}`, headers, seconds);
        const theirs = await load(bare.url, headers, seconds);
        const size = `${(body.length / 1024).toFixed(1)} KB${encoding ? ` ${encoding}` : ''}`;
        console.log(
          `| ${name} | ${size} | ${Math.round(ours.rps)} | ${ours.p99} ms | ${Math.round(theirs.rps)} | ${theirs.p99} ms | ${((100 * ours.rps) / theirs.rps).toFixed(0)} % |`,
        );
      }
    }
  } finally {
    await app.close();
    await bare.close();
  }
}

export async function benchReadApi(quick = false): Promise<void> {
  const seconds = quick ? 2 : 4;
  console.log('\n## Read API vs bare Fastify (50 connections, autocannon in a worker thread)');
  const seeds = await loadSeeds('seeds');
  const dir = mkdtempSync(join(tmpdir(), 'duban-read-store-'));
  const embedded = await openStore(dir, { clock: () => AT });
  await seedStore(embedded, seeds, new Date('2018-11-01T09:00:00+08:00'));
  try {
    await routes(embedded, 'Embedded store (lowdb + JSONL)', seconds);
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const schema = `duban_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`(PostgreSQL at ${PG_URL} not reachable: ${(error as Error).message}; skipped)`);
    return;
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const store = await openPgStore(`${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, {
      clock: () => AT,
      log: quiet,
    });
    await seedStore(store, seeds, new Date('2018-11-01T09:00:00+08:00'));
    try {
      await routes(store, 'PostgreSQL store', seconds);
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}
