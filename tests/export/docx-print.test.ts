import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experienceCompilationDocx } from '../../server/src/export/experience-compilation-docx.js';
import { noticeSheetDocx } from '../../server/src/export/notice-sheet-docx.js';
import { ARTIFACTS } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Word → PDF through LibreOffice (writer, headless), then the text poppler reads and a page rendered to look at. */
function print(docx: Buffer, name: string): { text: string; pages: number } {
  const dir = tempDir();
  const file = join(dir, `${name}.docx`);
  writeFileSync(file, docx);
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
      file,
    ],
    { timeout: 120_000, stdio: 'pipe' },
  );
  const pdf = join(dir, `${name}.pdf`);
  expect(existsSync(pdf)).toBe(true);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(ARTIFACTS, name)], { timeout: 60_000 });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
  return { text, pages };
}

const experience = {
  id: 'X1',
  seq: 1,
  unitId: 'fsjd',
  unitName: '府山街道',
  title: '“街道吹哨、部门报到”推动老旧小区改造',
  text: '府山街道建立街道吹哨、部门报到机制。\n每月召开一次联席会议,问题清单化、责任项目化,三个月内完成12个小区改造。',
  evidence: [],
  taskIds: [],
  by: 'p-fsjd-c',
  createdAt: '2019-05-20T02:00:00Z',
  state: 'adopted' as const,
  sample: true,
};

describe('the Word documents, printed through LibreOffice (#37 acceptance)', () => {
  it('the 经验汇编: a cover, the contents, one section per experience, the 落款', async () => {
    const docx = await experienceCompilationDocx(
      [experience, { ...experience, id: 'X2', title: '网格化管理“一张图”', unitName: '北海街道', sample: false }],
      { district: '绍兴市越城区', year: 2019, today: '2019-12-20' },
    );
    const { text, pages } = print(docx, 'experience-compilation');
    expect(pages).toBe(5); // cover, contents, two experiences, 落款
    for (const s of ['2019年度典型经验汇编', '目 录', '府山街道 · 越城样本', '网格化管理“一张图”', '2019年12月20日'])
      expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));
  }, 180_000);

  it('the 督办通知单: the red head, number and grade, the items, the reply date, and the 回执 filled once signed', async () => {
    const docx = await noticeSheetDocx(
      {
        id: 'D9',
        number: '督办〔2019〕1号',
        year: 2019,
        n: 1,
        level: 'red',
        unitId: 'fsjd',
        items: [
          {
            obligationId: 'o',
            taskId: 't',
            name: '重点任务1 · 2018年签收',
            due: '2018-11-08',
            state: '已逾期 90 个工作日(2018年11月8日截止)',
          },
        ],
        text: '请于一周内补签收,并报送年终总结。',
        replyBy: '2019-03-27',
        issuedBy: 'p-dkb-s1',
        issuedAt: '2019-03-20T02:00:00Z',
        seq: 9,
        signed: { by: 'p-fsjd-c', at: '2019-03-21T02:00:00Z', channel: 'miniapp' },
      },
      { district: '绍兴市越城区', unitName: '府山街道', signer: '石刚' },
    );
    const { text } = print(docx, 'notice-sheet');
    for (const s of ['督办通知单', '督办〔2019〕1号', '红色督办', '府山街道:', '2019年3月27日', '回 执', '签收人:石刚'])
      expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));
    expect(
      readFileSync(
        join(
          ARTIFACTS,
          existsSync(join(ARTIFACTS, 'notice-sheet-1.png')) ? 'notice-sheet-1.png' : 'notice-sheet-01.png',
        ),
      ).length,
    ).toBeGreaterThan(5_000);
  }, 180_000);
});

describe('GET /api/notice-sheets/:id/document.pdf', () => {
  it('prints the 督办通知单 to PDF on a server with LibreOffice', async () => {
    const { seededApp } = await import('../helpers/test-app.js');
    const { storedObligations } = await import('../../server/src/domain/obligations/obligation-table.js');
    const t = await seededApp();
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const item = storedObligations(t.store.state.get()).find((o) => o.unitId === 'fsjd' && o.status === 'open')!;
    const sheet = (
      await t.inject({
        method: 'POST',
        url: '/api/notice-sheets',
        payload: { unitId: 'fsjd', obligationIds: [item.id], text: '请抓紧办理', replyBy: '2019-03-27' },
      })
    ).json();
    const pdf = await t.inject(`/api/notice-sheets/${sheet.id}/document.pdf`, 'p-fsjd-c');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    await t.close();
  }, 180_000);
});
