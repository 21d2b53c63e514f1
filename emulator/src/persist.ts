import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EmulatorState, InboxItem, NoticeTask, Settings, Todo, Counters } from './state.js';

/**
 * The emulated platform's world on disk: what people received and sent (notices, robot chat, 待办,
 * read state), the platform's counters and settings, tokens and reply sessions. Local mode keeps it
 * in the data directory beside 督办通's own state, so a restart (whose simulated date survives)
 * shows the same console. Uploaded media and files sent to the bot are not kept (they expire on the
 * platform too), nor are one-time 免登 codes or injected faults.
 */
interface World {
  version: 1;
  nextTaskId: number;
  nextId: number;
  settings: Settings;
  noticeTasks: NoticeTask[];
  inbox: InboxItem[];
  todos: Todo[];
  groupMessages: EmulatorState['groupMessages'];
  daily: Array<[string, { count: number; hashes: string[] }]>;
  counters: Array<[string, Counters]>;
  tokens: Array<[string, { appKey: string; expiresAt: number }]>;
  tokenByApp: Array<[string, string]>;
  sessions: Array<[string, { userid: string; conversationId: string; appKey: string; expiresAt: number }]>;
  /** 浙政钉 bizMsgIds already used (absent in worlds saved before 浙政钉 was emulated). */
  zzdBizMsgIds?: string[];
}

export function snapshot(state: EmulatorState): World {
  return {
    version: 1,
    ...state.ids(),
    settings: state.settings,
    noticeTasks: [...state.noticeTasks.values()],
    inbox: state.inbox,
    todos: [...state.todos.values()],
    groupMessages: state.groupMessages,
    daily: [...state.daily].map(([k, d]) => [k, { count: d.count, hashes: [...d.hashes] }]),
    counters: [...state.counters],
    tokens: [...state.tokens],
    tokenByApp: [...state.tokenByApp],
    sessions: [...state.sessions],
    zzdBizMsgIds: [...state.zzdBizMsgIds],
  };
}

/** Puts a saved world back into a fresh state. A file of another version, or not a world, is refused. */
export function restore(state: EmulatorState, world: unknown): void {
  const w = world as Partial<World> | null;
  if (
    !w ||
    typeof w !== 'object' ||
    w.version !== 1 ||
    !Array.isArray(w.inbox) ||
    !Array.isArray(w.todos) ||
    !Array.isArray(w.noticeTasks)
  )
    throw new Error('不是模拟器保存的数据(或版本不符)');
  state.setIds(w.nextTaskId ?? 0, w.nextId ?? 0);
  state.settings = { ...state.settings, ...w.settings };
  for (const t of w.noticeTasks) state.noticeTasks.set(t.taskId, t);
  state.inbox.push(...w.inbox);
  for (const t of w.todos) state.todos.set(t.id, t);
  state.groupMessages.push(...(w.groupMessages ?? []));
  for (const [k, d] of w.daily ?? []) state.daily.set(k, { count: d.count, hashes: new Set(d.hashes) });
  for (const [k, c] of w.counters ?? []) state.counters.set(k, c);
  for (const [k, t] of w.tokens ?? []) state.tokens.set(k, t);
  for (const [k, t] of w.tokenByApp ?? []) state.tokenByApp.set(k, t);
  for (const [k, s] of w.sessions ?? []) state.sessions.set(k, s);
  for (const id of w.zzdBizMsgIds ?? []) state.zzdBizMsgIds.add(id);
}

/**
 * Keeps `state` saved at `file`: restores it now (a damaged file is set aside as `.bad` and the
 * world starts empty), then saves after changes — at most once per `delayMs` — and on `flush()`.
 * Writes go to a temporary file renamed over the old one, so a crash never leaves half a world.
 */
export function persistWorld(
  state: EmulatorState,
  file: string,
  log: (m: string) => void,
  delayMs = 500,
): { changed: () => void; flush: () => void; restored: number } {
  let restored = 0;
  try {
    const text = readFileSync(file, 'utf8');
    try {
      restore(state, JSON.parse(text));
      restored = state.inbox.length + state.todos.size;
    } catch (error) {
      renameSync(file, `${file}.bad`);
      log(`模拟器保存的数据无法读取(${(error as Error).message}),已改名为 ${file}.bad,从空白开始`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot(state)));
    renameSync(tmp, file);
  };
  const changed = (): void => {
    timer ??= setTimeout(() => {
      try {
        flush();
      } catch (error) {
        log(`模拟器数据保存失败:${(error as Error).message}`);
      }
    }, delayMs);
    timer.unref?.();
  };
  return { changed, flush, restored };
}
