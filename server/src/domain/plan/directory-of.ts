import type { UnitDirectory } from '../../../../shared/schemas/unit.js';
import type { State } from '../../model/state.js';

/** The unit directory as the store holds it (seeded units, groups, and provisional units from imports). */
export function directoryOf(state: Readonly<State>): UnitDirectory {
  return {
    district: state.directory.district,
    sample: state.directory.sample,
    units: [...state.units],
    groups: [...state.groups],
  };
}
