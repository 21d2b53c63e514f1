/**
 * ledger:verify throughput (#12): a ledger of N events written as the embedded store writes them
 * (64 MB segments), then verified from the first event.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEvent } from '../server/src/model/ledger.js';
import { eventHash, GENESIS_HASH } from '../server/src/store/ledger/event-hash.js';
import { verifyLedgerDir } from '../server/src/store/ledger/verify.js';

function writeLedger(dir: string, n: number): void {
  let prev = GENESIS_HASH;
  let lines: string[] = [];
  let bytes = 0;
  let first = 1;
  const flush = () => {
    writeFileSync(join(dir, `${String(first).padStart(12, '0')}.jsonl`), `${lines.join('\n')}\n`);
    lines = [];
    bytes = 0;
  };
  for (let seq = 1; seq <= n; seq += 1) {
    const body: Omit<LedgerEvent, 'hash'> = {
      id: `e${seq}`,
      seq,
      at: new Date(1_546_300_800_000 + seq * 1000).toISOString(),
      prevHash: prev,
      type: 'progress.reported',
      actor: { type: 'person', id: `p${seq % 97}`, name: '联络员' },
      subject: { type: 'assignment', id: `a${seq % 1000}` },
      channel: 'miniapp',
      payload: {
        taskId: `t${seq % 36}`,
        unitId: `u${seq % 60}`,
        text: '本季度已完成试点申报,正在推进第二阶段工作。',
        noChange: false,
        evidence: [],
        obligations: [`a${seq % 1000}:2019:progress:Q1`],
        before: 'open',
        after: 'reported',
      },
    };
    const line = JSON.stringify({ ...body, hash: (prev = eventHash(body)) });
    if (bytes + line.length > 64 * 1024 * 1024) {
      flush();
      first = seq;
    }
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  flush();
}

export async function benchLedgerVerify(sizes: number[]): Promise<void> {
  console.log('\n## ledger:verify (the whole chain from the first event: format, hash over every stored byte, links)');
  console.log('| events | ledger size (MB) | seconds | events/s | peak RSS (MB) |');
  console.log('|---|---|---|---|---|');
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'duban-verify-'));
    try {
      writeLedger(dir, n);
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const t0 = process.hrtime.bigint();
      const r = await verifyLedgerDir(dir);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(timer);
      if (!r.ok) throw new Error(`verify failed: ${JSON.stringify(r.problem)}`);
      const { statSync, readdirSync } = await import('node:fs');
      const mb = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0) / 1e6;
      console.log(
        `| ${n.toLocaleString('en')} | ${mb.toFixed(0)} | ${seconds.toFixed(1)} | ${Math.round(n / seconds).toLocaleString('en')} | ${(peak / 1e6).toFixed(0)} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
