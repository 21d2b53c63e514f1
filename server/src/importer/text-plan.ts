import { emptyDraft, FIRST_IS_LEAD_NOTE, type ColumnChoice, type DraftPlan, type DraftTask } from './draft.js';
import { chineseNumeral, normalizeText } from '../naming/names.js';
import { addTable } from './table.js';
import { textBlocks } from './blocks.js';
import { gluedTables } from './glued-table.js';
import type { Block } from './block.js';
import { isTraditional, toSimplified } from '../naming/simplify.js';

const PART = /^([一二三四五六七八九十]+)、\s*(.+)$/;
const PAREN_CN = /^\(([一二三四五六七八九十]+)\)\s*(.*)$/;
// 2.2022年… and 2.5月底前… are item 2; 2.5亿… is not an item
const NUMBERED = /^(\d{1,5})\s*[.、](?!\d(?!\d{3}年|\d?月))\s*(.+)$/;
const FIELD =
  /^(牵头单位|牵头责任单位|牵头部门|主办单位|责任单位|责任\(牵头\)单位|责任部门|协同责任单位|协同单位|配合单位|协办单位|配合部门|牵头负责领导|责任领导|分管领导|牵头领导|联系领导|时间要求|完成时限|完成时间|时限要求|时限)\s*:\s*(.*)$/;
const INLINE_UNITS = /\((责任单位|牵头单位|责任\(牵头\)单位|牵头责任单位)\s*:/;
const DATE_LINE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;

type Line = { no: number; text: string };

/**
 * Parses a plan document in plain text (UTF-8 or GB18030, already decoded): its lines and its
 * tables in any text form (`|` rows, tab-separated rows, cells one per line).
 */
export function parsePlanText(
  text: string,
  choices: readonly ColumnChoice[] = [],
  unitNames: readonly string[] = [],
): DraftPlan {
  return parsePlanBlocks(textBlocks(normalizeText(text)), choices, unitNames);
}

/**
 * Parses a document read into blocks (text, Word, PDF): metadata, sections, numbered measures with
 * inline (责任单位:…) or field lines (牵头单位: …), and task tables. Every non-empty line ends up in
 * a section, a task, the prose, or the skipped list.
 */
export function parsePlanBlocks(
  original: readonly Block[],
  choices: readonly ColumnChoice[] = [],
  /** The directory's unit and group names: where names run together with nothing between them. */
  unitNames: readonly string[] = [],
): DraftPlan {
  // a document in traditional characters (牽頭單位, 按職責分工負責) is read as simplified
  const traditional = isTraditional(
    original.map((b) => (b.kind === 'line' ? b.text : b.rows.map((r) => r.cells.join(' ')).join('\n'))).join('\n'),
  );
  // a table whose cells run together (a PDF's text layer) is rebuilt into rows and columns first
  const blocks = gluedTables(traditional ? original.map(simplifiedBlock) : original, unitNames);
  const lines: Line[] = blocks.filter((b) => b.kind === 'line').map((b) => ({ no: b.line, text: b.text }));
  const draft = emptyDraft();
  if (traditional) draft.originals = originalsOf(original);
  readMeta(lines, draft);

  const items = blocks;
  const textOf = (k: number): string => {
    const b = items[k];
    return b?.kind === 'line' ? b.text : '';
  };
  let section: number | undefined;
  let taskPart = false;
  let task: DraftTask | undefined;

  const isHeading = (k: number): boolean => {
    const t = textOf(k);
    return items[k]?.kind === 'table' || PART.test(t) || PAREN_CN.test(t) || NUMBERED.test(t);
  };
  /** Whether the item at `k` has field lines before the next heading. */
  const hasFieldsAhead = (k: number): boolean => {
    for (let j = k + 1; j < items.length; j += 1) {
      if (FIELD.test(textOf(j))) return true;
      if (isHeading(j)) return false;
    }
    return false;
  };
  const isTaskItem = (k: number): boolean => INLINE_UNITS.test(textOf(k)) || hasFieldsAhead(k);

  for (let k = 0; k < items.length; k += 1) {
    const item = items[k]!;
    if (item.kind === 'table') {
      task = undefined;
      addTable(draft, item, section, choices);
      continue;
    }
    const { line: no, text: t } = item;
    const next = textOf(k + 1);

    const field = FIELD.exec(t);
    if (field) {
      if (task) applyField(task, field[1]!, field[2]!.trim());
      else draft.skipped.push({ line: no, text: t, reason: '字段行前没有任务条目' });
      continue;
    }

    const part = PART.exec(t);
    if (part) {
      task = undefined;
      const startsItems = NUMBERED.test(next) || (PAREN_CN.test(next) && isTaskItem(k + 1));
      if (startsItems && !isTaskItem(k)) {
        section = pushSection(draft, part[1]!, `${part[1]}、`, part[2]!, no);
        taskPart = true;
      } else if (isTaskItem(k)) {
        task = pushTask(draft, chineseNumeral(part[1]!) ?? 0, `${part[1]}、`, part[2]!, section, no);
      } else {
        section = undefined;
        taskPart = /任务/.test(part[2]!);
        draft.prose.push({ line: no, text: t });
      }
      continue;
    }

    const paren = PAREN_CN.exec(t);
    if (paren) {
      task = undefined;
      if (isTaskItem(k))
        task = pushTask(draft, chineseNumeral(paren[1]!) ?? 0, `(${paren[1]})`, paren[2]!, section, no);
      else if (NUMBERED.test(next)) section = pushSection(draft, paren[1]!, `(${paren[1]})`, paren[2]!, no);
      else draft.prose.push({ line: no, text: t });
      continue;
    }

    const numbered = NUMBERED.exec(t);
    if (numbered && (section !== undefined || taskPart || isTaskItem(k))) {
      task = pushTask(draft, Number(numbered[1]), numbered[1]!, numbered[2]!, section, no);
      continue;
    }

    if (task && !/^(附件|注)[::]?/.test(t)) {
      task.body = `${task.body}\n${t}`;
      continue;
    }
    task = undefined;
    if (FIRST_IS_LEAD_NOTE.test(t)) draft.firstIsLeadStated = true;
    draft.prose.push({ line: no, text: t });
  }
  leadersFromSections(draft);
  if (traditional)
    draft.conventions.unshift({ line: 0, text: '文件为繁体字,已转换为简体字读取(单位名称按简体与名录比对)' });
  return draft;
}

/** A section named for a leader and their duty: (一)张三区长牵头负责的工作, 李四副市长分管领域. */
const LEADER_SECTION =
  /^([\u4e00-\u9fa5]{2,4}?(?:常务副市长|副市长|市长|常务副区长|副区长|区长|常务副县长|副县长|县长|副书记|书记|秘书长|副主任|主任))(?:同志)?(?:牵头|分管|联系)?(?:负责)?的?(?:工作|领域|事项|任务)/;

/** Tasks under a leader's section (and naming no leader of their own) have that leader. */
function leadersFromSections(draft: DraftPlan): void {
  const leaderOf = new Map<number, string>();
  for (const s of draft.sections) {
    const m = LEADER_SECTION.exec(s.title);
    if (m) leaderOf.set(s.number, m[1]!);
  }
  for (const t of draft.tasks) {
    const leader = t.sectionNumber === undefined ? undefined : leaderOf.get(t.sectionNumber);
    if (leader && t.leaders.length === 0) t.leaders = [leader];
  }
}

/** Each line's and table row's text as the document wrote it (by line or row number). */
function originalsOf(blocks: readonly Block[]): Record<number, string> {
  const out: Record<number, string> = {};
  for (const b of blocks)
    if (b.kind === 'line') out[b.line] = b.text;
    else for (const r of b.rows) out[r.line] = r.cells.filter(Boolean).join(' | ');
  return out;
}

/** A block with its text in simplified characters. */
function simplifiedBlock(b: Block): Block {
  return b.kind === 'line'
    ? { ...b, text: toSimplified(b.text) }
    : { ...b, rows: b.rows.map((r) => ({ ...r, cells: r.cells.map(toSimplified) })) };
}

function pushSection(draft: DraftPlan, numeral: string, label: string, title: string, line: number): number {
  const number = chineseNumeral(numeral) ?? draft.sections.length + 1;
  draft.sections.push({ number, label, title: title.replace(/[。.]$/, '').trim(), line });
  return number;
}

function pushTask(
  draft: DraftPlan,
  number: number,
  label: string,
  text: string,
  section: number | undefined,
  line: number,
): DraftTask {
  const task: DraftTask = { kind: 'measure', number, label, title: '', body: text, leaders: [], line };
  if (section !== undefined) task.sectionNumber = section;
  const inline = extractInlineUnits(text);
  if (inline) {
    task.body = inline.rest;
    for (const [name, value] of inline.fields) applyField(task, name, value);
  }
  task.title = titleSentence(task.body);
  draft.tasks.push(task);
  return task;
}

/** The first sentence, without its full stop: 加强政治建设。坚持… → 加强政治建设. */
function titleSentence(body: string): string {
  const first = body.split('\n')[0]!;
  const end = first.search(/[。;]/);
  return (end > 0 ? first.slice(0, end) : first).trim();
}

/**
 * Takes the trailing (责任单位:…) or (牵头单位:…;配合单位:…) off an item, respecting nested brackets.
 */
function extractInlineUnits(text: string): { rest: string; fields: Array<[string, string]> } | undefined {
  const m = INLINE_UNITS.exec(text);
  if (!m) return undefined;
  const open = m.index;
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  const inner = text.slice(open + 1, close === -1 ? text.length : close);
  const fields: Array<[string, string]> = [];
  for (const piece of inner.split(/;(?=[^;:]{2,8}:)/)) {
    const f = /^([^:]{2,10})\s*:\s*(.*)$/.exec(piece.trim());
    if (f) fields.push([f[1]!, f[2]!.trim()]);
  }
  const rest = (text.slice(0, open) + (close === -1 ? '' : text.slice(close + 1))).trim();
  return { rest, fields };
}

function applyField(task: DraftTask, name: string, value: string): void {
  const append = (prev: string | undefined): string => (prev ? `${prev},${value}` : value);
  if (/^(牵头单位|牵头责任单位|牵头部门|主办单位)$/.test(name)) task.leadText = append(task.leadText);
  else if (/^(协同责任单位|协同单位|配合单位|协办单位|配合部门)$/.test(name)) task.coText = append(task.coText);
  else if (/^(责任单位|责任\(牵头\)单位|责任部门)$/.test(name)) task.unitsText = append(task.unitsText);
  else if (/领导$/.test(name)) task.leaders.push(...value.split(/[,、;\s]+/).filter(Boolean));
  else task.timeText = value;
}

function readMeta(lines: Line[], draft: DraftPlan): void {
  const head = lines.slice(0, 30).filter((l) => l.text !== '');
  const quoted = head.map((l) => /《([^》]+)》/.exec(l.text)?.[1]).find(Boolean);
  const dateIndex = head.findIndex((l) => DATE_LINE.test(l.text));
  if (dateIndex >= 0) {
    const [, y, m, d] = DATE_LINE.exec(head[dateIndex]!.text)!;
    draft.meta.issuedOn = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    const before = head[dateIndex - 1]?.text;
    if (before && /(政府|办公室|委员会|委|局|办|厅|部)$/.test(before) && before.length <= 30)
      draft.meta.issuer = before;
  }
  const addressees = head.find((l) => /[::]$/.test(l.text) && /各|有关/.test(l.text));
  if (addressees) draft.meta.addressees = addressees.text.replace(/[::]$/, '');
  if (quoted) {
    draft.meta.title = quoted;
    return;
  }
  const titleLine = head.findIndex(
    (l) =>
      l !== addressees &&
      !DATE_LINE.test(l.text) &&
      !/[。::]$/.test(l.text) &&
      l.text.length <= 60 &&
      // an attachment mark above the title (附件 / 附件2 / 附件:) is not the title
      !/^附件\s*[0-9一二三四五六七八九十]*\s*[::]?$/.test(l.text),
  );
  if (titleLine >= 0) {
    const follow = head[titleLine + 1]?.text ?? '';
    // a title broken over two lines joins; the issuer's line under it (…人民政府办公室) does not
    const joined =
      follow.length > 0 &&
      follow.replace(/\s/g, '').length <= 12 &&
      !PART.test(follow) &&
      !/[。]/.test(follow) &&
      !DATE_LINE.test(follow) &&
      !/(政府|办公室|委员会|委|局|办|厅|部)$/.test(follow);
    draft.meta.title = (head[titleLine]!.text + (joined ? follow : '')).replace(/\s+/g, '');
  }
}
