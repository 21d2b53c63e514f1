import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

/**
 * Reads an optional settings file of the seeds directory (提醒规则, 考评规则): the defaults when it
 * is absent; a file that cannot be read or does not fit the schema stops start-up, naming the field.
 */
export async function loadSeedFile<T>(seedsDir: string, file: string, what: string, schema: z.ZodType<T>, defaults: T): Promise<T> {
  const path = join(seedsDir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaults;
    throw new Error(`${what} ${path} 无法读取:${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${what} ${path} 有误:${parsed.error.issues.map((i) => `${i.path.join('.') || '(整体)'} ${i.message}`).join(';')}`);
  return parsed.data;
}
