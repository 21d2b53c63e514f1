import { AlignmentType, Document, HeadingLevel, Packer, PageBreak, Paragraph, TableOfContents, TextRun } from 'docx';
import { cnFullDate } from '../../../shared/cn-date.js';
import type { Experience } from '../../../shared/schemas/pilot.js';
import { shanghaiDate } from '../calendar/dates.js';

const FONT = { eastAsia: '仿宋_GB2312', ascii: '仿宋_GB2312' };
const TITLE_FONT = { eastAsia: '方正小标宋简体', ascii: '方正小标宋简体' };
/** Every run black: Word's heading styles would colour the titles blue, not how a 公文 reads. */
const run = (text: string, o: { size?: number; bold?: boolean; font?: typeof FONT } = {}) =>
  new TextRun({ text, font: o.font ?? FONT, size: o.size ?? 32, color: '000000', ...(o.bold ? { bold: true } : {}) });

/**
 * The year's 经验汇编 as a Word document (the `docx` package): a cover, the contents (a field Word
 * fills when the document is opened), one section per adopted experience — its title as a heading,
 * the unit, 越城样本 marked, the text in paragraphs — and the 落款.
 */
export async function experienceCompilationDocx(
  experiences: ReadonlyArray<Experience & { unitName: string }>,
  o: { district: string; year: number; today: string },
): Promise<Buffer> {
  const cover = [
    new Paragraph({ children: [], spacing: { before: 3000 } }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [run(`${o.district}`, { size: 44, font: TITLE_FONT })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 400 },
      children: [run(`${o.year}年度典型经验汇编`, { size: 52, font: TITLE_FONT })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 2400 },
      children: [run(`${o.district}人民政府督查考核办公室`), new TextRun({ break: 1 }), run(cnFullDate(o.today))],
    }),
    new Paragraph({ children: [new PageBreak()] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [run('目  录', { size: 36, font: TITLE_FONT })] }),
    new TableOfContents('目录', { hyperlink: true, headingStyleRange: '1-1' }),
  ];
  const sections = experiences.flatMap((x, i) => [
    new Paragraph({ children: [new PageBreak()] }),
    new Paragraph({
      heading: HeadingLevel.HEADING_1,
      alignment: AlignmentType.CENTER,
      children: [run(`${i + 1}. ${x.title}`, { size: 36, font: TITLE_FONT })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [run(`${x.unitName}${x.sample ? '  ·  越城样本' : ''}`, { size: 28 })],
    }),
    ...x.text
      .split(/\n+/)
      .filter((p) => p.trim())
      .map((p) => new Paragraph({ indent: { firstLine: 640 }, spacing: { line: 560 }, children: [run(p.trim())] })),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: { before: 240 },
      children: [run(`(${x.unitName}报送,${cnFullDate(shanghaiDate(new Date(x.createdAt)))})`, { size: 24 })],
    }),
  ]);
  const doc = new Document({
    creator: `${o.district}督考办`,
    title: `${o.year}年度典型经验汇编`,
    features: { updateFields: true },
    sections: [
      {
        properties: { page: { margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } } },
        children: [
          ...cover,
          ...sections,
          new Paragraph({ children: [new PageBreak()] }),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            spacing: { before: 480 },
            children: [run(`${o.district}人民政府督查考核办公室`)],
          }),
          new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(cnFullDate(o.today))] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
