import { splitOutsideBrackets } from '../naming/names.js';
import type { RoleRule } from './unit-list.js';

/** A piece of a unit list and how its units' roles are read. */
export interface RoleSegment {
  text: string;
  rule: RoleRule;
}

const LEAD_LABEL = '牵头单位|牵头部门|牵头责任单位|牵头责任部门|主办单位|牵头';
const CO_LABEL =
  '配合单位|配合部门|配合责任单位|协同单位|协同部门|协同责任单位|协办单位|参与单位|参与部门|协助单位|配合|参与|协同|协助';
const PLAIN_LABEL = '责任单位|责任部门|承办单位|实施单位';
const LABEL = new RegExp(`(${LEAD_LABEL}|${CO_LABEL}|${PLAIN_LABEL})\\s*:`, 'g');
const LEAD_VERB = /(分别牵头|牵头负责|牵头)$/;
const CO_VERB = /(配合落实|配合实施|共同推进|按职责分工负责|按职责配合|配合|协助|参与|协同)$/;

/**
 * A bracketed convention inside a unit list — "(排名第一的为牵头单位,下同)" — is not part of a
 * unit's name: it is taken out and returned. `fromHere` when it says 下同 (it applies to the lists
 * that follow too).
 */
export function takeConvention(text: string): {
  text: string;
  convention?: { text: string; firstIsLead: boolean; fromHere: boolean };
} {
  const m = /\(([^()]*(?:牵头|排名|排序|第一|下同)[^()]*)\)/.exec(text);
  if (!m || /^(牵头|牵头单位)$/.test(m[1]!.trim())) return { text };
  const note = m[1]!.trim();
  return {
    text: (text.slice(0, m.index) + text.slice(m.index + m[0].length)).trim(),
    convention: {
      text: note,
      firstIsLead: /(第一|首个|排名第一|排在第一|列第一).{0,6}牵头/.test(note),
      fromHere: /下同|以下/.test(note),
    },
  };
}

/**
 * Splits a unit list that states roles itself: several labels in one field or bracket
 * (牵头单位:A;配合单位:B、C — 牵头:A 参与:B), or verbs after the units (A牵头,B、C配合 —
 * 各镇街分别牵头 — B配合落实). Text with neither comes back whole under `rule`.
 */
export function roleSegments(text: string, rule: RoleRule): RoleSegment[] {
  const labels = [...text.matchAll(LABEL)];
  if (labels.length > 0) {
    const out: RoleSegment[] = [];
    const before = text.slice(0, labels[0]!.index).replace(/^[\s,;、(]+|[\s,;、(]+$/g, '');
    if (before) out.push({ text: before, rule });
    labels.forEach((m, i) => {
      const end = labels[i + 1]?.index ?? text.length;
      const body = text.slice(m.index + m[0].length, end).replace(/^[\s,;、]+|[\s,;、。)]+$/g, '');
      if (!body) return;
      const label = m[1]!;
      out.push({
        text: body,
        rule: new RegExp(`^(${LEAD_LABEL})$`).test(label)
          ? 'allLead'
          : new RegExp(`^(${CO_LABEL})$`).test(label)
            ? 'allCo'
            : rule,
      });
    });
    return out;
  }
  // verbs: split at , ; (and at depth 0 only), then read each piece's ending
  const pieces = splitOutsideBrackets(text, /[,;]/);
  if (!pieces.some((p) => LEAD_VERB.test(p.trim()) || CO_VERB.test(p.trim()))) return [{ text, rule }];
  return pieces
    .map((p) => p.trim().replace(/[。]+$/, ''))
    .filter(Boolean)
    .map((p) => {
      if (LEAD_VERB.test(p)) return { text: p.replace(LEAD_VERB, ''), rule: 'allLead' as const };
      if (CO_VERB.test(p)) return { text: p.replace(CO_VERB, ''), rule: 'allCo' as const };
      return { text: p, rule };
    })
    .filter((s) => s.text.trim() !== '');
}
