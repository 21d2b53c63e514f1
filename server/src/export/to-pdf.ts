import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors.js';

const run = promisify(execFile);

/**
 * A Word document printed to PDF by LibreOffice (headless writer), when the server has it
 * (`apt-get install libreoffice-writer-nogui`); without it the Word document is the answer
 * (`UNAVAILABLE`, saying so). One conversion at a time is plenty for a 督考办's documents; each
 * runs in a fresh profile directory, removed afterwards, with a time limit.
 */
export async function docxToPdf(docx: Buffer, name: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'duban-pdf-'));
  try {
    const file = join(dir, `${name}.docx`);
    await writeFile(file, docx);
    await run(
      'soffice',
      [
        '--headless',
        '--norestore',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        file,
      ],
      { timeout: 60_000 },
    );
    return await readFile(join(dir, `${name}.pdf`));
  } catch (error) {
    throw new AppError('UNAVAILABLE', '服务器未能生成 PDF(需安装 LibreOffice),请下载 Word 版本后打印', {
      cause: error,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
