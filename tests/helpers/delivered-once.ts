import { expect } from 'vitest';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import type { Store } from '../../server/src/store/ports.js';
import type { RunningEmulator } from './emulator.js';

/**
 * After a day's run (crashes and restarts included): the day was planned once, every notice row
 * of the day is sent and the emulator holds exactly one message with its title, nothing is left
 * claimed, and every 待办 exists once at the emulator. `note` goes into each failure message.
 */
export async function expectDeliveredOnce(
  emu: RunningEmulator,
  store: Store,
  day: string,
  note: string,
  /** `none`: the platform has no 待办 (浙政钉), so none may have been created. */
  want: 'once' | 'none' = 'once',
): Promise<void> {
  const state = store.state.get();
  const planned: LedgerEvent[] = [];
  for await (const e of store.ledger.read())
    if (e.type === 'reminders.planned' && e.subject.id === day) planned.push(e);
  expect(planned, `${day} planned once ${note}`).toHaveLength(1);
  expect(
    state.outbox.filter((r) => r.status === 'claimed').map((r) => r.key),
    `${day}: nothing left claimed ${note}`,
  ).toEqual([]);
  const notices = state.outbox.filter((r) => r.kind === 'notice' && r.date === day);
  expect(
    notices.filter((r) => r.status !== 'sent').map((r) => r.key),
    note,
  ).toEqual([]);
  const title = `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
  for (const row of notices) {
    const inbox = await emu.admin<{ items: Array<{ kind: string; msg: { action_card: { title: string } } }> }>(
      'GET',
      `/messages?userid=${String((row.payload as { userId?: string }).userId)}`,
    );
    const kind = row.key.startsWith('weekly:')
      ? '每周督办简报'
      : row.key.includes(':escalation:')
        ? '逾期督办'
        : '督办提醒';
    expect(
      inbox.items.filter((i) => i.kind === 'notice' && i.msg.action_card.title === `${kind} · ${title}`),
      `${row.key} delivered once ${note}`,
    ).toHaveLength(1);
  }
  const todos = Object.values(state.todos);
  if (want === 'none') {
    expect(todos, `no 待办 planned ${note}`).toEqual([]);
    expect([...emu.state.todos.values()], note).toEqual([]);
    return;
  }
  expect(todos.every((t) => t.todoId)).toBe(true);
  const emulatorTodos = [...emu.state.todos.values()].filter((t) => !t.deleted);
  expect(emulatorTodos, note).toHaveLength(todos.length);
  expect(new Set(emulatorTodos.map((t) => t.sourceId)).size, note).toBe(todos.length);
}
