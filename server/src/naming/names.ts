/**
 * Text normalisation for parsing: full-width ASCII forms become half-width (NFKC), every bracket
 * style becomes ( ), colons and commas become their half-width forms. Chinese 、 and quotes stay.
 */
const BRACKETS: Record<string, string> = {
  '〔': '(',
  '〕': ')',
  '【': '(',
  '】': ')',
  '［': '(',
  '］': ')',
  '[': '(',
  ']': ')',
  '〈': '(',
  '〉': ')',
  '﹙': '(',
  '﹚': ')',
  '｟': '(',
  '｠': ')',
};

export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .replace(/[〔〕【】［］[\]〈〉﹙﹚｟｠]/g, (c) => BRACKETS[c] ?? c)
    .replace(/[：]/g, ':')
    .replace(/[，]/g, ',')
    .replace(/[；]/g, ';')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B-\u200D\u2060]/g, '')
    .replace(/\u3000/g, ' ');
}

/** A unit name reduced to a lookup key: normalised, no whitespace. */
export function nameKey(name: string): string {
  return normalizeText(name).replace(/\s+/g, '');
}

/** Chinese numerals up to 99 (一 … 九十九), as used in headings like (十一). */
export function chineseNumeral(text: string): number | undefined {
  const digits: Record<string, number> = {
    零: 0,
    〇: 0,
    一: 1,
    二: 2,
    两: 2,
    三: 3,
    四: 4,
    五: 5,
    六: 6,
    七: 7,
    八: 8,
    九: 9,
  };
  if (!/^[零〇一二两三四五六七八九十]+$/.test(text)) return undefined;
  if (!text.includes('十')) return text.length === 1 ? digits[text] : undefined;
  const [tens, ones] = text.split('十') as [string, string];
  const t = tens === '' ? 1 : digits[tens];
  const o = ones === '' ? 0 : digits[ones];
  if (t === undefined || o === undefined || tens.length > 1 || ones.length > 1) return undefined;
  return t * 10 + o;
}

/** Splits at separator characters outside brackets: 区政府各部门党组(工委、党委) stays one piece. */
export function splitOutsideBrackets(text: string, separators: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && separators.test(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
