import { renderToStaticMarkup } from 'react-dom/server';
import { cnDate } from '../../../shared/cn-date.js';
import { URGENCY_NAMES, type InstructionView } from '../../../shared/schemas/instruction.js';

/** What the 办理情况报告 of a 批示件 shows: the 批示, each unit's part, what they reported and when. */
export interface InstructionReportFacts {
  district: string;
  today: string;
  instruction: InstructionView;
  /** The task's record: 签收, 进展, 办结 and decisions, oldest first. */
  steps: Array<{ on: string; unit: string; what: string; text: string }>;
}

const STYLE = `
body{font-family:'Songti SC','SimSun','WenQuanYi Zen Hei',serif;margin:24px auto;max-width:860px;color:#1f1f1f;line-height:1.7}
h1{text-align:center;font-size:22px;margin:0 0 4px}
p.meta{text-align:center;color:#595959;font-size:13px;margin:0 0 20px}
h2{font-size:16px;margin:20px 0 8px;border-left:4px solid #cf1322;padding-left:8px}
blockquote{margin:8px 0;padding:8px 12px;background:#fff1f0;border-left:3px solid #cf1322}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#fff1f0}
td.date{white-space:nowrap}
.sign{margin-top:36px;text-align:right;line-height:2}
@media print{body{margin:0;max-width:none}@page{size:A4;margin:18mm}}
`;

function Report({ f }: { f: InstructionReportFacts }) {
  const i = f.instruction;
  const title = `领导批示件办理情况报告(批示件${i.number})`;
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <h1>{title}</h1>
        <p className="meta">
          {f.district} · {URGENCY_NAMES[i.urgency]} · 办结时限 {cnDate(i.due)} ·{' '}
          {i.status === 'closed' ? '已办结' : '办理中'}
        </p>
        <h2>批示</h2>
        <p>
          {i.leader}在《{i.docTitle}》{i.docNo ? `(${i.docNo})` : ''}上的批示({cnDate(i.date)}):
        </p>
        <blockquote>{i.text}</blockquote>
        <h2>承办单位</h2>
        <table>
          <thead>
            <tr>
              <th>单位</th>
              <th>角色</th>
              <th>签收</th>
              <th>办理情况</th>
            </tr>
          </thead>
          <tbody>
            {i.units.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.role === 'lead' ? '牵头' : '配合'}</td>
                <td>{u.acknowledged ? '已签收' : '未签收'}</td>
                <td>{u.status === 'closed' ? '已办结' : '办理中'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>办理过程</h2>
        {f.steps.length === 0 ? (
          <p>尚无办理记录。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>日期</th>
                <th>单位</th>
                <th>事项</th>
                <th>内容</th>
              </tr>
            </thead>
            <tbody>
              {f.steps.map((s, k) => (
                <tr key={k}>
                  <td className="date">{s.on}</td>
                  <td>{s.unit}</td>
                  <td>{s.what}</td>
                  <td>{s.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="sign">
          {f.district}人民政府督查考核办公室
          <br />
          {f.today.slice(0, 4)}年{cnDate(f.today)}
        </div>
      </body>
    </html>
  );
}

/** The printable page, rendered once to static markup (every text escaped by the renderer). */
export function renderInstructionReport(f: InstructionReportFacts): string {
  return `<!doctype html>${renderToStaticMarkup(<Report f={f} />)}`;
}
