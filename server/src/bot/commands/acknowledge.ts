import { actFor } from '../../domain/progress/acting.js';
import { done, text, type Listener } from '../bot-kit.js';
import { acting } from './acting.js';

/** 收到 8: the unit's 签收 of one task. */
export const ack: Listener<'ack'> = async (command, turn, kit) => {
  const f = acting(turn, kit, command.task, command.unit);
  const r = await kit.progress.acknowledge(f);
  const name = `${kit.taskLabel(f.assignment)}(${kit.unitName(f.assignment.unitId)})`;
  return turn.send(
    r.already
      ? text(`${name}目前没有需要签收的事项。`)
      : done(kit.d.publicUrl, `已签收:${name}。`, f.assignment.taskId),
  );
};

/** 全部收到: every 签收 the sender's units owe, in one message. */
export const ackAll: Listener<'ackAll'> = async (_, turn, kit) => {
  const s = kit.state();
  const assignments = [
    ...new Set(
      kit.progress
        .openFor(turn.person.unitIds)
        .filter((o) => o.obligation.kind === 'acknowledge')
        .map((o) => o.obligation.assignmentId),
    ),
  ];
  if (assignments.length === 0) return turn.send(text('没有需要签收的任务。'));
  const r = await kit.progress.acknowledgeMany(
    assignments.map((id) => ({ ...actFor(s, turn.viewer, id, 'bot'), msgId: turn.event.msgId })),
  );
  const taskOf = new Map(s.assignments.map((a) => [a.id, a.taskId]));
  const numberOf = new Map(s.tasks.map((t) => [t.id, t.number]));
  const numbers = r.assignmentIds.map((id) => numberOf.get(taskOf.get(id) ?? '') ?? 0);
  const list = [...new Set(numbers)].sort((a, b) => a - b).join('、');
  return turn.send(done(kit.d.publicUrl, `已全部签收,共 ${numbers.length} 项:${list}。`));
};
