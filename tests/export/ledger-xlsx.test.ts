import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../helpers/browser.js';
import { runTs } from '../helpers/run-node.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { SEEDS_DIR } from '../helpers/seeds.js';

const FS = 'yc-lqstg-2018.k1.fsjd';

describe("the year's 台账 as Excel", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-06-20T10:00:00+08:00');
    await t.inject(
      {
        method: 'POST',
        url: `/api/assignments/${FS}/reports`,
        payload: { text: '上半年已完成试点申报', obligationId: `${FS}:2019:midYear` },
      },
      'p-fsjd-c',
    );
    const id = (await t.inject('/api/reviews')).json().items[0].id as string;
    await t.inject({ method: 'POST', url: `/api/reviews/${id}/return`, payload: { comment: '请补充批复文件' } });
    await t.inject({ method: 'POST', url: '/api/assessments/2019/compute', payload: {} });
  });
  afterAll(async () => t.close());

  const load = async (bytes: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    return wb;
  };

  it('exports a 总表 (one row per task × unit), one sheet per task and per unit, matching the ledger; a unit exports its own', async () => {
    const res = await t.inject('/api/exports/ledger.xlsx?year=2019');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = await load(res.rawPayload);
    const main = wb.getWorksheet('总表')!;
    const parts = (await t.inject('/api/overview/parts?limit=2000')).json().total as number;
    expect(main.rowCount).toBe(3 + parts);
    expect(String(main.getCell('A1').value)).toContain('2019年度督办台账');
    // the export's time in 北京时间, not UTC (#31 req 10)
    const stamped = [1, 2, 3].map((r) => String(main.getRow(r).getCell(1).value)).join('\n');
    expect(stamped).toMatch(/导出于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}\(北京时间\)/u);
    expect(stamped).not.toContain('UTC');
    expect(main.getRow(3).values).toEqual(
      expect.arrayContaining(['序号', '重点任务', '签收时间', '各期报送(日期、内容)', '灯色']),
    );
    const row = main
      .getRows(4, parts)!
      .find((r) => String(r.getCell(2).value).startsWith('重点任务1 ') && r.getCell(4).value === '府山街道')!;
    expect(String(row.getCell(8).value)).toContain('06-20 上半年已完成试点申报');
    expect(String(row.getCell(10).value)).toContain('退回:请补充批复文件');
    expect(row.getCell(12).value).toBe('红');
    // the last ledger event of the year (so far) is printed in every footer, and the print setup is A4 landscape with title rows repeated
    const head = t.store.ledger.head();
    expect(main.headerFooter.oddFooter).toContain(`#${head.seq}`);
    expect(main.headerFooter.oddFooter).toContain(head.hash.slice(0, 16));
    expect(main.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', printTitlesRow: '1:3' });
    expect(wb.worksheets.filter((w) => /^任务\d+$/.test(w.name)).length).toBe(36);
    expect(wb.getWorksheet('府山街道')!.rowCount).toBeGreaterThan(3);

    const mine = await load((await t.inject('/api/exports/ledger.xlsx?year=2019', 'p-fsjd-c')).rawPayload);
    const rows = mine.getWorksheet('总表')!.getRows(4, mine.getWorksheet('总表')!.rowCount - 3)!;
    expect(new Set(rows.map((r) => r.getCell(4).value))).toEqual(new Set(['府山街道']));
    expect((await t.inject('/api/exports/ledger.xlsx?year=2016')).json().code).toBe('VALIDATION_FAILED');
  });

  it("a unit's annual report: its tasks and what it reported, its score and reasons (once it may see them), open 整改", async () => {
    const own = await t.inject('/api/reports/annual?year=2019&unitId=fsjd', 'p-fsjd-c');
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toContain('text/html');
    expect(own.body).toContain('府山街道 2019 年度落实情况报告');
    expect(own.body).toContain('上半年已完成试点申报');
    expect(own.body).toContain('本年度考评尚未计算'); // the draft is the 督考办's
    const office = (await t.inject('/api/reports/annual?year=2019&unitId=fsjd')).body;
    expect(office).toMatch(/年度考评:\d+(\.\d+)? 分\((并列)?第 \d+ 名/);
    // dates do not wrap; the report ends with its 落款 (unit, the 督考办's seal line, the date)
    expect(office).toContain('td.date{white-space:nowrap}');
    expect(office).toMatch(/填报单位\(盖章\):府山街道<br\/?>督考办审核:_+\(盖章\)<br\/?>\d{4}年\d{1,2}月\d{1,2}日/u);
    expect((await t.inject('/api/reports/annual?year=2019&unitId=bhjd', 'p-fsjd-c')).json().code).toBe('FORBIDDEN');
    // the same unit's rows as a workbook, for the 督考办
    const wb = await load((await t.inject('/api/exports/ledger.xlsx?year=2019&unitId=bhjd')).rawPayload);
    expect(
      new Set(
        wb
          .getWorksheet('总表')!
          .getRows(4, wb.getWorksheet('总表')!.rowCount - 3)!
          .map((r) => r.getCell(4).value),
      ),
    ).toEqual(new Set(['北海街道']));
  });

  it('npm run export writes the same from the data directory; printed through LibreOffice, a page renders', async () => {
    const dir = tempDir();
    const out = join(dir, '台账-2019.xlsx');
    const r = await runTs('server/src/cli/export.ts', ['--year', '2019', '--out', out, '--data', t.dataDir], {
      DUBAN_SEEDS_DIR: SEEDS_DIR,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已导出 2019 年度台账');
    const wb = await load(readFileSync(out));
    expect(wb.getWorksheet('总表')!.rowCount).toBe(3 + (await t.inject('/api/overview/parts?limit=2000')).json().total);

    // the printout: LibreOffice converts the workbook to PDF, poppler renders the first page
    execFileSync(
      'soffice',
      [
        '--headless',
        '--norestore',
        `-env:UserInstallation=file://${dir}/lo-profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        out,
      ],
      { timeout: 120_000, stdio: 'pipe' },
    );
    const pdf = join(dir, '台账-2019.pdf');
    expect(existsSync(pdf)).toBe(true);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', pdf, join(ARTIFACTS, 'ledger-xlsx-page')], {
      timeout: 60_000,
    });
    const png = ['ledger-xlsx-page-1.png', 'ledger-xlsx-page-01.png', 'ledger-xlsx-page-001.png']
      .map((f) => join(ARTIFACTS, f))
      .find((f) => existsSync(f));
    expect(png).toBeDefined();
    expect(readFileSync(png!).length).toBeGreaterThan(10_000);
  }, 180_000);
});
