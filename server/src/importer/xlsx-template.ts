import ExcelJS from 'exceljs';

/** The columns of the standard 任务分解表, in order; the importer finds them by these header words. */
export const TEMPLATE_COLUMNS = [
  { header: '序号', width: 8, note: '数字,每项任务一个' },
  { header: '重点任务', width: 48, note: '任务内容;一个任务一行' },
  { header: '牵头单位', width: 22, note: '单位全称,多个用顿号(、)分隔' },
  { header: '配合单位', width: 30, note: '多个用顿号分隔;"各镇人民政府、街道办事处"等可直接写' },
  { header: '完成时限', width: 18, note: '如:2024年6月底前、每年推进、持续推进、每季度' },
  { header: '分管领导', width: 14, note: '选填' },
  { header: '备注', width: 20, note: '选填' },
] as const;

/** Common 完成时限 wordings offered in the cell's list (any other wording may be typed). */
const TIME_CHOICES = ['每年推进', '持续推进', '每季度', '落实上级部署', '年底前'];

export interface TemplateRow {
  number: number | string;
  title: string;
  lead: string;
  co?: string;
  time?: string;
  leaders?: string;
  note?: string;
}

/**
 * The standard 任务分解表 as an .xlsx: a title row, the header, a section row (一、…) and an example
 * row — or `rows` given (a plan to hand back for editing) — with a list of common 完成时限 in that
 * column, notes on each header cell and the header frozen. Any district fills it in Excel or WPS
 * and imports it as it is; sections are rows with only 一、… in the first cell.
 */
export async function templateXlsx(
  title = '××区××年度重点工作任务分解表',
  rows?: ReadonlyArray<TemplateRow | { section: string }>,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '督办通';
  const ws = wb.addWorksheet('任务分解表', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = TEMPLATE_COLUMNS.map((c) => ({ width: c.width }));
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, TEMPLATE_COLUMNS.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  const header = ws.addRow(TEMPLATE_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell, col) => {
    cell.note = TEMPLATE_COLUMNS[col - 1]!.note;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F4FF' } };
  });
  const body = rows ?? [
    { section: '一、示例工程(本行可删除)' },
    {
      number: 1,
      title: '示例:建成区级数字化改革驾驶舱(本行可删除)',
      lead: '区大数据中心',
      co: '区府办、区经信局',
      time: '2024年9月底前',
      leaders: '',
      note: '',
    },
  ];
  for (const r of body) {
    if ('section' in r) {
      const row = ws.addRow([r.section]);
      ws.mergeCells(row.number, 1, row.number, TEMPLATE_COLUMNS.length);
      row.font = { bold: true };
      continue;
    }
    ws.addRow([r.number, r.title, r.lead, r.co ?? '', r.time ?? '', r.leaders ?? '', r.note ?? '']);
  }
  const last = Math.max(ws.rowCount + 500, 1000);
  for (let row = 3; row <= last; row += 1) {
    ws.getCell(row, 5).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${TIME_CHOICES.join(',')}"`],
      showErrorMessage: false, // a list to pick from, not a limit: 2024年6月底前 may be typed
    };
    ws.getCell(row, 1).dataValidation = {
      type: 'whole',
      operator: 'greaterThan',
      allowBlank: true,
      formulae: [0],
      showErrorMessage: true,
      errorTitle: '序号',
      error: '序号请填写正整数',
    };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
