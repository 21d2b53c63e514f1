/**
 * #13 figures: peak RSS while 12 distinct 100000×1000 PNGs are uploaded and their thumbnails asked
 * for at once, and a real 免登's latency while 300 junk codes are in flight (DingTalk answering
 * at 20 QPS, as the emulator does).
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SessionTokens } from '../server/src/auth/session-tokens.js';
import { createCore } from '../server/src/core.js';
import { WorkCalendar } from '../server/src/calendar/work-calendar.js';
import { ChannelError, type Channel } from '../server/src/channels/channel.js';
import { RateLimiter } from '../server/src/channels/shared/rate-limiter.js';
import { loadConfig } from '../server/src/config.js';
import { seedStore } from '../server/src/plan-import/seed-store.js';
import { DEFAULT_POLICY } from '../server/src/domain/policy/policy.js';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../server/src/store/memory/memory-store.js';
import { pngDeclaring } from '../tests/helpers/files.js';

const png = (width: number, height: number, salt: number): Buffer => pngDeclaring(width, height, { rows: true, salt });

function multipart(name: string, bytes: Buffer) {
  const b = '----bench';
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]),
  };
}

export async function benchHardening(): Promise<void> {
  const store = new MemoryStore(undefined, () => new Date('2019-03-01T09:00:00+08:00'));
  await seedStore(store, await loadSeeds('seeds'), new Date('2019-03-01T09:00:00+08:00'));
  const sessions = new SessionTokens(Buffer.alloc(32, 1), () => new Date('2019-03-01T09:00:00+08:00'));
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const limiter = new RateLimiter(20);
  const channel = {
    resolveAuthCode: async (code: string) => {
      await limiter.acquire('auth');
      if (code !== 'real') throw new ChannelError('AUTH_CODE_INVALID', 'bad', false);
      return { userId: 'dt-fsjd-c', unionId: 'u', name: '石刚' };
    },
  } as unknown as Channel;
  const config = loadConfig({ DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: 'seeds' });
  const app = await createCore(config, {
    store,
    clock: { now: () => new Date('2019-03-01T09:00:00+08:00') },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    channel,
    calendar: new WorkCalendar(),
    policy: DEFAULT_POLICY,
  }).app({ sessions });
  const token = sessions.issue('p-fsjd-c', ['contact']).token;

  console.log('\n## Hardening (#13)');
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/api/evidence',
        ...multipart(`trap${i}.png`, png(100_000, 1_000, i)),
        headers: { ...multipart('x', Buffer.alloc(0)).headers, authorization: `Bearer ${token}` },
      }),
    ),
  );
  clearInterval(sampler);
  const codes = [...new Set(answers.map((a) => `${a.statusCode} ${a.json().code ?? ''}`))].join(', ');
  console.log(
    `Thumbnail attack: 12 distinct 100000×1000 PNGs (${(png(100_000, 1_000, 0).length / 1024).toFixed(0)} KB each) uploaded at once → ${codes}; RSS ${(before / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB.`,
  );

  const junk = Array.from({ length: 300 }, (_, i) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/dingtalk',
      payload: { code: `junk${i}` },
      remoteAddress: `10.1.${i >> 8}.${i & 255}`,
    }),
  );
  await new Promise((r) => setTimeout(r, 200)); // the junk is in the queue when the official opens the app
  const t0 = performance.now();
  const real = await app.inject({
    method: 'POST',
    url: '/api/auth/dingtalk',
    payload: { code: 'real' },
    remoteAddress: '10.2.0.1',
  });
  const realMs = performance.now() - t0;
  const junkCodes = (await Promise.all(junk)).map((r) => r.statusCode);
  console.log(
    `Login under 300 junk 免登 codes (DingTalk at 20 QPS): the real one answered ${real.statusCode} in ${(realMs / 1000).toFixed(2)} s; junk: ${junkCodes.filter((c) => c === 401).length} checked with DingTalk, ${junkCodes.filter((c) => c === 503).length} turned away at once (queue of 40).`,
  );
  let retried = real.statusCode;
  if (real.statusCode === 503) {
    const t1 = performance.now();
    for (let i = 0; i < 20 && retried === 503; i += 1) {
      await new Promise((r) => setTimeout(r, 500)); // the page retries after half a second
      retried = (
        await app.inject({
          method: 'POST',
          url: '/api/auth/dingtalk',
          payload: { code: 'real' },
          remoteAddress: '10.2.0.1',
        })
      ).statusCode;
    }
    console.log(
      `  retrying every 0.5 s, the official is signed in (${retried}) after ${((performance.now() - t1) / 1000).toFixed(2)} s.`,
    );
  }
  await app.close();
}
