import { readFileSync } from 'node:fs';
import { WorkCalendar } from '../../server/src/calendar/work-calendar.js';
import { applyImport } from '../../server/src/plan-import/apply-import.js';
import { directoryOf } from '../../server/src/domain/plan/directory-of.js';
import { fulfilObligation, fulfilObligations } from '../../server/src/domain/obligations/fulfil.js';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { DEFAULT_POLICY } from '../../server/src/domain/policy/policy.js';
import { importPlan } from '../../server/src/importer/import-plan.js';
import type { Store } from '../../server/src/store/ports.js';
import { ROOT } from './seeds.js';
import { ProgressService } from '../../server/src/domain/progress/progress-service.js';
import type { Clock } from '../../server/src/model/runtime.js';

export const calendar = new WorkCalendar();
export const policy = DEFAULT_POLICY;
/** The ProgressService a bot under test takes: the store, the test's clock, the sample calendar and policy (or a core's). */
export const progressFor = (
  store: Store,
  clock: Clock,
  publicUrl = 'http://127.0.0.1:3000',
  rules: { calendar: WorkCalendar; policy: typeof policy } = { calendar, policy },
): ProgressService => new ProgressService({ store, clock, publicUrl, ...rules });

export const at = (local: string): Date => new Date(`${local}+08:00`);

export async function addPlan2026(store: Store): Promise<void> {
  const result = await importPlan(
    { name: 'plan-2026.txt', content: new Uint8Array(readFileSync(`${ROOT}tests/fixtures/plan-2026.txt`)) },
    directoryOf(store.state.get()),
    { planId: 'yc-2026' },
  );
  await applyImport(store, result, { type: 'importer' }, new Date('2025-12-31T09:00:00+08:00'));
}

/** Officials have done a random share of what they owe: 签收 of that share of the open obligations. */
export async function fulfilRandomly(store: Store, rng: { next(): number }, share: number): Promise<void> {
  const open = storedObligations(store.state.get()).filter((o) => o.status === 'open');
  await fulfilObligations(
    store,
    open
      .filter(() => rng.next() < share)
      .map((o) => ({
        obligationId: o.id,
        action: 'acknowledge' as const,
        channel: 'miniapp' as const,
        actor: { type: 'person' as const, id: 'p-test' },
        at: new Date(),
      })),
  );
}

/** Fulfils every obligation of a unit whose id matches, as the unit's contact would. */
export async function fulfilWhere(
  store: Store,
  match: (obligationId: string) => boolean,
  ids: string[],
): Promise<void> {
  for (const id of ids.filter(match))
    await fulfilObligation(store, {
      obligationId: id,
      action: 'acknowledge',
      channel: 'api',
      actor: { type: 'person', id: 'test' },
      at: new Date(),
    });
}
