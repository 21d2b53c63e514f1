import type { DraftTask } from './draft.js';

/** Character bigrams of a text, punctuation removed. */
function bigrams(text: string): string[] {
  const clean = text.replace(/[\s,.;:、。“”‘’()《》!?"'-]/g, '');
  const out: string[] = [];
  for (let i = 0; i + 1 < clean.length; i += 1) out.push(clean.slice(i, i + 2));
  return out;
}

/**
 * Links each key task to a measure of the body: the measure whose title sentence the key task
 * quotes (实行重点工作清单管理 → item 11), otherwise the one whose text covers most of the key task's wording
 * (share of its character bigrams found in the measure). Below `threshold` no link is made.
 */
export function linkKeyTasksToMeasures(
  keys: readonly DraftTask[],
  measures: readonly DraftTask[],
  threshold = 0.6,
): Map<DraftTask, DraftTask> {
  const measureGrams = measures.map((m) => ({ m, grams: new Set(bigrams(`${m.title}${m.body}`)) }));
  const links = new Map<DraftTask, DraftTask>();
  for (const key of keys) {
    const named = measures.find((m) => m.title.length >= 4 && key.title.includes(m.title));
    if (named) {
      links.set(key, named);
      continue;
    }
    const grams = bigrams(key.title);
    if (grams.length === 0) continue;
    let best: { m: DraftTask; score: number } | undefined;
    for (const { m, grams: set } of measureGrams) {
      const score = grams.filter((g) => set.has(g)).length / grams.length;
      if (!best || score > best.score) best = { m, score };
    }
    if (best && best.score >= threshold) links.set(key, best.m);
  }
  return links;
}
