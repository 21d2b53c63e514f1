import { actFor, assignmentsByNumber, type ActingFor } from '../../domain/progress/acting.js';
import type { BotKit, Turn } from '../bot-kit.js';
import { AppError } from '../../errors.js';
import { shanghaiDate } from '../../calendar/dates.js';

/**
 * The assignment a command acts on: the sender's unit on that task — the one the message names,
 * when the sender answers for several that carry it, else `WHICH_UNIT` (asked back, one tap per
 * unit). The domain refuses a task the sender's units do not carry, as it does for the mini-app.
 */
export function acting(turn: Turn, kit: BotKit, task: number, unit?: string): ActingFor {
  const s = kit.state();
  const mine = assignmentsByNumber(s, turn.viewer, task, unit, {
    today: shanghaiDate(kit.d.clock.now()),
    text: turn.event.text ?? '',
  });
  // the unit written anywhere in the message (a person answering for several)
  const said = mine.filter((a) => (turn.event.text ?? '').includes(kit.unitName(a.unitId)));
  if (mine.length > 1 && said.length === 1)
    return { ...actFor(s, turn.viewer, said[0]!.id, 'bot'), msgId: turn.event.msgId };
  if (mine.length > 1)
    throw new AppError(
      'WHICH_UNIT',
      `您负责的 ${mine.map((a) => kit.unitName(a.unitId)).join('、')} 都承担重点任务${task}。请注明单位,例如:收到 ${task} ${kit.unitName(mine[0]!.unitId)}`,
      { details: mine.map((a) => ({ path: a.unitId, message: kit.unitName(a.unitId) })) },
    );
  return { ...actFor(s, turn.viewer, mine[0]!.id, 'bot'), msgId: turn.event.msgId };
}
