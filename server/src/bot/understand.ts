import { chineseNumeral } from '../naming/names.js';
import { relativeDate } from '../naming/date-expression.js';
import type { BotCommand } from './bot-command.js';

/**
 * What an official meant, read from slots wherever they stand in the message rather than from a
 * prefix: the intent from keywords anywhere (收到/签收, 进展/已完成80%, 无变化, 办结/已经完成了,
 * 延期/推迟, 撤回, 详情/我的任务, 帮助), the task(s) (3号任务, 任务3, 第三项, 重点任务三十三,
 * 三十三项, #3, "3:"; lists 1、3、5 and ranges 1-5), a percentage, a date (the shared reader) and a
 * reason (原因/因为/因/由于…). It answers only what the words say: a missing slot becomes a
 * question (`ackWhich`, `whichTask`), never a guess. The caller has normalised the text.
 */
const N = String.raw`(\d{1,3}|[一二两三四五六七八九十百]{1,4})`;

const num = (token: string): number | undefined => {
  const n = /^\d+$/.test(token) ? Number(token) : chineseNumeral(token);
  return n !== undefined && n > 0 && n < 1000 ? n : undefined;
};

// what may follow a bare 3项 / 9号 for it to name a task (not 3项工作, 15号前, 第一阶段)
const NEXT = String.raw`(?=\s|$|[,,.。::;;!!、]|进展|进度|已|任务|无变化|收到|签收|确认|延期|撤回|完成|办结|的|目前|现在|正在|汇报|报送|情况)`;
const PATTERNS: RegExp[] = [
  // 重点任务3 · 任务三十三 · 第3项 · 第三条
  new RegExp(String.raw`(?:重点任务|任务)\s*${N}\s*(?:项|号|条)?(?![\d%.月日个次批])`, 'g'),
  new RegExp(String.raw`第\s*${N}\s*(?:项|号|条)|第\s*${N}${NEXT}`, 'g'),
  // 3号任务 · 三十三项任务
  new RegExp(String.raw`(?<![\d零〇一二两三四五六七八九十百])${N}\s*(?:号任务|项任务)`, 'g'),
  // 三十三项 · 9号 (not a date: 15号 after 月/到/至, or before 前)
  new RegExp(String.raw`(?<![\d零〇一二两三四五六七八九十百月到至于在前第])${N}\s*(?:号|项)${NEXT}`, 'g'),
  // #3
  /#\s*(\d{1,3})/g,
];
const LIST = new RegExp(
  String.raw`(?:(?:收到|签收|确认)\s*[::]?\s*((?:\d{1,3}\s*(?:[、,,和及与]|[-~至到])\s*)+\d{1,3})|((?:\d{1,3}\s*(?:[、,,和及与]|[-~至到])\s*)+\d{1,3})\s*(?:项|号)?\s*(?:都|均|已|全部)?\s*(?:收到|签收|确认))`,
);
const NOT_A_NUMBER = String.raw`(?![\d%.月日号年个次批天周项目下些点起并直般律定样切同道致旦])`;
const AFTER = new RegExp(
  String.raw`(?:收到|签收|确认|进展|进度|汇报|无变化|办结|延期|撤回|详情)\s*[::,]?\s*${N}${NOT_A_NUMBER}`,
  'g',
);
const AFTER_UNIT = new RegExp(
  String.raw`(?:收到|签收|确认|进展|无变化|撤回|详情)\s*${N}\s*(?:号|项)(?!前|之前|以前)`,
  'g',
);
const APART = new RegExp(String.raw`(?:完成|办结)\s+${N}\s+(?![项个次批])`, 'g');

interface Found {
  tasks: number[];
  /** Where the task references stand (to cut them out of the report's text). */
  spans: Array<[number, number]>;
}

/** Task references, in the order written, each once. */
export function findTasks(text: string): Found {
  const tasks: number[] = [];
  const spans: Array<[number, number]> = [];
  const add = (n: number | undefined, at: number, len: number): void => {
    if (n === undefined) return;
    if (!tasks.includes(n)) tasks.push(n);
    spans.push([at, at + len]);
  };
  for (const re of PATTERNS)
    for (const m of text.matchAll(re)) {
      add(num(m[1] ?? m[2]!), m.index, m[0].length);
    }
  // lists and ranges next to a command word: 1、3、5收到 · 收到1-5 · 收到 1,3
  const list = LIST.exec(text);
  if (list) {
    const body = list[1] ?? list[2]!;
    const range = /^(\d{1,3})\s*[-~至到]\s*(\d{1,3})$/.exec(body.trim());
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > 0 && b >= a && b - a < 50) for (let i = a; i <= b; i += 1) add(i, list.index, list[0].length);
    } else for (const d of body.split(/[、,,和及与\s]+/)) add(num(d), list.index, list[0].length);
  }
  // right after a command word: 收到 3 · 进展 8 … · 延期 9 … (not 延期到3月, not 80%)
  for (const m of text.matchAll(AFTER)) add(num(m[1]!), m.index + m[0].length - m[1]!.length, m[1]!.length);
  // 收到3号 · 签收第3项 · 进展 5号 (号/项 right after a command word that is not 延期)
  for (const m of text.matchAll(AFTER_UNIT)) add(num(m[1]!), m.index, m[0].length);
  // 完成 29 已全面完成…: the number stands apart
  for (const m of text.matchAll(APART)) add(num(m[1]!), m.index, m[0].length);
  // a number opening the message (or what follows a greeting): "3:已召开专题会" · "3、已召开" · "3已召开"
  const lead = /(?:^|[,,。!!]\s*)(\d{1,3})\s*(?:[::、.,](?!\d)|(?=已|正在|目前|现已))/.exec(text);
  if (lead) add(num(lead[1]!), lead.index, lead[0].length);
  return { tasks, spans };
}

type Intent = 'ackAll' | 'withdraw' | 'extend' | 'noChange' | 'complete' | 'ack' | 'progress' | 'query' | 'help';

const INTENTS: Array<[Intent, RegExp]> = [
  ['ackAll', /全部(?:收到|签收|确认)|都收到了?|签收全部/],
  ['query', /我的任务|我的待办|还有哪些|有哪些任务|还有什么任务|查一下待办|待办有哪些/],
  ['withdraw', /撤回|撤销/],
  ['extend', /延期|推迟|延后|延长期限|宽限|顺延|往后延/],
  ['noChange', /无变化|没变化|没有变化|同上期|无新进展|没有新进展|没什么变化/],
  ['complete', /办结|全部完成|全面完成|已办完|(?:已经?|都)完成了?(?=\s*(?:$|[,。!!~]|请|了|啦))/],
  ['ack', /收到|签收|已阅|收悉|知道了|已知悉|明白/],
  ['progress', /进展|进度|汇报|报送|推进|完成了?|正在|已经|已[\u4e00-\u9fa5]|开展|召开|印发|\d\s*%|百分之/],
  ['query', /待办|查询|查看|详情|看看/],
  ['help', /帮助|怎么用|使用说明|怎么操作|help/i],
];

const PROGRESS = INTENTS.find(([i]) => i === 'progress')![1];
const PCT = /(\d{1,3})\s*%|百分之([一二三四五六七八九十百]{1,4})/;
const REASON = /(?:原因|理由)\s*(?:是|为|:)?\s*|因为|由于|鉴于|因(?=[\u4e00-\u9fa5])/;

/** The message without its task references and the command words at its start, for a report's text. */
function remainder(text: string, spans: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (a < at) continue;
    out += `${text.slice(at, a)} `;
    at = b;
  }
  out += text.slice(at);
  return out
    .replace(/^\s*[\u4e00-\u9fa5]{0,4}(?:主任|科长|处长|局长|老师|领导|同志|各位|大家|你|您)好[\s,,!!。]*/, '')
    .replace(/[\s,,。!!~]*(?:谢谢|感谢|辛苦了?|麻烦了?|多谢)[\s!!。~]*$/, '')
    .replace(/^[\s,,.。::;;、!!]*(?:(?:进展|进度|汇报|报送)\s*[::,]?\s*)?/, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,,.。::;;、]+|[\s,,;;、]+$/g, '')
    .trim();
}

/** What the slots make of a message the strict forms did not read; undefined when no intent is there. */
export function understand(text: string): BotCommand | undefined {
  const intent = INTENTS.find(([, re]) => re.test(text))?.[0];
  const { tasks, spans } = findTasks(text);
  if (!intent) return undefined;
  const task = tasks[0];
  const rest = remainder(text, spans);
  switch (intent) {
    case 'ackAll':
      return tasks.length === 0
        ? { kind: 'ackAll' }
        : tasks.length > 1
          ? { kind: 'ackMany', tasks }
          : { kind: 'ack', task: task! };
    case 'help':
      return tasks.length === 0 ? { kind: 'help' } : undefined;
    case 'query':
      return task !== undefined ? { kind: 'detail', task } : { kind: 'myTasks' };
    case 'ack': {
      // a report said with 收到 in front ("收到,3号已完成80%") is a report
      const more = rest.replace(/收到了?|签收|已阅|收悉|知道了|已知悉|明白|好的|谢谢|感谢|[,。!!~ ]/g, '');
      if (more.length >= 4 && task !== undefined && PROGRESS.test(more))
        return { kind: 'progress', task, text: rest.replace(/^收到了?[,,。!! ]*/, '') };
      if (tasks.length > 1) return { kind: 'ackMany', tasks };
      return task !== undefined ? { kind: 'ack', task } : { kind: 'ackWhich' };
    }
    case 'noChange':
      return task !== undefined ? { kind: 'noChange', task } : { kind: 'whichTask', intent, text: '' };
    case 'withdraw':
      return task !== undefined ? { kind: 'withdraw', task } : { kind: 'whichTask', intent, text: '' };
    case 'complete': {
      const body = rest.length >= 2 ? rest : '已完成';
      return task !== undefined ? { kind: 'complete', task, text: body } : { kind: 'whichTask', intent, text: body };
    }
    case 'extend': {
      const date = relativeDate(text, '2000-06-15');
      const why = REASON.exec(text);
      let reason = why ? text.slice(why.index + why[0].length) : rest;
      if (date) reason = reason.replace(date.text, ' ');
      reason = reason
        .replace(/(?:申请)?(?:延期|推迟|延后|顺延)(?:到|至)?/g, ' ')
        .replace(/^[\s,,.。::;;、到至]+|[\s,,。;;、]+$/g, '')
        .trim();
      if (task === undefined)
        return { kind: 'whichTask', intent, text: reason, ...(date ? { dateText: date.text } : {}) };
      if (!date)
        return {
          kind: 'incomplete',
          command: '延期',
          hint: `请写明重点任务${task}延期到哪一天,例如:延期 ${task} 6月30日${reason.length >= 2 ? ` ${reason}` : ' 等待上级批复'}`,
        };
      if (reason.length < 2)
        return {
          kind: 'incomplete',
          command: '延期',
          hint: `请写明延期的原因,例如:延期 ${task} ${date.text} 等待上级批复`,
        };
      return { kind: 'extend', task, dateText: date.text, reason };
    }
    case 'progress': {
      if (rest.length < 2) return task !== undefined ? undefined : undefined;
      const pct = PCT.exec(text);
      const body = rest;
      if (task === undefined) return { kind: 'whichTask', intent, text: body };
      return {
        kind: 'progress',
        task,
        text: pct && !body.includes('%') && !body.includes('百分之') ? `${body}(${pct[0]})` : body,
      };
    }
  }
}
