import { Converter } from 'opencc-js/t2cn';

let convert: ((s: string) => string) | undefined;

/**
 * Traditional characters and Taiwan/Hong Kong variant forms to simplified (進展 → 进展, 牽頭 → 牵头,
 * 週五 → 周五), through opencc-js's dictionaries rather than a hand table. The converter is built
 * once, on first use (its dictionaries take a few milliseconds to load).
 */
export function toSimplified(text: string): string {
  const c = (convert ??= Converter({ from: 'tw', to: 'cn' }));
  return c(text);
}

/**
 * Whether `text` is written in traditional characters: enough of its Han characters change under
 * conversion (at least 3, and 2 % of them). A simplified document with a stray variant (a name, a
 * quoted 乾) is left as it is.
 */
export function isTraditional(text: string): boolean {
  const simple = toSimplified(text);
  if (simple === text) return false;
  let changed = 0;
  let han = 0;
  const a = [...text];
  const b = [...simple];
  if (a.length !== b.length) return true; // word forms replaced (軟體 → 软件): not a stray character
  for (let i = 0; i < a.length; i += 1) {
    if (/\p{Script=Han}/u.test(a[i]!)) han += 1;
    if (a[i] !== b[i]) changed += 1;
  }
  return changed >= 3 && changed >= han * 0.02;
}
