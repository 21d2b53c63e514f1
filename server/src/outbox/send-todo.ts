import { createHash } from 'node:crypto';
import { covers, system, todoOwner, type Outcome, type RowOf, type SendContext } from './send-context.js';

/** A 待办 created for its owner as the directory says now (skipped where it is done or the platform has none). */
export async function createTodo(row: RowOf<'todoCreate'>, x: SendContext): Promise<Outcome> {
  const todoKey = row.payload.todoKey;
  const todo = x.state().todos[todoKey];
  const p = row.payload;
  if (!todo || todo.done) return { result: { skipped: true }, events: [] };
  // the owner as the directory says now; its completion goes to the same owner
  const owner = todoOwner(x, todo);
  if (!owner) return { result: { skipped: true, reason: '所在平台不支持待办' }, events: [] };
  const { channel, unionId } = owner;
  const { todoId } = await channel.createTodo({
    ownerUnionId: unionId,
    executorUnionIds: [unionId],
    subject: p.subject,
    ...(p.description ? { description: p.description } : {}),
    dueAt: new Date(`${p.due}T17:30:00+08:00`),
    url: p.url,
    sourceId: createHash('sha256').update(todoKey).digest('hex').slice(0, 32),
  });
  return {
    result: { todoId },
    events: [
      {
        type: 'todo.created',
        actor: system,
        subject: { type: 'obligation', id: todo.obligationIds[0]! },
        channel: 'scheduler',
        payload: { personId: todo.personId, todoId, ...covers(todo) },
      },
    ],
    apply: (d) => {
      const t = d.todos[todoKey];
      if (t) Object.assign(t, { todoId, unionId });
    },
  };
}

/** A 待办 marked done on the platform once its obligations are (dropped if it was never created). */
export async function completeTodo(row: RowOf<'todoComplete'>, x: SendContext): Promise<Outcome> {
  const todoKey = row.payload.todoKey;
  const todo = x.state().todos[todoKey];
  if (!todo || todo.done) return { result: { skipped: true }, events: [] };
  if (!todo.todoId) {
    return {
      result: { skipped: true, reason: '待办尚未创建' },
      events: [],
      apply: (d) => void (d.todos[todoKey] && (d.todos[todoKey].done = true)),
    };
  }
  const done = x.channels.on('dingtalk') ?? x.channels.primary;
  if (!done.capabilities.todo) return { result: { skipped: true, reason: '所在平台不支持待办' }, events: [] };
  await done.completeTodo(todo.unionId, todo.todoId);
  return {
    result: { todoId: todo.todoId },
    events: [
      {
        type: 'todo.completed',
        actor: system,
        subject: { type: 'obligation', id: todo.obligationIds[0]! },
        channel: 'scheduler',
        payload: { personId: todo.personId, todoId: todo.todoId, ...covers(todo) },
      },
    ],
    apply: (d) => {
      const t = d.todos[todoKey];
      if (t) t.done = true;
    },
  };
}
