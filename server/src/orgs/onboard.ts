/**
 * Onboarding an organisation (the CLI's `npm run org -- add` and the admin page's 登记): its
 * folder or schema is made and given its directory, people and first plan; then it is entered in
 * orgs.json — last, so a host reading the registry opens it whole.
 */
import { basename } from 'node:path';
import type { OrgEntry, OrgRegistry } from '../../../shared/schemas/org.js';
import type { PeopleFile } from '../../../shared/schemas/person.js';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';
import type { Config } from '../config.js';
import { directoryOf } from '../domain/plan/directory-of.js';
import { seedDirectory } from '../domain/plan/seed-directory.js';
import { importPlan } from '../importer/import-plan.js';
import { applyImport } from '../plan-import/apply-import.js';
import { openStore } from '../store/open-store.js';
import { openPgStore } from '../store/pg/pg-store.js';
import type { Store } from '../store/ports.js';
import { checkTree, ensureOrgSchema, orgDataDir, orgDatabaseUrl, readRegistry, writeRegistry } from './registry.js';

export interface OnboardInput {
  entry: OrgEntry;
  /** The deployment's own organisation, where there is no registry yet. */
  root?: OrgEntry;
  directory?: UnitDirectory;
  people?: PeopleFile;
  plan?: { name: string; content: Uint8Array };
  now: Date;
}

export interface Onboarded {
  registry: OrgRegistry;
  units: number;
  people: number;
  plan?: { title: string; tasks: number };
}

/** The registry with `entry` added, checked (a duplicate id, an unknown parent, no root: a coded error, nothing made). */
export async function registryWith(config: Config, entry: OrgEntry, root?: OrgEntry): Promise<OrgRegistry> {
  const registry = await readRegistry(config.dataDir);
  const base = registry?.orgs ?? (root ? [root] : []);
  const next = { orgs: [...base, { ...entry, ...(entry.parent ? {} : { parent: base.find((o) => !o.parent)?.id }) }] };
  checkTree(next as OrgRegistry);
  return next as OrgRegistry;
}

export async function onboard(config: Config, input: OnboardInput): Promise<Onboarded> {
  const registry = await registryWith(config, input.entry, input.root);
  const entry = registry.orgs.at(-1)!;
  const store: Store = config.databaseUrl
    ? (await ensureOrgSchema(config.databaseUrl, entry),
      await openPgStore(orgDatabaseUrl(config.databaseUrl, entry), { clock: () => input.now }))
    : await openStore(orgDataDir(config.dataDir, entry), { clock: () => input.now });
  const done: Onboarded = { registry, units: 0, people: 0 };
  try {
    const actor = { type: 'system' as const, name: `组织登记(${entry.name})` };
    if (input.directory) {
      const people = input.people ?? { sample: false, people: [] };
      await seedDirectory(
        store,
        { ...input.directory, district: input.directory.district || entry.name },
        people,
        actor,
      );
      done.units = input.directory.units.length;
      done.people = people.people.length;
    }
    if (input.plan) {
      const result = await importPlan(
        { name: basename(input.plan.name), content: input.plan.content },
        directoryOf(store.state.get()),
      );
      await applyImport(store, result, { type: 'importer', name: actor.name }, input.now, {
        channel: 'cli',
        activate: true,
      });
      done.plan = { title: result.plan.title, tasks: result.tasks.length };
    }
  } finally {
    await store.close();
  }
  await writeRegistry(config.dataDir, registry);
  return done;
}
