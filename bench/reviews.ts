/**
 * #35 figure: the 督考办's review queue (GET /api/reviews, 100 pending 办结 requests) against bare
 * Fastify sending the same bytes — 50 connections, as read-api.ts measures the other read routes.
 */
import { preparedCore } from './core.js';
import type { AddressInfo } from 'node:net';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { viewerFor } from '../server/src/auth/viewer.js';
import { actFor } from '../server/src/domain/progress/acting.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import { bareBytes, load } from './read-api.js';

const AT = new Date('2019-03-01T09:00:00+08:00');

export async function benchReviews(quick = false): Promise<void> {
  const seconds = quick ? 2 : 4;
  const store = new MemoryStore(undefined, () => AT);
  await seedStore(store, await loadSeeds('seeds'), new Date('2018-11-01T09:00:00+08:00'));
  const core = await preparedCore(store, AT);
  // 100 units' contacts each ask to close one of their parts
  const s = store.state.get();
  let filed = 0;
  for (const a of s.assignments) {
    if (filed >= 100 || a.status !== 'active') continue;
    const contact = s.people.find((p) => p.unitIds.includes(a.unitId) && p.roles.includes('contact'));
    if (!contact) continue;
    try {
      await core.progress.requestClosure(
        actFor(store.state.get(), viewerFor(store.state.get(), contact.id), a.id, 'miniapp'),
        {
          text: `${a.id} 已全部完成,请审核`,
          evidence: [],
        },
      );
      filed += 1;
    } catch {
      /* one pending per part, or not theirs: the next */
    }
  }
  const sessions = new SessionTokens(Buffer.alloc(32, 5), () => AT);
  const app = await core.app({ sessions });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const supervisor = s.people.find((p) => p.roles.includes('supervisor'))!;
  const path = '/api/reviews?status=pending&limit=100';
  const bare = await bareBytes();
  console.log(
    `\n## Review queue (${filed} pending 办结 requests, 50 connections)\n| as | bytes | 督办通 req/s | p99 | bare req/s | p99 | ratio |\n|---|---|---|---|---|---|---|`,
  );
  try {
    for (const accept of [undefined, 'gzip, deflate, br']) {
      const headers = {
        authorization: `Bearer ${sessions.issue(supervisor.id, []).token}`,
        ...(accept ? { 'accept-encoding': accept } : {}),
      };
      const first = await app.inject({ method: 'GET', url: path, headers });
      if (first.statusCode !== 200) throw new Error(`${first.statusCode} ${first.body}`);
      const encoding = first.headers['content-encoding'] as string | undefined;
      const body = first.rawPayload;
      bare.answer(body, encoding);
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${path}`;
      await load(url, headers, 1);
      const ours = await load(url, headers, seconds);
      const theirs = await load(bare.url, headers, seconds);
      console.log(
        `| ${accept ? 'a browser' : 'a plain client'} | ${(body.length / 1024).toFixed(1)} KB${encoding ? ` ${encoding}` : ''} | ${Math.round(ours.rps)} | ${ours.p99} ms | ${Math.round(theirs.rps)} | ${theirs.p99} ms | ${((100 * ours.rps) / theirs.rps).toFixed(0)} % |`,
      );
    }
  } finally {
    await app.close();
    await bare.close();
  }
}
