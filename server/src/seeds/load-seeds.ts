import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { Id } from '../../../shared/schemas/common.js';
import { PeopleFile } from '../../../shared/schemas/person.js';
import { UnitDirectory } from '../../../shared/schemas/unit.js';

export const SeedManifest = z.object({
  note: z.string().optional(),
  units: z.string(),
  people: z.string(),
  plans: z.array(z.object({ file: z.string(), planId: Id.optional(), firstIsLead: z.boolean().optional() })),
});
export type SeedManifest = z.infer<typeof SeedManifest>;

export interface Seeds {
  manifest: SeedManifest;
  directory: UnitDirectory;
  people: PeopleFile;
  plans: Array<{ name: string; content: Uint8Array; planId?: string; firstIsLead?: boolean }>;
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`无法读取种子文件 ${path}:${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`种子文件 ${path} 格式有误:\n${issues.join('\n')}`);
  }
  return parsed.data;
}

/** Reads and validates seeds/manifest.json and everything it names; checks people's unit ids. */
export async function loadSeeds(dir: string): Promise<Seeds> {
  const manifest = await readJson(join(dir, 'manifest.json'), SeedManifest);
  const directory = await readJson(join(dir, manifest.units), UnitDirectory);
  const people = await readJson(join(dir, manifest.people), PeopleFile);
  const unitIds = new Set(directory.units.map((u) => u.id));
  const duplicate = directory.units.find((u, i) => directory.units.findIndex((v) => v.id === u.id) !== i);
  if (duplicate) throw new Error(`单位名录中编号 ${duplicate.id} 重复`);
  for (const p of people.people) {
    const bad = p.unitIds.find((id) => !unitIds.has(id));
    if (bad) throw new Error(`人员 ${p.name}(${p.id})所属单位 ${bad} 不在单位名录中`);
  }
  for (const g of directory.groups) {
    const bad = g.memberIds.find((id) => !unitIds.has(id));
    if (bad) throw new Error(`单位组 ${g.name} 的成员 ${bad} 不在单位名录中`);
  }
  const plans = await Promise.all(
    manifest.plans.map(async (p) => ({
      name: basename(p.file),
      content: new Uint8Array(await readFile(join(dir, p.file))),
      ...(p.planId ? { planId: p.planId } : {}),
      ...(p.firstIsLead !== undefined ? { firstIsLead: p.firstIsLead } : {}),
    })),
  );
  return { manifest, directory, people, plans };
}
