import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/src/store/open-store.js';
import { runTs } from '../helpers/run-node.js';
import { ROOT, SEED_PLAN_FILE, SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';

const env = (dir: string) => ({ DUBAN_DATA_DIR: dir, DUBAN_SEEDS_DIR: SEEDS_DIR });

describe('npm run import', () => {
  it('--json prints the parsed plan in the API task shape and writes nothing', async () => {
    const dir = join(tempDir(), 'data');
    const end = await runTs('server/src/cli/import.ts', [SEED_PLAN_FILE, '--json', '--plan-id', 'yc'], env(dir));
    expect(end.code).toBe(0);
    const parsed = JSON.parse(end.stdout);
    expect(parsed.plan.id).toBe('yc');
    const keys = parsed.tasks.filter((t: { kind: string }) => t.kind === 'key');
    expect(keys).toHaveLength(36);
    expect(keys[21]).toMatchObject({
      id: 'yc.k22',
      number: 22,
      schedule: { type: 'annual' },
      assignments: [
        { unitId: 'fzb', unitName: '区法制办', role: 'lead' },
        { unitId: 'sfj', unitName: '区司法局', role: 'co' },
      ],
    });
    expect(keys[28].schedule).toMatchObject({ type: 'deadline', due: '2021-12-31' });
    expect(existsSync(dir)).toBe(false);
  });

  it('prints a report and preview, and --apply is idempotent', async () => {
    const dir = tempDir();
    const file = join(ROOT, 'tests/fixtures/field-lines-plan.txt');
    const preview = await runTs('server/src/cli/import.ts', [file], env(dir));
    expect(preview.stdout).toContain('识别:2 个工程,4 项主要任务');
    expect(preview.stdout).toContain('[UNKNOWN_UNIT] 第17行');
    expect(preview.stdout).toContain('未写入');

    const first = await runTs('server/src/cli/import.ts', [file, '--apply'], env(dir));
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('已写入');
    const second = await runTs('server/src/cli/import.ts', [file, '--apply'], env(dir));
    expect(second.stderr).toContain('未变化');

    const store = await openStore(dir, { clock: () => new Date() });
    const s = store.state.get();
    expect(s.tasks).toHaveLength(4);
    expect(s.units.filter((u) => u.kind === 'provisional').map((u) => u.name)).toEqual(['区大数据中心', '区公安分局']);
    const types: string[] = [];
    for await (const e of store.ledger.read()) types.push(e.type);
    expect(types).toEqual(['directory.seeded', 'plan.imported']);
    await store.close();
  });

  it('explains its usage when no file is given', async () => {
    const end = await runTs('server/src/cli/import.ts', [], env(tempDir()));
    expect(end.code).toBe(2);
    expect(end.stdout).toContain('用法');
  });
});
