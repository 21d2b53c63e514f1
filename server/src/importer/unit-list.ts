import type { UnitRef } from '../../../shared/schemas/task.js';
import type { UnitResolver } from '../naming/unit-resolver.js';
import { normalizeText, splitOutsideBrackets } from '../naming/names.js';
import { LEVEL_START, PERSON, UNIT_SUFFIX } from './unit-words.js';

export interface ParsedUnitName {
  name: string;
  /** Marked as lead in the text: a △/▲ prefix or a (牵头) suffix. */
  marked: boolean;
}

export interface UnitListResult {
  refs: UnitRef[];
  /** Names not in the directory: registered as provisional units (kind `provisional`), to warn about. */
  unknown: string[];
  /** Unknown 各… phrases kept whole as groups for the 督考办 to name. */
  unknownGroups: string[];
  /** People named in the list (张三副区长): never units, kept as the task's responsible leaders. */
  leaders: string[];
}

const LEAD_MARK = /^[△▲]\s*/;
const LEAD_SUFFIX = /\((牵头|牵头单位)\)$/;

/**
 * Splits a 责任单位 list into names. Separators are , ; 、 and line breaks at bracket depth 0, so
 * 区政府各部门党组(工委、党委) stays whole; names that themselves contain a separator
 * (各镇人民政府、街道办事处) are recognised before splitting.
 */
export function splitUnitNames(text: string, compoundNames: readonly string[]): ParsedUnitName[] {
  let work = normalizeText(text)
    .replace(/\s*([,;、()△▲\n])\s*/g, '$1')
    .trim()
    .replace(/\s+/g, ',')
    // A、B等各乡镇人民政府: 等 ends the enumeration before the group
    .replace(/等(?=各)/g, ',');
  const held: string[] = [];
  for (const compound of compoundNames) {
    let at = work.indexOf(compound);
    while (at >= 0) {
      const token = `\uE000${held.length}\uE001`;
      held.push(compound);
      work = work.slice(0, at) + token + work.slice(at + compound.length);
      at = work.indexOf(compound);
    }
  }
  const parts = splitOutsideBrackets(work, /[,;、]/);
  return (
    parts
      .map((p) => p.replace(/\uE000(\d+)\uE001/g, (_, i: string) => held[Number(i)] ?? '').replace(/\s+/g, ''))
      // end punctuation never belongs to a name; 等 closes an enumeration
      .map((p) => p.replace(/[。.,;:、]+$/, '').replace(/等$/, ''))
      .filter((p) => p !== '' && p !== '△' && p !== '▲')
      .map((p) => {
        const marked = LEAD_MARK.test(p) || LEAD_SUFFIX.test(p);
        return { name: p.replace(LEAD_MARK, '').replace(LEAD_SUFFIX, ''), marked };
      })
  );
}

export type RoleRule =
  /** The document's default: △ marks the lead; without △ every unit leads its own part. */
  | 'marked'
  /** Convention of some documents: the first listed unit leads, the others cooperate. */
  | 'firstIsLead'
  /** The list is a 牵头单位 field: every unit leads. */
  | 'allLead'
  /** The list is a 配合单位 / 协同单位 field: every unit cooperates. */
  | 'allCo';

export function parseUnitList(text: string, resolver: UnitResolver, rule: RoleRule): UnitListResult {
  const names = mergeGroupFragments(splitUnitNames(text, resolver.compoundNames), resolver).flatMap((n) =>
    runTogether(withoutDuty(n.name), resolver).map((name, i) => ({ name, marked: n.marked && i === 0 })),
  );
  const anyMarked = names.some((n) => n.marked);
  const refs: UnitRef[] = [];
  const unknown: string[] = [];
  const unknownGroups: string[] = [];
  const leaders: string[] = [];
  let index = 0;
  for (const n of names) {
    let target = resolver.resolve(n.name);
    if (!target && PERSON.test(n.name)) {
      leaders.push(n.name);
      continue;
    }
    let role: UnitRef['role'];
    if (rule === 'allLead') role = 'lead';
    else if (rule === 'allCo') role = 'co';
    else if (anyMarked) role = n.marked ? 'lead' : 'co';
    else if (rule === 'firstIsLead') role = index === 0 ? 'lead' : 'co';
    else role = 'lead';
    index += 1;
    if (!target && /^各/.test(n.name)) {
      unknownGroups.push(n.name);
      target = { type: 'group', group: resolver.addProvisionalGroup(n.name) };
    } else if (!target) {
      unknown.push(n.name);
      target = { type: 'unit', unit: resolver.addProvisional(n.name) };
    } else if (target.type === 'unit' && target.unit.kind === 'provisional') unknown.push(n.name);
    else if (target.type === 'group' && target.group.id.startsWith('xg-')) unknownGroups.push(n.name);
    refs.push({
      name: n.name,
      role,
      target: target.type === 'unit' ? { type: 'unit', id: target.unit.id } : { type: 'group', id: target.group.id },
    });
  }
  return { refs, unknown, unknownGroups, leaders };
}

/** What a list says of a unit's duty after its name (区财政局配合落实, 各部门按职责分工负责): not part of the name. */
const DUTY =
  /(按职责分工负责|按职责分工落实|按职能分工负责|按职责负责|配合落实|负责落实|共同落实|分别落实|分别负责|配合实施|负责实施)$/;
function withoutDuty(name: string): string {
  const bare = name.replace(DUTY, '');
  return bare.length >= 2 ? bare : name;
}

/**
 * Names run together with no separator (市行政审批局市司法局) split where the directory knows both
 * sides, or where the left ends like a unit's name and the right begins with an administrative
 * level and ends like one (区政府办公室 is not split: 办公室 begins with no level). A name the
 * directory knows whole is never split.
 */
function runTogether(name: string, resolver: UnitResolver): string[] {
  if (name.length < 6 || resolver.resolve(name) || /^各/.test(name)) return [name];
  let fallback: string[] | undefined;
  for (let at = 3; at <= name.length - 3; at += 1) {
    const left = name.slice(0, at);
    const right = name.slice(at);
    if (!UNIT_SUFFIX.test(left) || !LEVEL_START.test(right)) continue;
    const rest = runTogether(right, resolver);
    if (resolver.resolve(left) && rest.every((r) => resolver.resolve(r))) return [left, ...rest];
    if (!fallback && UNIT_SUFFIX.test(right)) fallback = [left, ...rest];
  }
  return fallback ?? [name];
}

/**
 * An unknown 各… phrase whose own 、 split it (各园区、平台) is put back together: the pieces after
 * it that the directory does not know and that do not end like a unit's name are part of it.
 */
function mergeGroupFragments(names: readonly ParsedUnitName[], resolver: UnitResolver): ParsedUnitName[] {
  const out: ParsedUnitName[] = [];
  for (const n of names) {
    const prev = out.at(-1);
    if (
      prev &&
      /^各/.test(prev.name) &&
      !resolver.resolve(prev.name) &&
      !resolver.resolve(n.name) &&
      !UNIT_SUFFIX.test(n.name) &&
      !n.marked &&
      n.name.length <= 8
    ) {
      prev.name = `${prev.name}、${n.name}`;
      continue;
    }
    out.push({ ...n });
  }
  return out;
}
