import type { Actor } from '../../model/ledger.js';
import type { PeopleFile } from '../../../../shared/schemas/person.js';
import type { UnitDirectory } from '../../../../shared/schemas/unit.js';
import type { Store } from '../../store/ports.js';

/**
 * Loads the unit directory and people into an empty store (first run). Units already present
 * (e.g. provisional ones from an import) are kept.
 */
export async function seedDirectory(
  store: Store,
  directory: UnitDirectory,
  people: PeopleFile,
  actor: Actor,
): Promise<void> {
  await store.transact((draft, tx) => {
    tx.append({
      type: 'directory.seeded',
      actor,
      subject: { type: 'directory', id: directory.district || 'directory' },
      channel: 'system',
      payload: {
        units: directory.units.length,
        groups: directory.groups.length,
        people: people.people.length,
        sample: directory.sample || people.sample,
      },
    });
    const ids = new Set(directory.units.map((u) => u.id));
    draft.directory = {
      district: directory.district,
      sample: directory.sample,
      ...(directory.note ? { note: directory.note } : {}),
    };
    draft.units = [...directory.units, ...draft.units.filter((u) => !ids.has(u.id))];
    draft.groups = directory.groups;
    draft.people = people.people;
    draft.peopleSample = people.sample;
  });
}
