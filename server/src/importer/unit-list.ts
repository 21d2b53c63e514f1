import type { UnitRef } from '../../../shared/schemas/task.js';
import type { UnitResolver } from '../domain/units/unit-resolver.js';
import { normalizeText } from './normalize.js';

export interface ParsedUnitName {
  name: string;
  /** Marked as lead in the text: a △/▲ prefix or a (牵头) suffix. */
  marked: boolean;
}

export interface UnitListResult {
  refs: UnitRef[];
  /** Names not in the directory: registered as provisional units (kind `provisional`), to warn about. */
  unknown: string[];
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
    .replace(/\s+/g, ',');
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
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of work) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[,;、]/.test(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map((p) => p.replace(/\uE000(\d+)\uE001/g, (_, i: string) => held[Number(i)] ?? '').replace(/\s+/g, ''))
    .map((p) => p.replace(/等$/, ''))
    .filter((p) => p !== '' && p !== '△' && p !== '▲')
    .map((p) => {
      const marked = LEAD_MARK.test(p) || LEAD_SUFFIX.test(p);
      return { name: p.replace(LEAD_MARK, '').replace(LEAD_SUFFIX, ''), marked };
    });
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
  const names = splitUnitNames(text, resolver.compoundNames);
  const anyMarked = names.some((n) => n.marked);
  const refs: UnitRef[] = [];
  const unknown: string[] = [];
  names.forEach((n, index) => {
    let role: UnitRef['role'];
    if (rule === 'allLead') role = 'lead';
    else if (rule === 'allCo') role = 'co';
    else if (anyMarked) role = n.marked ? 'lead' : 'co';
    else if (rule === 'firstIsLead') role = index === 0 ? 'lead' : 'co';
    else role = 'lead';
    let target = resolver.resolve(n.name);
    if (!target) {
      unknown.push(n.name);
      target = { type: 'unit', unit: resolver.addProvisional(n.name) };
    } else if (target.type === 'unit' && target.unit.kind === 'provisional') unknown.push(n.name);
    refs.push({
      name: n.name,
      role,
      target: target.type === 'unit' ? { type: 'unit', id: target.unit.id } : { type: 'group', id: target.group.id },
    });
  });
  return { refs, unknown };
}
