import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkApplySafety } from '../../server/src/plan-import/apply-import.js';
import { ImportError } from '../../server/src/importer/import-error.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import { runTs } from '../helpers/run-node.js';
import { ROOT, SEED_PLAN_FILE, SEEDS_DIR, seedDirectory } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp } from '../helpers/test-app.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../server/src/store/open-store.js';

const text = (s: string) => new TextEncoder().encode(s);
const refusal = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return { code: (error as ImportError).code, message: (error as ImportError).message };
  }
  throw new Error('expected a refusal');
};

/** A zip whose only entry declares `size` bytes unpacked (and really holds `content`, 1,000 zeros by default). */
function zipDeclaring(
  size: number,
  content: Buffer = Buffer.alloc(1000),
  entry = 'xl/worksheets/sheet1.xml',
): Uint8Array {
  const name = Buffer.from(entry);
  const data = deflateRawSync(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const dirOffset = local.length + name.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(dirOffset, 16);
  return new Uint8Array(Buffer.concat([local, name, data, central, name, eocd]));
}

describe('imports that would destroy or hang (#13 requirement 7)', () => {
  it('refuses binary input, a non-workbook named .xlsx and a zip bomb, in Chinese with a code', async () => {
    expect(
      await refusal(
        importPlan(
          { name: 'x.txt', content: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]) },
          seedDirectory(),
        ),
      ),
    ).toMatchObject({ code: 'IMPORT_BINARY', message: expect.stringContaining('不是 UTF-8 或 GB18030 文本') });
    expect(
      await refusal(
        importPlan({ name: 'x.txt', content: text(`标题\n${'\u0001\u0002\u0003'.repeat(50)}`) }, seedDirectory()),
      ),
    ).toMatchObject({ code: 'IMPORT_BINARY' });
    expect(
      await refusal(importPlan({ name: '清单.xlsx', content: text('这不是工作簿') }, seedDirectory())),
    ).toMatchObject({ code: 'IMPORT_NOT_XLSX', message: expect.stringContaining('另存为 .xlsx') });
    expect(
      await refusal(importPlan({ name: '清单.xlsx', content: zipDeclaring(3_000_000_000) }, seedDirectory())),
    ).toMatchObject({ code: 'IMPORT_TOO_LARGE', message: expect.stringContaining('压缩炸弹') });
  });

  it('counts what a zip really inflates to, whatever its directory declares (#33 req 1)', async () => {
    // declares 1,000 bytes; inflates to 150 MB of zeros (the directory lies): refused, never handed to a parser
    const liar = zipDeclaring(1000, Buffer.alloc(150 * 1024 * 1024));
    expect(liar.length).toBeLessThan(1024 * 1024);
    expect(await refusal(importPlan({ name: '清单.xlsx', content: liar }, seedDirectory()))).toMatchObject({
      code: 'IMPORT_TOO_LARGE',
      message: expect.stringContaining('压缩炸弹'),
    });
    const docx = zipDeclaring(1000, Buffer.alloc(150 * 1024 * 1024), 'word/document.xml');
    expect(await refusal(importPlan({ name: '方案.docx', content: docx }, seedDirectory()))).toMatchObject({
      code: 'IMPORT_TOO_LARGE',
    });
    // 8 MB that packs a thousand times over is a bomb too (the ratio), though within the budget
    expect(
      await refusal(
        importPlan({ name: '清单.xlsx', content: zipDeclaring(1000, Buffer.alloc(8 * 1024 * 1024)) }, seedDirectory()),
      ),
    ).toMatchObject({ code: 'IMPORT_TOO_LARGE' });
    // a broken stream is a broken document, named as what it claims to be
    const broken = zipDeclaring(1000, Buffer.from('x'.repeat(5000)), 'word/document.xml');
    broken.fill(0xff, 40, 60);
    expect(await refusal(importPlan({ name: '方案.docx', content: broken }, seedDirectory()))).toMatchObject({
      code: 'IMPORT_NOT_DOCX',
    });
  });

  it('says what is wrong with a PDF without text (a scan), a broken PDF and a document of another kind named .docx', async () => {
    const scan = new Uint8Array(readFileSync(`${ROOT}tests/fixtures/importer/scanned.pdf`));
    expect(await refusal(importPlan({ name: '扫描件.pdf', content: scan }, seedDirectory()))).toMatchObject({
      code: 'IMPORT_PDF_NO_TEXT',
      message: expect.stringContaining('没有文字层'),
    });
    expect(
      await refusal(importPlan({ name: '坏.pdf', content: text('%PDF-1.7\n这不是真正的 PDF') }, seedDirectory())),
    ).toMatchObject({ code: 'IMPORT_NOT_PDF' });
    expect(
      await refusal(importPlan({ name: '方案.docx', content: text('一、主要任务') }, seedDirectory())),
    ).toMatchObject({ code: 'IMPORT_NOT_DOCX', message: expect.stringContaining('另存为 .docx') });
  });

  it('numbers items to any size: 1000 is not merged into 999', async () => {
    const items = [998, 999, 1000, 1001].map((n) => `${n}. 第${n}项工作。(责任单位:区发改局)`).join('\n');
    const r = await importPlan(
      { name: 'big.txt', content: text(`某区重点工作任务\n一、重点工作\n${items}\n`) },
      seedDirectory(),
    );
    expect(r.tasks.map((t) => t.number)).toEqual([998, 999, 1000, 1001]);
  });

  it('refuses to apply a plan with no tasks, or one that drops most of the plan, unless forced — and says what would be lost', async () => {
    const t = await seededApp();
    try {
      const state = t.store.state.get();
      const empty = await importPlan({ name: 'empty.txt', content: text('') }, seedDirectory(), {
        planId: 'yc-lqstg-2018',
      });
      expect(() => checkApplySafety(state, empty, false)).toThrow(expect.objectContaining({ code: 'IMPORT_EMPTY' }));
      const small = await importPlan(
        { name: 'small.txt', content: text('某区计划\n一、工作\n1. 只有一项工作。(责任单位:区发改局)\n') },
        seedDirectory(),
        { planId: 'yc-lqstg-2018' },
      );
      expect(() => checkApplySafety(state, small, false)).toThrow(
        expect.objectContaining({ code: 'IMPORT_DROPS_TASKS', message: expect.stringMatching(/失去 7\d\/74 项任务/) }),
      );
      expect(() => checkApplySafety(state, small, true)).not.toThrow();
    } finally {
      await t.close();
    }
  });

  it('npm run import -- empty.txt --apply leaves the active plan alone: exit 1, a coded Chinese message', async () => {
    const dir = tempDir();
    const seed = await runTs('server/src/cli/import.ts', [SEED_PLAN_FILE, '--apply', '--plan-id', 'yc-lqstg-2018'], {
      DUBAN_DATA_DIR: dir,
      DUBAN_SEEDS_DIR: SEEDS_DIR,
    });
    expect(seed.code).toBe(0);
    const empty = join(tempDir(), 'empty.txt');
    writeFileSync(empty, '');
    const end = await runTs('server/src/cli/import.ts', [empty, '--apply', '--plan-id', 'yc-lqstg-2018'], {
      DUBAN_DATA_DIR: dir,
      DUBAN_SEEDS_DIR: SEEDS_DIR,
    });
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('导入失败 [IMPORT_EMPTY]');
    const store = await openStore(dir, { clock: () => new Date() });
    expect(store.state.get().tasks).toHaveLength(74);
    await store.close();
  });
});
