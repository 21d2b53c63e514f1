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
