import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { cnFullDate } from '../../../shared/cn-date.js';
import { SHEET_LEVEL_NAMES, type NoticeSheet } from '../../../shared/schemas/notice-sheet.js';
import { shanghaiDate } from '../calendar/dates.js';

/** The fonts of a 公文 (GB/T 9704): 小标宋 for the title, 仿宋 for the text, 黑体 for headings. */
const TITLE_FONT = '方正小标宋简体';
const BODY_FONT = '仿宋_GB2312';
const HEAD_FONT = '黑体';
/** 三号 (16 pt) and 二号 (22 pt), in docx's half-points. */
const BODY = 32;
const TITLE = 44;

const run = (text: string, o: { font?: string; size?: number; bold?: boolean; color?: string } = {}) =>
  new TextRun({
    text,
    font: { eastAsia: o.font ?? BODY_FONT, ascii: o.font ?? BODY_FONT },
    size: o.size ?? BODY,
    ...(o.bold ? { bold: true } : {}),
    ...(o.color ? { color: o.color } : {}),
  });
const para = (children: TextRun[], o: { align?: 'center' | 'right'; indent?: boolean; before?: number } = {}) =>
  new Paragraph({
    children,
    spacing: { line: 560, ...(o.before ? { before: o.before } : {}) },
    ...(o.align === 'center'
      ? { alignment: AlignmentType.CENTER }
      : o.align === 'right'
        ? { alignment: AlignmentType.RIGHT }
        : {}),
    ...(o.indent ? { indent: { firstLine: 640 } } : {}),
  });
const cell = (text: string, o: { head?: boolean; width: number }) =>
  new TableCell({
    width: { size: o.width, type: WidthType.PERCENTAGE },
    children: [
      new Paragraph({
        children: [run(text, { size: 28, ...(o.head ? { font: HEAD_FONT } : {}) })],
        alignment: o.head ? AlignmentType.CENTER : AlignmentType.LEFT,
      }),
    ],
  });

const LEVEL_COLOR = { hint: '1F4E79', yellow: 'B8860B', red: 'C00000' } as const;

/**
 * The 督办通知单 as a Word document (made with the `docx` package): the red-headed title, the
 * number and grade, the unit addressed, the items with their dates and state, the 督考办's text,
 * the reply date, the 落款; and the 回执 below the cut line, filled in once the unit signed.
 */
export async function noticeSheetDocx(
  sheet: NoticeSheet,
  o: { district: string; unitName: string; signer?: string | undefined },
): Promise<Buffer> {
  const issued = shanghaiDate(new Date(sheet.issuedAt));
  const items = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        tableHeader: true,
        children: [
          cell('序号', { head: true, width: 8 }),
          cell('督办事项', { head: true, width: 52 }),
          cell('完成时限', { head: true, width: 18 }),
          cell('当前情况', { head: true, width: 22 }),
        ],
      }),
      ...sheet.items.map(
        (i, n) =>
          new TableRow({
            children: [
              cell(String(n + 1), { width: 8 }),
              cell(i.name, { width: 52 }),
              cell(cnFullDate(i.due), { width: 18 }),
              cell(i.state, { width: 22 }),
            ],
          }),
      ),
    ],
  });
  const receipt = sheet.signed
    ? `签收人:${o.signer ?? sheet.signed.by}    签收时间:${cnFullDate(shanghaiDate(new Date(sheet.signed.at)))}`
    : '签收人:____________    签收时间:____年__月__日';
  const doc = new Document({
    creator: `${o.district}督考办`,
    title: `督办通知单 ${sheet.number}`,
    sections: [
      {
        properties: {
          page: { margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } },
        },
        children: [
          para([run(`${o.district}人民政府督查考核办公室`, { font: TITLE_FONT, size: TITLE, color: 'C00000' })], {
            align: 'center',
          }),
          new Paragraph({
            children: [],
            border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: 'C00000', space: 4 } },
          }),
          para([run('督办通知单', { font: TITLE_FONT, size: TITLE })], { align: 'center', before: 240 }),
          para(
            [
              run(`${sheet.number}    `),
              run(`${SHEET_LEVEL_NAMES[sheet.level]}督办`, { font: HEAD_FONT, color: LEVEL_COLOR[sheet.level] }),
            ],
            { align: 'center' },
          ),
          para([run(`${o.unitName}:`)], { before: 240 }),
          para([run(`经督查,你单位以下事项进展滞后,现予以${SHEET_LEVEL_NAMES[sheet.level]}督办:`)], { indent: true }),
          items,
          para([run(sheet.text)], { indent: true, before: 240 }),
          para(
            [
              run('请于 '),
              run(cnFullDate(sheet.replyBy), { bold: true }),
              run(
                ' 前将办理情况通过督办通回复督考办(在督办通知单页面"回复办理情况",或向督办通机器人发送"回复督办单 办理情况")。',
              ),
            ],
            { indent: true },
          ),
          para([run(`${o.district}人民政府督查考核办公室`)], { align: 'right', before: 480 }),
          para([run(cnFullDate(issued))], { align: 'right' }),
          new Paragraph({
            children: [run('(请沿此线剪下)', { size: 21 })],
            alignment: AlignmentType.CENTER,
            spacing: { before: 480 },
            border: { top: { style: BorderStyle.DASHED, size: 6, color: '808080', space: 4 } },
          }),
          para([run('回    执', { font: HEAD_FONT })], { align: 'center' }),
          para([run(`督办通知单 ${sheet.number} 已收到。`)], { indent: true }),
          para([run(`签收单位:${o.unitName}`)], { indent: true }),
          para([run(receipt)], { indent: true }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
