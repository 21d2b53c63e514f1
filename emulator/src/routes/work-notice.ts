import type { FastifyInstance } from 'fastify';
import type { EmulatorState, NoticeTask } from '../state.js';
import { jsonField, oapiFail, route } from '../wire.js';

const MSG_TYPES = ['text', 'image', 'voice', 'file', 'link', 'oa', 'markdown', 'action_card'];
const DAY = 24 * 3600_000;

function taskFor(
  state: EmulatorState,
  appKey: string,
  body: Record<string, unknown>,
  field: 'task_id' | 'msg_task_id',
): NoticeTask | undefined {
  const task = state.noticeTasks.get(Number(body[field]));
  if (!task || task.appKey !== appKey || Number(body.agent_id) !== task.agentId) return undefined;
  return task;
}

/**
 * 工作通知: asyncsend_v2 with the platform's silent limits (recipients over quota or receiving the
 * same content twice a day are dropped while the call still succeeds, visible only through
 * getsendresult), progress, result, recall.
 */
export function workNoticeRoutes(f: FastifyInstance, state: EmulatorState): void {
  route(
    f,
    state,
    {
      method: 'POST',
      url: '/topapi/message/corpconversation/asyncsend_v2',
      api: 'message.asyncsend_v2',
      style: 'oapi',
    },
    ({ app, body }) => {
      if (Number(body.agent_id) !== app.agentId) throw oapiFail(40035, '不合法的参数:agent_id');
      const msg = jsonField(body.msg) as Record<string, unknown> | undefined;
      if (!msg || typeof msg !== 'object') throw oapiFail(40035, '缺少参数 msg 或 msg 不是合法的JSON');
      if (!MSG_TYPES.includes(String(msg.msgtype)) || typeof msg[String(msg.msgtype)] !== 'object')
        throw oapiFail(40035, `不合法的消息类型:${String(msg.msgtype)}`);
      if (Buffer.byteLength(JSON.stringify(msg)) > 2048) throw oapiFail(40035, '消息内容超过2048字节');
      const userids = String(body.userid_list ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      if (userids.length === 0 && !body.dept_id_list && body.to_all_user !== true && body.to_all_user !== 'true') {
        throw oapiFail(40035, '缺少参数 userid_list、dept_id_list 或 to_all_user');
      }
      if (userids.length > state.settings.noticeUseridCap)
        throw oapiFail(state.settings.noticeCapErrcode, `userid_list 超过 ${state.settings.noticeUseridCap} 人`);
      const task: NoticeTask = {
        taskId: state.taskId(),
        appKey: app.appKey,
        agentId: app.agentId,
        msg,
        createdAt: state.clock.now(),
        delivered: [],
        invalid: [],
        forbidden: [],
        recalled: false,
      };
      state.noticeTasks.set(task.taskId, task);
      for (const userid of new Set(userids)) {
        if (!state.user(userid)) task.invalid.push(userid);
        else state.deliverNotice(task, userid);
      }
      return { task_id: task.taskId };
    },
  );

  route(
    f,
    state,
    {
      method: 'POST',
      url: '/topapi/message/corpconversation/getsendprogress',
      api: 'message.getsendprogress',
      style: 'oapi',
    },
    ({ app, body }) => {
      const task = taskFor(state, app.appKey, body, 'task_id');
      if (!task || state.clock.now() - task.createdAt > DAY) throw oapiFail(40035, '不合法的参数:task_id');
      return { progress: { progress_in_percent: 100, status: 2 } };
    },
  );

  route(
    f,
    state,
    {
      method: 'POST',
      url: '/topapi/message/corpconversation/getsendresult',
      api: 'message.getsendresult',
      style: 'oapi',
    },
    ({ app, body }) => {
      const task = taskFor(state, app.appKey, body, 'task_id');
      if (!task || state.clock.now() - task.createdAt > DAY) throw oapiFail(40035, '不合法的参数:task_id');
      const items = state.inbox.filter((i) => i.kind === 'notice' && i.taskId === task.taskId);
      return {
        send_result: {
          invalid_user_id_list: task.invalid,
          forbidden_user_id_list: task.forbidden.map((x) => x.userid),
          failed_user_id_list: [],
          read_user_id_list: items.filter((i) => i.read).map((i) => i.userid),
          unread_user_id_list: items.filter((i) => !i.read).map((i) => i.userid),
          invalid_dept_id_list: [],
          forbidden_list: task.forbidden.map((x) => ({ code: x.code, count: 1, userid: x.userid })),
        },
      };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/topapi/message/corpconversation/recall', api: 'message.recall', style: 'oapi' },
    ({ app, body }) => {
      const task = taskFor(state, app.appKey, body, 'msg_task_id');
      if (!task || state.clock.now() - task.createdAt > DAY)
        throw oapiFail(400002, '无效的agentId或taskId,或消息已超过24小时');
      task.recalled = true;
      for (const i of state.inbox) if (i.kind === 'notice' && i.taskId === task.taskId) i.recalled = true;
      return {};
    },
  );
}
