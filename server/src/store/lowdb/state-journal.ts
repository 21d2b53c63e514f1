import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { applyPatches, enablePatches, type Patch } from 'immer';
import type { Adapter } from 'lowdb';
import { writeFileDurable } from '../durable-fs.js';
import { sealState, StateDigestError, unsealState } from '../state-seal.js';

enablePatches();

/** The journal beside `state.json`: each commit's changes since the checkpoint, one line per group commit. */
export const JOURNAL_FILE = 'state.journal.jsonl';

/**
 * A journal line: the commit number `c`, immer's patches `p` (the change, from the state the
 * previous line left), and `h` = sha256(previous line's `h` — the checkpoint's digest for the
 * first — + the line without `h`). A line edited by hand breaks the chain from there on.
 */
interface Line {
  c: number;
  p: Patch[];
  h: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The member a checkpoint names the last commit it holds with (never part of the state). */
const COMMIT_MEMBER = 'stateCommit';

/** The checkpoint's text: the state and its commit number, sealed (`stateDigest` last). */
function checkpointText(state: object, commit: number): { text: string; digest: string } {
  const text = sealState(JSON.stringify({ ...state, [COMMIT_MEMBER]: commit }));
  return { text: `${text}\n`, digest: unsealState(text).digest! };
}

/** Writes `state` as a checkpoint holding commit `commit` (atomically, durably): a backup's state file. */
export async function writeCheckpoint(path: string, state: object, commit: number): Promise<void> {
  await writeFileDurable(path, checkpointText(state, commit).text);
}

export interface Replayed {
  /** The document: the checkpoint with every later journal line applied (not migrated, not validated). */
  doc: Record<string, unknown>;
  /** The last commit the document holds. */
  commit: number;
  /** How many journal lines were applied; whether the journal holds anything (it is then folded into a new checkpoint). */
  replayed: number;
  torn: boolean;
  journaled: boolean;
  /** The chain's head: the last applied line's hash, or the checkpoint's digest. */
  head: string;
}

/**
 * Reads the state as committed: the checkpoint (`state.json`, its digest checked) and the journal
 * lines after it, their chain checked from the checkpoint's digest. A torn last line (a crash in
 * the middle of an append: its commit was never acknowledged) is ignored; an edited checkpoint or
 * line refuses (StateDigestError). `undefined` when there is no checkpoint.
 */
export async function readCommitted(statePath: string, journalPath: string): Promise<Replayed | undefined> {
  let raw: string;
  try {
    raw = await readFile(statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return replay(raw, statePath, await readFile(journalPath, 'utf8').catch(() => ''), journalPath);
}

/** `readCommitted` on texts already read (the checkpoint's and the journal's). */
export function replay(raw: string, statePath: string, journal: string, journalPath: string): Replayed {
  const { text, intact, digest } = unsealState(raw);
  if (!intact) throw new StateDigestError(statePath);
  const { stateDigest: _seal, [COMMIT_MEMBER]: at, ...doc } = JSON.parse(text) as Record<string, unknown>;
  const commit0 = typeof at === 'number' ? at : 0;
  let state: Record<string, unknown> = doc;
  let commit = commit0;
  let prev = digest ?? '';
  let replayed = 0;
  let torn = false;
  const lines = journal.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const l = lines[i]!;
    if (l === '') continue;
    let line: Line;
    try {
      line = JSON.parse(l) as Line;
    } catch {
      // only the last line may be torn; anything else is damage
      if (lines.slice(i + 1).some((x) => x !== '')) throw new StateDigestError(journalPath);
      torn = true;
      break;
    }
    if (line.c <= commit0) continue; // written before the checkpoint that holds it
    if (line.c !== commit + 1 || sha256(prev + JSON.stringify({ c: line.c, p: line.p })) !== line.h)
      throw new StateDigestError(journalPath);
    state = applyPatches(state, line.p);
    commit = line.c;
    prev = line.h;
    replayed += 1;
  }
  return { doc: state, commit, replayed, torn, journaled: journal.trim() !== '', head: prev };
}

/**
 * lowdb's adapter for the embedded store: a commit appends its patches to the journal (one
 * write, one fdatasync — the commit point) instead of rewriting the whole state; every
 * `checkpointEvery` lines, or once the journal passes `maxJournalBytes`, the whole state is
 * written atomically as the new checkpoint and the journal starts again. The committer hands
 * each write its patches (`stage`) just before lowdb's `write`.
 */
export class JournaledStateFile<T extends object> implements Adapter<T> {
  private staged: Patch[] | undefined;
  private lines = 0;
  private bytes = 0;

  constructor(
    readonly statePath: string,
    readonly journalPath: string,
    private commit: number,
    /** The chain's head: the last line's hash, or the checkpoint's digest. */
    private head: string,
    private readonly o: { checkpointEvery: number; maxJournalBytes: number } = {
      checkpointEvery: 500,
      maxJournalBytes: 8 * 1024 * 1024,
    },
  ) {}

  async read(): Promise<T | null> {
    const r = await readCommitted(this.statePath, this.journalPath);
    return r ? (r.doc as T) : null;
  }

  /** The patches that lead to the state the next `write` is given (from the one before it). */
  stage(patches: Patch[]): void {
    this.staged = patches;
  }

  async write(data: T): Promise<void> {
    const patches = this.staged;
    this.staged = undefined;
    if (!patches || this.lines >= this.o.checkpointEvery || this.bytes >= this.o.maxJournalBytes)
      return this.checkpoint(data);
    const c = this.commit + 1;
    const body = JSON.stringify({ c, p: patches });
    const h = sha256(this.head + body);
    const text = `${body.slice(0, -1)},"h":"${h}"}\n`;
    // opened for each append: a file made read-only (or replaced) meanwhile refuses, and the commit with it
    const journal = await open(this.journalPath, 'a', 0o600);
    try {
      await journal.write(text);
      await journal.datasync();
    } finally {
      await journal.close();
    }
    this.commit = c;
    this.head = h;
    this.lines += 1;
    this.bytes += Buffer.byteLength(text);
  }

  /** Writes the whole state as the checkpoint (atomically), then empties the journal. */
  async checkpoint(data: T): Promise<void> {
    const c = this.commit + 1;
    const { text, digest } = checkpointText(data, c);
    await writeFileDurable(this.statePath, text);
    // a crash here leaves lines the checkpoint already holds: they are skipped (c ≤ its commit)
    const journal = await open(this.journalPath, 'a', 0o600);
    try {
      await journal.truncate(0);
      await journal.datasync();
    } finally {
      await journal.close();
    }
    this.commit = c;
    this.head = digest;
    this.lines = 0;
    this.bytes = 0;
  }
}
