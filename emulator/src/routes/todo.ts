import type { FastifyInstance } from 'fastify';
import type { EmulatorState, Todo } from '../state.js';
import { apiFail, route } from '../wire.js';

function view(t: Todo): Record<string, unknown> {
  return {
    id: t.id,
    subject: t.subject,
    description: t.description,
    startTime: t.createdTime,
    dueTime: t.dueTime,
    finishTime: t.finishTime,
    done: t.done,
    executorIds: t.executorIds,
    participantIds: t.participantIds,
    detailUrl: t.detailUrl,
    source: 'isv_dingtalkTodo',
    sourceId: t.sourceId,
    createdTime: t.createdTime,
    modifiedTime: t.modifiedTime,
    creatorId: t.ownerUnionId,
    modifierId: t.ownerUnionId,
    bizTag: 'isv_dingtalkTodo',
    requestId: t.id,
    isOnlyShowExecutor: t.raw.isOnlyShowExecutor ?? false,
    priority: t.priority,
    notifyConfigs: t.raw.notifyConfigs ?? {},
    contentFieldList: t.raw.contentFieldList ?? [],
  };
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** 待办 (todo) by unionId: create, get, update / complete, per-executor status, delete. */
export function todoRoutes(f: FastifyInstance, state: EmulatorState): void {
  const find = (appKey: string, owner: string, id: string, op: 'Update' | 'Get' | 'Delete'): Todo => {
    const t = state.todos.get(id);
    if (!t || t.deleted || t.appKey !== appKey || t.ownerUnionId !== owner)
      throw apiFail(400, `todo.task${op}.paramError`, 'task not exist');
    return t;
  };

  route(
    f,
    state,
    { method: 'POST', url: '/v1.0/todo/users/:unionId/tasks', api: 'todo.create', style: 'api' },
    ({ app, body, params }) => {
      if (!state.userByUnion(params.unionId!)) throw apiFail(400, 'todo.taskCreate.paramError', 'unionId is invalid');
      const subject = typeof body.subject === 'string' ? body.subject : '';
      if (!subject) throw apiFail(400, 'todo.taskCreate.paramError', 'subject is empty');
      if (subject.length > 1024) throw apiFail(400, 'todo.taskCreate.paramError', 'subject is oversize');
      if (typeof body.description === 'string' && body.description.length > 4096)
        throw apiFail(400, 'todo.taskCreate.paramError', 'description is oversize');
      const executorIds = ids(body.executorIds);
      if (executorIds.length > 100) throw apiFail(400, 'todo.taskCreate.paramError', 'executors is oversize');
      const unknown = [...executorIds, ...ids(body.participantIds)].find((u) => !state.userByUnion(u));
      if (unknown) throw apiFail(400, 'todo.taskCreate.paramError', `unionId ${unknown} is invalid`);
      if (body.dueTime !== undefined && (typeof body.dueTime !== 'number' || body.dueTime <= 0))
        throw apiFail(400, 'todo.taskCreate.paramError', 'dueTime is invalid');
      const sourceId = typeof body.sourceId === 'string' ? body.sourceId : undefined;
      if (
        sourceId &&
        [...state.todos.values()].some((t) => !t.deleted && t.appKey === app.appKey && t.sourceId === sourceId)
      ) {
        throw apiFail(400, 'todo.taskCreate.paramError', 'task exist');
      }
      const now = state.clock.now();
      const todo: Todo = {
        id: state.id('task'),
        appKey: app.appKey,
        ownerUnionId: params.unionId!,
        subject,
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
        ...(typeof body.dueTime === 'number' ? { dueTime: body.dueTime } : {}),
        executorIds,
        participantIds: ids(body.participantIds),
        ...(body.detailUrl && typeof body.detailUrl === 'object'
          ? { detailUrl: body.detailUrl as Todo['detailUrl'] }
          : {}),
        ...(sourceId ? { sourceId } : {}),
        ...(typeof body.priority === 'number' ? { priority: body.priority } : {}),
        done: false,
        executorStatus: Object.fromEntries(executorIds.map((e) => [e, false])),
        createdTime: now,
        modifiedTime: now,
        deleted: false,
        raw: body,
      };
      state.todos.set(todo.id, todo);
      return view(todo);
    },
  );

  route(
    f,
    state,
    { method: 'GET', url: '/v1.0/todo/users/:unionId/tasks/sources/:sourceId', api: 'todo.getBySource', style: 'api' },
    ({ app, params }) => {
      const t = [...state.todos.values()].find(
        (x) =>
          !x.deleted && x.appKey === app.appKey && x.ownerUnionId === params.unionId && x.sourceId === params.sourceId,
      );
      if (!t) throw apiFail(400, 'todo.taskGet.paramError', 'task not exist');
      return view(t);
    },
  );

  route(
    f,
    state,
    { method: 'GET', url: '/v1.0/todo/users/:unionId/tasks/:taskId', api: 'todo.get', style: 'api' },
    ({ app, params }) => view(find(app.appKey, params.unionId!, params.taskId!, 'Get')),
  );

  route(
    f,
    state,
    { method: 'PUT', url: '/v1.0/todo/users/:unionId/tasks/:taskId', api: 'todo.update', style: 'api' },
    ({ app, params, body }) => {
      const t = find(app.appKey, params.unionId!, params.taskId!, 'Update');
      if (typeof body.subject === 'string') t.subject = body.subject;
      if (typeof body.description === 'string') t.description = body.description;
      if (typeof body.dueTime === 'number') t.dueTime = body.dueTime;
      if (Array.isArray(body.executorIds)) t.executorIds = ids(body.executorIds);
      if (Array.isArray(body.participantIds)) t.participantIds = ids(body.participantIds);
      if (typeof body.done === 'boolean') {
        t.done = body.done;
        if (body.done) t.finishTime = state.clock.now();
        else delete t.finishTime;
      }
      t.modifiedTime = state.clock.now();
      return { result: true };
    },
  );

  route(
    f,
    state,
    {
      method: 'PUT',
      url: '/v1.0/todo/users/:unionId/tasks/:taskId/executorStatus',
      api: 'todo.executorStatus',
      style: 'api',
    },
    ({ app, params, body }) => {
      const t = find(app.appKey, params.unionId!, params.taskId!, 'Update');
      const list = Array.isArray(body.executorStatusList)
        ? (body.executorStatusList as Array<{ id?: unknown; isDone?: unknown }>)
        : [];
      for (const e of list)
        if (typeof e.id === 'string' && t.executorIds.includes(e.id)) t.executorStatus[e.id] = e.isDone === true;
      if (t.executorIds.length > 0 && t.executorIds.every((e) => t.executorStatus[e])) {
        t.done = true;
        t.finishTime = state.clock.now();
      }
      t.modifiedTime = state.clock.now();
      return { result: true };
    },
  );

  route(
    f,
    state,
    { method: 'DELETE', url: '/v1.0/todo/users/:unionId/tasks/:taskId', api: 'todo.delete', style: 'api' },
    ({ app, params }) => {
      find(app.appKey, params.unionId!, params.taskId!, 'Delete').deleted = true;
      return { result: true };
    },
  );
}

export { view as todoView };
