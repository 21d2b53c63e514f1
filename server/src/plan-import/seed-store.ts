import type { Seeds } from '../seeds/load-seeds.js';
import { importPlan } from '../importer/import-plan.js';
import type { ImportReport } from '../importer/import-result.js';
import type { Store } from '../store/ports.js';
import { applyImport } from './apply-import.js';
import { directoryOf } from '../domain/plan/directory-of.js';
import { seedDirectory } from '../domain/plan/seed-directory.js';

/**
 * First run: an empty store gets the unit directory, the people and every plan of the seeds.
 * A store that already holds data is left alone. Returns the import reports (empty if nothing ran).
 */
export async function seedStore(store: Store, seeds: Seeds, at: Date): Promise<ImportReport[]> {
  const state = store.state.get();
  if (state.units.length > 0 || state.plans.length > 0) return [];
  const actor = { type: 'system' as const, name: '首次启动' };
  await seedDirectory(store, seeds.directory, seeds.people, actor);
  const reports: ImportReport[] = [];
  for (const plan of seeds.plans) {
    const result = await importPlan(plan, directoryOf(store.state.get()), {
      ...(plan.planId ? { planId: plan.planId } : {}),
      ...(plan.firstIsLead !== undefined ? { firstIsLead: plan.firstIsLead } : {}),
    });
    await applyImport(store, result, { type: 'importer', name: '首次启动' }, at);
    reports.push(result.report);
  }
  return reports;
}
