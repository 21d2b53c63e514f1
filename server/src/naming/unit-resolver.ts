import { createHash } from 'node:crypto';
import type { Unit, UnitDirectory, UnitGroup } from '../../../shared/schemas/unit.js';
import { nameKey } from './names.js';

export type UnitTarget = { type: 'unit'; unit: Unit } | { type: 'group'; group: UnitGroup };

/**
 * Looks up unit and group names (official name, short name, aliases) in the unit directory, and
 * expands groups to their member units.
 */
export class UnitResolver {
  private readonly byKey = new Map<string, UnitTarget>();
  /** Units created by addProvisional during an import. */
  readonly provisional: Unit[] = [];
  /** Groups created by addProvisionalGroup: a 各… phrase the directory does not know, for the 督考办 to name. */
  readonly provisionalGroups: UnitGroup[] = [];
  /** Names that themselves contain a list separator (各镇人民政府、街道办事处), longest first. */
  readonly compoundNames: string[];

  constructor(readonly directory: UnitDirectory) {
    for (const group of directory.groups) {
      for (const n of [group.name, ...group.aliases]) this.add(n, { type: 'group', group });
    }
    for (const unit of directory.units) {
      for (const n of [unit.name, unit.fullName, ...unit.aliases]) if (n) this.add(n, { type: 'unit', unit });
    }
    this.compoundNames = [...this.byKey.keys()].filter((k) => /[、,;]/.test(k)).sort((a, b) => b.length - a.length);
  }

  private add(name: string, target: UnitTarget): void {
    const key = nameKey(name);
    if (!this.byKey.has(key)) this.byKey.set(key, target);
  }

  resolve(name: string): UnitTarget | undefined {
    const key = nameKey(name);
    return this.byKey.get(key) ?? this.byKey.get(key.replace(/\(.*\)$/, ''));
  }

  /**
   * Registers a name the directory does not know as a provisional unit (id derived from the name,
   * so re-importing gives the same id). The import report warns about each one.
   */
  addProvisional(name: string): Unit {
    const unit: Unit = {
      id: `x-${createHash('sha256').update(nameKey(name)).digest('hex').slice(0, 10)}`,
      name,
      aliases: [],
      kind: 'provisional',
    };
    this.provisional.push(unit);
    this.add(name, { type: 'unit', unit });
    return unit;
  }

  /** Registers an unknown group phrase (各园区、平台) as one group to be designated, never as fragment units. */
  addProvisionalGroup(name: string): UnitGroup {
    const group: UnitGroup = {
      id: `xg-${createHash('sha256').update(nameKey(name)).digest('hex').slice(0, 10)}`,
      name,
      aliases: [],
      expandable: false,
      memberKinds: [],
      memberIds: [],
      note: '导入时未能识别的单位组,请督考办明确责任单位',
    };
    this.provisionalGroups.push(group);
    this.add(name, { type: 'group', group });
    return group;
  }

  unit(id: string): Unit | undefined {
    return this.directory.units.find((u) => u.id === id) ?? this.provisional.find((u) => u.id === id);
  }

  group(id: string): UnitGroup | undefined {
    return this.directory.groups.find((g) => g.id === id) ?? this.provisionalGroups.find((g) => g.id === id);
  }

  /** Member units of an expandable group, in directory order; [] for a group to be designated. */
  members(group: UnitGroup): Unit[] {
    if (!group.expandable) return [];
    return this.directory.units.filter((u) => group.memberIds.includes(u.id) || group.memberKinds.includes(u.kind));
  }
}
