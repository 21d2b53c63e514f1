import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/** What every printable page shares (a report on A4): the body, headings, tables, the 落款. */
const BASE = `
body{font-family:'Songti SC','SimSun','WenQuanYi Zen Hei',serif;margin:24px auto;color:#1f1f1f}
h1{text-align:center;font-size:22px;margin:0 0 4px}
p.meta{text-align:center;color:#595959;font-size:13px;margin:0 0 20px}
h2{font-size:16px;margin:20px 0 8px;padding-left:8px}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}
td.date{white-space:nowrap}
.sign{margin-top:36px;text-align:right;line-height:2}
@media print{body{margin:0;max-width:none}}
`;

/** A table's header row. */
export function Head({ cells }: { cells: string[] }) {
  return (
    <thead>
      <tr>
        {cells.map((c) => (
          <th key={c}>{c}</th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * A printable page: React components rendered once to static markup (the renderer escapes every
 * text a unit wrote), the shared style and the page's own (`style`: its accent colour, width …).
 */
export function printablePage(title: string, style: string, body: ReactNode): string {
  return `<!doctype html>${renderToStaticMarkup(
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: BASE + style }} />
      </head>
      <body>{body}</body>
    </html>,
  )}`;
}
