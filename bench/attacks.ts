/**
 * #33 figures: /api/health latency (p50, p99, max) while the server is under each attack of the
 * hardening issue — a 3,000-page text PDF uploaded for import, eight senders of 1 MB `[[[…]]]`
 * bodies to the sign-in route, twenty parallel 台账 exports by one evaluator — on a real port.
 */
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { loadConfig } from '../server/src/config.js';
import { createCore } from '../server/src/core.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import { textPdf } from '../tests/helpers/big-pdf.js';
import { percentile } from './stats.js';

const at = new Date('2019-03-01T09:00:00+08:00');

/** Asks /api/health one request after another until `attack` settles; the latencies in ms. */
async function healthDuring(url: string, attack: Promise<unknown>): Promise<number[]> {
  let done = false;
  void attack.finally(() => (done = true));
  const ms: number[] = [];
  while (!done) {
    const t0 = performance.now();
    await fetch(`${url}/api/health`).then((r) => r.arrayBuffer());
    ms.push(performance.now() - t0);
  }
  await attack;
  return ms.sort((a, b) => a - b);
}

export async function benchAttacks(): Promise<void> {
  const store = new MemoryStore(undefined, () => at);
  await seedStore(store, await loadSeeds('seeds'), at);
  const sessions = new SessionTokens(Buffer.alloc(32, 1), () => at);
  const config = loadConfig({ DUBAN_DATA_DIR: mkdtempSync(join(tmpdir(), 'duban-bench-')), DUBAN_SEEDS_DIR: 'seeds' });
  const app = await createCore(config, {
    store,
    clock: { now: () => at },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    calendar: new WorkCalendar(),
    policy: DEFAULT_POLICY,
  }).app({ sessions });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const office = `Bearer ${sessions.issue('p-dkb-s1', []).token}`;
  const evaluator = `Bearer ${sessions.issue('p-eval-1', []).token}`;
  const line = (name: string, ms: number[], note: string) =>
    console.log(
      `${name}: health ${ms.length} answers, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms — ${note}`,
    );
  console.log('\n## Under attack (#33): /api/health while …');

  const pdf = textPdf(3000);
  const upload = fetch(`${url}/api/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'big.pdf', authorization: office },
    body: pdf,
  }).then((r) => r.status);
  line(
    `a ${(pdf.length / 1e6).toFixed(1)} MB, 3,000-page PDF is read`,
    await healthDuring(url, upload),
    `answered ${await upload}`,
  );

  const deep = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
  const senders = Promise.all(
    Array.from({ length: 8 }, async () => {
      const codes: number[] = [];
      for (let i = 0; i < 10; i += 1)
        codes.push(
          (
            await fetch(`${url}/api/auth/dingtalk`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: deep,
            })
          ).status,
        );
      return codes;
    }),
  );
  line(
    '8 senders × 10 bodies of 1 MB [[[…]]] to /api/auth/dingtalk',
    await healthDuring(url, senders),
    `answered ${[...new Set((await senders).flat())].join(', ')}`,
  );

  const exports = Promise.all(
    Array.from({ length: 20 }, () =>
      fetch(`${url}/api/exports/ledger.xlsx?year=2019`, { headers: { authorization: evaluator } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      }),
    ),
  );
  const during = await healthDuring(url, exports);
  const codes = await exports;
  line(
    '20 parallel 台账 exports by one evaluator',
    during,
    `answered ${codes.filter((c) => c === 200).length}× 200, ${codes.filter((c) => c === 429).length}× 429`,
  );
  await app.close();
}
