import { appendFileSync, cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/src/store/open-store.js';
import { verifyDataDir } from '../../server/src/store/ledger/verify.js';
import { readStateReadOnly } from '../../server/src/store/read-state.js';
import type { StoreError } from '../../server/src/store/errors.js';
import { tempDir } from '../helpers/temp-dir.js';
import { updateState } from '../helpers/store-writes.js';
import { fixedClock } from '../helpers/test-app.js';

const STATE = 'state.json';
const JOURNAL = 'state.journal.jsonl';
const open = (dir: string, journal?: { checkpointEvery: number; maxJournalBytes: number }) =>
  openStore(dir, { clock: fixedClock().now, ...(journal ? { journal } : {}) });
const note = (store: Awaited<ReturnType<typeof open>>, text: string) =>
  updateState(store, (s) => {
    s.directory.note = text;
  });
/** The data directory as a crash now would leave it (the running store's lock aside). */
const crashCopy = (dir: string): string => {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith('.lock') });
  return copy;
};
const lines = (dir: string) =>
  readFileSync(join(dir, JOURNAL), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('the embedded state: a journal of changes and a checkpoint now and then', () => {
  it('a commit appends its change to the journal and leaves the checkpoint as it was; reopening replays it', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const checkpoint = readFileSync(join(dir, STATE), 'utf8');
    for (const text of ['一', '二', '三']) await note(store, text);
    expect(readFileSync(join(dir, STATE), 'utf8')).toBe(checkpoint); // not rewritten whole
    expect(lines(dir)).toHaveLength(3);
    expect(JSON.parse(lines(dir)[2]!)).toMatchObject({ c: 4, p: [{ op: 'replace', path: ['directory', 'note'] }] });
    // a tool beside the running server reads the committed state, journal included
    expect((await readStateReadOnly(dir)).directory.note).toBe('三');
    // a crash now (no clean close): the next open replays the journal
    const crashed = crashCopy(dir);
    await store.close();
    const again = await open(crashed);
    expect(again.state.get().directory.note).toBe('三');
    await again.close();
  });

  it('folds the journal into a new checkpoint every N commits and at a clean stop', async () => {
    const dir = tempDir();
    const store = await open(dir, { checkpointEvery: 3, maxJournalBytes: 1 << 20 });
    for (const text of ['一', '二', '三']) await note(store, text);
    expect(lines(dir)).toHaveLength(3);
    await note(store, '四'); // the fourth is a checkpoint: the whole state, the journal emptied
    expect(lines(dir)).toHaveLength(0);
    expect(JSON.parse(readFileSync(join(dir, STATE), 'utf8')).directory.note).toBe('四');
    await note(store, '五');
    expect(lines(dir)).toHaveLength(1);
    await store.close();
    expect(lines(dir)).toHaveLength(0);
    expect(JSON.parse(readFileSync(join(dir, STATE), 'utf8')).directory.note).toBe('五');
  });

  it('a torn last line (a crash in the middle of an append, never acknowledged) is dropped', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await note(store, '已提交');
    const crashed = crashCopy(dir);
    await store.close();
    appendFileSync(join(crashed, JOURNAL), '{"c":3,"p":[{"op":"replace","path":["directory","no');
    const again = await open(crashed);
    expect(again.state.get().directory.note).toBe('已提交');
    expect(lines(crashed)).toHaveLength(0); // folded into the checkpoint at open
    await note(again, '之后');
    expect(lines(crashed)).toHaveLength(1);
    await again.close();
    expect((await readStateReadOnly(crashed)).directory.note).toBe('之后');
  });

  it('an edited journal line refuses to open and fails ledger:verify; the files are left as they were', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await note(store, '按期完成');
    const crashed = crashCopy(dir);
    await store.close();
    const edited = readFileSync(join(crashed, JOURNAL), 'utf8').replace('按期完成', '逾期未报');
    expect(edited).toContain('逾期未报');
    writeFileSync(join(crashed, JOURNAL), edited);
    const before = statSync(join(crashed, STATE)).mtimeMs;
    const error = (await open(crashed).then(
      () => undefined,
      (e: unknown) => e,
    )) as StoreError;
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toContain('被改动过');
    expect(readFileSync(join(crashed, JOURNAL), 'utf8')).toBe(edited);
    expect(statSync(join(crashed, STATE)).mtimeMs).toBe(before);
    const verified = await verifyDataDir(crashed);
    expect(verified.ok).toBe(false);
    expect(verified.problem).toMatchObject({ file: JOURNAL });
  });
});
