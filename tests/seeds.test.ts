import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeeds } from '../server/src/seeds/load-seeds.js';
import { PROJECT_SEEDS_DIR, SEEDS_DIR } from './helpers/seeds.js';
import { tempDir } from './helpers/temp-dir.js';

describe('seeds', () => {
  it('the project seeds (whatever district they hold) load and validate', async () => {
    const seeds = await loadSeeds(PROJECT_SEEDS_DIR);
    expect(seeds.plans.length).toBeGreaterThan(0);
    expect(seeds.directory.units.length).toBeGreaterThan(0);
  });

  it('the test district: the sample plan, every unit the plan names, groups, and sample people per unit', async () => {
    const seeds = await loadSeeds(SEEDS_DIR);
    expect(seeds.plans.map((p) => p.name)).toEqual(['yuecheng-2018-lqstg.txt']);
    expect(seeds.directory.sample).toBe(true);
    expect(seeds.people.people.every((p) => p.sample)).toBe(true);
    const contactUnits = new Set(
      seeds.people.people.filter((p) => p.roles.includes('contact')).flatMap((p) => p.unitIds),
    );
    for (const u of seeds.directory.units.filter((x) => x.kind !== 'government'))
      expect(contactUnits.has(u.id), u.name).toBe(true);
    expect(seeds.people.people.filter((p) => p.roles.includes('supervisor')).length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(join(SEEDS_DIR, seeds.manifest.plans[0]!.file), 'utf8')).toContain('严格规范公正文明执法');
  });

  it('refuse a person attached to a unit that is not in the directory, naming both', async () => {
    const dir = tempDir();
    cpSync(SEEDS_DIR, dir, { recursive: true });
    const people = JSON.parse(readFileSync(join(dir, 'people.json'), 'utf8'));
    people.people[0].unitIds = ['no-such-unit'];
    writeFileSync(join(dir, 'people.json'), JSON.stringify(people));
    await expect(loadSeeds(dir)).rejects.toThrow(/所属单位 no-such-unit 不在单位名录中/);
  });

  it('refuse a malformed unit directory with the path of the bad field', async () => {
    const dir = tempDir();
    cpSync(SEEDS_DIR, dir, { recursive: true });
    const units = JSON.parse(readFileSync(join(dir, 'units.json'), 'utf8'));
    units.units[3].kind = 'ministry';
    writeFileSync(join(dir, 'units.json'), JSON.stringify(units));
    await expect(loadSeeds(dir)).rejects.toThrow(/units\.3\.kind/);
  });
});
