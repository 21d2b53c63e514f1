import Nzh from 'nzh/cn';

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

/**
 * Chinese numerals as headings and officials write them — 三, 十一, 二十二, 三十三, 一百零五, 两 —
 * read by `nzh` (a maintained converter) once the form is a well-formed numeral: a run like 一一
 * or 十十 is not a number here (nzh would read 11 and 100), nor is an empty string.
 */
const NUMERAL =
  /^(?:[一二两三四五六七八九]百(?:零?[一二两三四五六七八九]?十|零)?|[一二两三四五六七八九]?十)?[一二两三四五六七八九]?$/;
export function chineseNumeral(text: string): number | undefined {
  const t = text.replace(/〇/g, '零');
  if (t === '零') return 0;
  if (!t || !NUMERAL.test(t)) return undefined;
  const n = Number(Nzh.decodeS(t.replace(/两/g, '二')));
  return Number.isInteger(n) ? n : undefined;
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
