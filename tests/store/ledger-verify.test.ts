import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDataDir } from '../../server/src/store/ledger/verify.js';
import { appendEvent } from '../helpers/store-writes.js';
import { runTs } from '../helpers/run-node.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

/** A real data directory: seeded as npm start seeds it, with a report, a request and an event whose payload has a member named __proto__ inside its payload. */
describe('ledger:verify — the whole chain, and every kind of tampering', () => {
  let t: TestApp;
  let pristine: string;
  beforeAll(async () => {
    t = await seededApp();
    await t.inject(
      { method: 'POST', url: '/api/assignments/yc-lqstg-2018.k1.fsjd/reports', payload: { text: '已完成试点申报' } },
      'p-fsjd-c',
    );
    await t.inject(
      { method: 'POST', url: '/api/assignments/yc-lqstg-2018.k1.fsjd/closure-requests', payload: { text: '全部完成' } },
      'p-fsjd-c',
    );
    // a member named __proto__ is data like any other: it is hashed, so editing it is caught
    await appendEvent(t.store, {
      type: 'reminder.sent',
      actor: { type: 'scheduler' },
      subject: { type: 'outbox', id: 'x' },
      payload: {
        userId: 'u1',
        date: '2019-03-01',
        kind: 'digest',
        level: 1,
        taskId: 't',
        tasks: [],
        obligations: JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
      },
    });
    await t.inject({ method: 'POST', url: '/api/assignments/yc-lqstg-2018.k1.bhjd/acknowledge' }, 'p-bhjd-c');
    pristine = t.dataDir;
  });
  afterAll(async () => t.close());

  /** A copy of the data directory with its (only) ledger segment's lines changed. */
  const tampered = (edit: (lines: string[]) => string[], raw?: (text: string) => string): string => {
    const dir = tempDir();
    cpSync(pristine, dir, { recursive: true });
    const [segment] = readdirSync(join(dir, 'ledger')).filter((f) => f.endsWith('.jsonl'));
    const path = join(dir, 'ledger', segment!);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, raw ? raw(text) : `${edit(text.trimEnd().split('\n')).join('\n')}\n`);
    return dir;
  };
  const lineOf = (lines: string[], type: string) =>
    lines.findIndex((l) => (JSON.parse(l) as { type: string }).type === type);

  it('passes on a real run, from the CLI (exit 0) and for an evaluator over HTTP', async () => {
    const r = await verifyDataDir(pristine);
    expect(r).toMatchObject({ ok: true, head: t.store.ledger.head() });
    expect(r.events).toBe(t.store.ledger.head().seq);
    const cli = await runTs('server/src/cli/ledger-verify.ts', ['--data', pristine], {});
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('台账校验通过');
    const http = await t.inject('/api/ledger/verify', 'p-eval-1');
    expect(http.json()).toMatchObject({ ok: true, events: r.events });
    expect((await t.inject('/api/ledger/verify', 'p-fsjd-c')).json().code).toBe('NOT_PERMITTED');
  });

  it('names the first bad sequence for each kind of tampering, and the CLI exits 1', async () => {
    const cases: Array<[string, string, RegExp]> = [];
    const check = async (name: string, dir: string, message: RegExp) => {
      const r = await verifyDataDir(dir);
      expect(r.ok, name).toBe(false);
      expect(r.problem!.message, name).toMatch(message);
      cases.push([name, dir, message]);
      return r.problem!;
    };
    // an edited value: the report's text
    const edited = await check(
      'edited value',
      tampered((ls) => ls.map((l) => l.replace('已完成试点申报', '已完成全部工作'))),
      /内容与哈希不符/,
    );
    const reportSeq = (
      JSON.parse(
        readFileSync(join(pristine, 'ledger', readdirSync(join(pristine, 'ledger'))[0]!), 'utf8')
          .split('\n')
          .find((l) => l.includes('已完成试点申报'))!,
      ) as { seq: number }
    ).seq;
    expect(edited.seq).toBe(reportSeq);
    // an edited value under a member named __proto__ (formerly dropped before hashing, so not detected)
    await check(
      'edited __proto__ payload member',
      tampered((ls) => ls.map((l) => l.replace('"polluted":"yes"', '"polluted":"no"'))),
      /内容与哈希不符/,
    );
    // a __proto__ member added to a payload
    await check(
      'added __proto__ member',
      tampered((ls) =>
        ls.map((l, i) => (i === 3 ? l.replace('"payload":{', '"payload":{"__proto__":{"admin":true},') : l)),
      ),
      /内容与哈希不符/,
    );
    // an added top-level member (formerly stripped by the parser before hashing)
    await check(
      'added top-level member',
      tampered((ls) => ls.map((l, i) => (i === 3 ? l.replace(/^\{/, '{"approvedBy":"someone",') : l))),
      /字段"approvedBy"/,
    );
    // a removed line, two swapped lines
    await check(
      'removed line',
      tampered((ls) => ls.filter((_, i) => i !== 5)),
      /序号应为 6/,
    );
    await check(
      'swapped lines',
      tampered((ls) => ls.map((l, i) => (i === 5 ? ls[6]! : i === 6 ? ls[5]! : l))),
      /序号应为 6/,
    );
    // a truncated file: the last events cut off at a line boundary (the state file says how far the ledger went), or mid-line
    await check(
      'truncated at a line',
      tampered((ls) => ls.slice(0, lineOf(ls, 'reminder.sent'))),
      /末尾的记录缺失/,
    );
    await check(
      'truncated mid-line',
      tampered(
        () => [],
        (text) => text.slice(0, text.length - 40),
      ),
      /没有写完/,
    );
    expect(cases).toHaveLength(8);
    const cli = await runTs('server/src/cli/ledger-verify.ts', ['--data', cases[0]![1]], {});
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`台账校验失败:序号 ${reportSeq}`);
  });
});
