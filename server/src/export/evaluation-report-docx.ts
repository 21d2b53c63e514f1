import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { cnFullDate } from '../../../shared/cn-date.js';
import type { Evaluation } from '../../../shared/schemas/evaluation.js';

const FONT = { eastAsia: '仿宋_GB2312', ascii: '仿宋_GB2312' };
const run = (text: string, size = 28, bold = false) =>
  new TextRun({ text, font: FONT, size, color: '000000', ...(bold ? { bold: true } : {}) });
const p = (text: string, o: { size?: number; bold?: boolean; center?: boolean; heading?: boolean } = {}) =>
  new Paragraph({
    children: [run(text, o.size, o.bold)],
    spacing: { line: 480 },
    ...(o.center ? { alignment: AlignmentType.CENTER } : {}),
    ...(o.heading ? { heading: HeadingLevel.HEADING_2 } : {}),
  });
const cell = (text: string, width: number) =>
  new TableCell({
    width: { size: width, type: WidthType.PERCENTAGE },
    children: [new Paragraph({ children: [run(text, 22)] })],
  });

/**
 * The evaluator's report as a Word document: the evaluation's scope and period, findings per unit
 * (score, what needs 整改 and by when, the 二次评估), the 公众满意度 table, the 落款 of the org.
 */
export async function evaluationReportDocx(
  e: Evaluation,
  o: { district: string; unitName: (id: string) => string; taskName: (id: string) => string; today: string },
): Promise<Buffer> {
  const byUnit = e.unitIds.map((u) => ({ unitId: u, findings: e.findings.filter((f) => f.unitId === u) }));
  const children: Array<Paragraph | Table> = [
    p(`${o.district}`, { size: 36, center: true }),
    p(`${e.title}报告`, { size: 40, bold: true, center: true }),
    p(`评估机构:${e.org}    评估期间:${cnFullDate(e.period.from)}至${cnFullDate(e.period.to)}`, { center: true }),
    p('一、评估范围', { size: 32, bold: true, heading: true }),
    p(`被评估单位 ${e.unitIds.length} 个:${e.unitIds.map(o.unitName).join('、')}。`),
    ...(e.taskIds.length ? [p(`评估任务:${e.taskIds.map(o.taskName).join('、')}。`)] : []),
    p('二、评估发现', { size: 32, bold: true, heading: true }),
    ...byUnit.flatMap(({ unitId, findings }) => [
      p(`${o.unitName(unitId)}`, { bold: true }),
      ...(findings.length === 0
        ? [p('未发现问题。')]
        : findings.map((f, i) =>
            p(
              `${i + 1}. ${f.taskId ? `【${o.taskName(f.taskId)}】` : ''}${f.text}${f.score !== undefined ? `(评分 ${f.score})` : ''}${
                f.rectify ? `。整改期限:${cnFullDate(f.rectify.due)}` : ''
              }${f.recheck ? `。二次评估:${f.recheck.passed ? '整改到位' : '仍未整改到位'}${f.recheck.text ? `,${f.recheck.text}` : ''}` : ''}`,
            ),
          )),
    ]),
    p('三、公众满意度', { size: 32, bold: true, heading: true }),
    ...(e.satisfaction.length === 0
      ? [p('本次评估未开展公众满意度调查。')]
      : [
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({
                tableHeader: true,
                children: [cell('单位', 50), cell('有效样本', 25), cell('满意度', 25)],
              }),
              ...e.satisfaction.map(
                (s) =>
                  new TableRow({
                    children: [cell(o.unitName(s.unitId), 50), cell(String(s.sample), 25), cell(`${s.percent}%`, 25)],
                  }),
              ),
            ],
          }),
        ]),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 600 }, children: [run(e.org, 28)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(cnFullDate(o.today), 28)] }),
  ];
  return Packer.toBuffer(
    new Document({
      creator: e.org,
      title: `${e.title}报告`,
      sections: [{ properties: { page: { margin: { top: 1800, bottom: 1600, left: 1500, right: 1400 } } }, children }],
    }),
  );
}
