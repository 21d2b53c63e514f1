import { chineseNumeral } from '../naming/names.js';
import { toSimplified } from '../naming/simplify.js';
import { understand } from './understand.js';
import type { BotCommand } from './bot-command.js';

const MAX_INPUT = 4000;

/** Full-width to half-width, no control characters, single spaces. */
export function normalizeInput(raw: string): string {
  return (
    raw
      .slice(0, MAX_INPUT)
      .normalize('NFKC')
      .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\u2060\ufeff]/g, ' ')
      .replace(/^@\S+\s*/, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Traditional characters and variant forms read as simplified (進展 → 进展), after `normalizeInput`. */
const simplified = (text: string): string => (/[\u0080-\uffff]/.test(text) ? toSimplified(text) : text);

/** 8, 08, 第8项, 第八项, 重点任务8, 任务十一 → the number. */
const TASK = String.raw`(?:重点任务|任务|第)?\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})(?![下些点起并直般律定样切同道致旦个次])\s*(?:项|号|条)?`;

function taskNumber(token: string): number | undefined {
  const n = /^\d+$/.test(token) ? Number(token) : chineseNumeral(token);
  return n !== undefined && n > 0 && n < 1000 ? n : undefined;
}

/**
 * Parses what an official typed to the bot. Tolerant of full-width digits and punctuation,
 * spaces, 第N项 / 第十一项; never throws; anything not understood is `unknown` (asked back, never
 * guessed).
 */
export function parseCommand(raw: string): BotCommand {
  const text = simplified(normalizeInput(raw));
  // 批示件3: task 3 of the 领导批示件 plan — read as the number, with the plan named (never key task 3)
  const instruction = /批示件\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:号)?/.exec(text);
  if (instruction) {
    const n = taskNumber(instruction[1]!);
    const rest = parseText(
      `${text.slice(0, instruction.index)} ${n ?? ''} ${text.slice(instruction.index + instruction[0].length)}`.trim(),
    );
    if (n !== undefined && 'task' in rest && rest.task === n)
      return { ...rest, unit: INSTRUCTIONS_PLAN_NAME } as BotCommand;
    if (n !== undefined && rest.kind === 'whichTask') return rest;
  }
  return parseText(text);
}

/** The 领导批示件 plan's name as the bot and the plans' short names read it. */
export const INSTRUCTIONS_PLAN_NAME = '领导批示件';

function parseText(text: string): BotCommand {
  const strict = parseStrict(text);
  if (strict.kind !== 'unknown' && strict.kind !== 'incomplete') return strict;
  // not in a command's own form: read the slots wherever they stand (understand.ts)
  const slots = understand(text);
  if (!slots) return strict;
  if (slots.kind === 'incomplete' && strict.kind === 'incomplete') return strict;
  return slots;
}

/** The commands in their own forms (收到 8, 进展 8 内容, 延期 8 6月30日 原因 …). */
function parseStrict(text: string): BotCommand {
  if (/^(帮助|help|\?|菜单|怎么用|使用说明)$/i.test(text)) return { kind: 'help' }; // ？ is ? after NFKC
  if (/^(我的任务|我的待办|任务|待办|任务清单)$/.test(text)) return { kind: 'myTasks' };
  if (/^(全部收到|全部确认|全部签收|都收到了?)$/.test(text)) return { kind: 'ackAll' };
  if (/^(不是|取消|不用了?)$/.test(text)) return { kind: 'dropDraft' };
  // 督办通知单: 回执 · 收到督办单 3号 · 回复督办单 3号 已完成整改
  const sheetNo = String.raw`(?:督办)?(?:〔\d{4}〕)?(\d{1,4})号`;
  const sign =
    new RegExp(
      String.raw`^(?:回执|(?:收到|签收|已收到)(?:了)?督办(?:通知)?单|督办(?:通知)?单(?:已)?收到(?:了)?)[,:;]?\s*(?:${sheetNo})?$`,
    ).exec(text) ?? /^(?:收到|签收|已收到)(?:了)?督办(?:〔\d{4}〕)?(\d{1,4})号$/.exec(text);
  if (sign) return { kind: 'signSheet', ...(sign[1] ? { n: Number(sign[1]) } : {}) };
  const answer = new RegExp(
    String.raw`^(?:回复督办(?:通知)?单|督办(?:通知)?单回复)[,:;]?\s*(?:${sheetNo})?[,:;]?\s*(.*)$`,
    's',
  ).exec(text);
  if (answer) return { kind: 'answerSheet', ...(answer[1] ? { n: Number(answer[1]) } : {}), text: answer[2]!.trim() };
  // the 督考办, in a group: 本群设为区司法局(的工作群) / 解除本群绑定
  const bind = /^(?:本群|这个群|该群)(?:设为|设置为|作为|定为|是|为)\s*(.+?)(?:的)?(?:工作群|单位群|专属群|群)?$/.exec(
    text,
  );
  if (bind && bind[1]!.trim().length >= 2) return { kind: 'bindChat', unit: bind[1]!.trim() };
  if (/^(?:解除|取消)(?:本群|这个群|该群)(?:的)?(?:单位)?(?:绑定|设置)?$/.test(text)) return { kind: 'unbindChat' };
  const confirm = new RegExp(String.raw`^确认进展\s*${TASK}$`).exec(text);
  if (confirm) {
    const task = taskNumber(confirm[1]!);
    if (task) return { kind: 'confirmDraft', task };
  }
  const m = (re: string): RegExpExecArray | null => new RegExp(`^${re}$`, 's').exec(text);
  const unitTail = String.raw`(?:\s+(?:@|单位:?)?(\S{2,20}))?`;
  let r = m(String.raw`(?:收到|确认|签收)[,:;]?\s*${TASK}${unitTail}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'ack', task, ...(r[2] ? { unit: r[2] } : {}) };
  }
  r = m(String.raw`(?:无变化|没变化|无进展变化|同上期)[,:;]?\s*${TASK}${unitTail}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'noChange', task, ...(r[2] ? { unit: r[2] } : {}) };
  }
  r = m(String.raw`(?:进展|进度|汇报)[,:;]?\s*${TASK}[,:;]?\s*(.*)`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task && r[2]!.trim().length >= 2) return { kind: 'progress', task, text: r[2]!.trim() };
    if (task)
      return { kind: 'incomplete', command: '进展', hint: `请在编号后写上进展内容,例如:进展 ${task} 已完成试点申报` };
  }
  r = m(String.raw`(?:完成|办结|申请办结)[,:;]?\s*${TASK}[,:;]?\s*(.*)`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'complete', task, text: r[2]!.trim() };
  }
  r = m(
    String.raw`(?:延期|申请延期)[,:;]?\s*${TASK}[,:;]?\s*(\d{4}[-./]\d{1,2}[-./]\d{1,2}|(?:\d{4}年)?\d{1,2}月\d{1,2}日?|本月底|下月底|月底|年底|\d{1,2}月底|(?:下|本)?(?:周|星期)[一二三四五六日天])\s*[,:;]?\s*(.*)`,
  );
  if (r) {
    const task = taskNumber(r[1]!);
    if (task && r[3]!.trim().length >= 2) return { kind: 'extend', task, dateText: r[2]!, reason: r[3]!.trim() };
    if (task)
      return {
        kind: 'incomplete',
        command: '延期',
        hint: `请写明延期到的日期和原因,例如:延期 ${task} 6月30日 等待上级批复`,
      };
  }
  if (/^(?:延期|申请延期)/.test(text))
    return {
      kind: 'incomplete',
      command: '延期',
      hint: '请写明任务编号、延期到的日期和原因,例如:延期 8 6月30日 等待上级批复',
    };
  r = m(String.raw`改报\s*${TASK}\s+(.{2,60}?)${unitTail}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'refile', task, item: r[2]!.trim(), ...(r[3] ? { unit: r[3] } : {}) };
  }
  r = m(String.raw`(?:撤回|撤销申请|撤回申请)[,:;]?\s*${TASK}${unitTail}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'withdraw', task, ...(r[2] ? { unit: r[2] } : {}) };
  }
  r = m(String.raw`(?:附到|附在|附件附到|图片附到|文件附到)[,:;]?\s*${TASK}${unitTail}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'attach', task, ...(r[2] ? { unit: r[2] } : {}) };
  }
  r = m(String.raw`(?:详情|查看|任务详情)[,:;]?\s*${TASK}`);
  if (r) {
    const task = taskNumber(r[1]!);
    if (task) return { kind: 'detail', task };
  }
  return { kind: 'unknown', text: text.slice(0, 200) };
}
