import mammoth from 'mammoth';
import type { Block, Row } from './block.js';
import { normalizeText } from '../naming/names.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string): string =>
  s.replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (ENTITIES[e] ?? m),
  );

/**
 * A Word document (.docx) as blocks: its paragraphs as lines, its tables as tables (a cell's
 * paragraphs are kept as lines within the cell). mammoth reads the document (styles, fields,
 * hyperlinks, numbering into lists); its plain HTML is then walked here. Automatically numbered
 * list items get their number back ("1. …"), since the plan parser reads numbering. A "line" is the
 * paragraph's position in the document.
 */
export async function docxBlocks(content: Uint8Array): Promise<Block[]> {
  const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(content) });
  return htmlBlocks(html);
}

/** Walks the plain HTML mammoth writes (p, h1–h6, ol/ul/li, table/tr/td/th, br, inline marks). */
export function htmlBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let line = 0;
  let text = '';
  let tableDepth = 0;
  let rows: Row[] = [];
  let cell: string | undefined;
  const lists: Array<{ ordered: boolean; n: number }> = [];
  const flushLine = (): void => {
    const t = normalizeText(text)
      .replace(/[ \t]+/g, ' ')
      .trim();
    text = '';
    if (t === '') return;
    line += 1;
    blocks.push({ kind: 'line', line, text: t });
  };
  for (const m of html.matchAll(/<(\/?)([a-zA-Z0-9]+)[^>]*>|([^<]+)/g)) {
    const [, close, rawTag, chunk] = m;
    if (chunk !== undefined) {
      const s = decode(chunk);
      if (cell !== undefined) cell += s;
      else text += s;
      continue;
    }
    const tag = rawTag!.toLowerCase();
    if (tag === 'table') {
      if (!close) {
        tableDepth += 1;
        if (tableDepth === 1) {
          flushLine();
          rows = [];
        }
      } else {
        tableDepth -= 1;
        if (tableDepth === 0 && rows.length > 0) blocks.push({ kind: 'table', line: rows[0]!.line, rows });
      }
      continue;
    }
    if (tableDepth > 0) {
      if (tableDepth > 1) {
        // a table inside a cell: its text stays in the cell
        if (close && ['p', 'td', 'th', 'tr'].includes(tag) && cell !== undefined) cell += '\n';
        continue;
      }
      if (tag === 'tr' && !close) {
        line += 1;
        rows.push({ line, cells: [] });
      } else if ((tag === 'td' || tag === 'th') && !close) cell = '';
      else if ((tag === 'td' || tag === 'th') && close && cell !== undefined) {
        rows.at(-1)?.cells.push(
          normalizeText(cell)
            .replace(/[ \t]+/g, ' ')
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .join('\n'),
        );
        cell = undefined;
      } else if ((tag === 'p' || tag === 'br' || tag === 'li') && cell !== undefined && (close || tag === 'br'))
        cell += '\n';
      continue;
    }
    if (tag === 'ol' || tag === 'ul') {
      if (close) lists.pop();
      else lists.push({ ordered: tag === 'ol', n: 0 });
      continue;
    }
    if (tag === 'li' && !close) {
      flushLine();
      const list = lists.at(-1);
      if (list?.ordered) {
        list.n += 1;
        text = `${list.n}. `;
      }
      continue;
    }
    if (tag === 'br') text += '\n';
    if (close && /^(p|h[1-6]|li)$/.test(tag)) flushLine();
  }
  flushLine();
  // a paragraph with line breaks inside is several lines
  return blocks.flatMap((b) =>
    b.kind === 'line' && b.text.includes('\n')
      ? b.text
          .split('\n')
          .filter((t) => t.trim())
          .map((t) => ({ kind: 'line' as const, line: b.line, text: t.trim() }))
      : [b],
  );
}
