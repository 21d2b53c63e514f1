import { cnDate } from '../../../shared/cn-date.js';
import { URGENCY_NAMES, type InstructionView } from '../../../shared/schemas/instruction.js';
import { Head, printablePage } from './printable-page.js';

/** What the 办理情况报告 of a 批示件 shows: the 批示, each unit's part, what they reported and when. */
export interface InstructionReportFacts {
  district: string;
  today: string;
  instruction: InstructionView;
  /** The task's record: 签收, 进展, 办结 and decisions, oldest first. */
  steps: Array<{ on: string; unit: string; what: string; text: string }>;
}

const STYLE = `
body{max-width:860px;line-height:1.7}
h2{border-left:4px solid #cf1322}
blockquote{margin:8px 0;padding:8px 12px;background:#fff1f0;border-left:3px solid #cf1322}
th{background:#fff1f0}
@page{size:A4;margin:18mm}
`;

/** The printable 办理情况报告 (every text escaped by the renderer). */
export function renderInstructionReport(f: InstructionReportFacts): string {
  const i = f.instruction;
  const title = `领导批示件办理情况报告(批示件${i.number})`;
  return printablePage(
    title,
    STYLE,
    <>
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
        <Head cells={['单位', '角色', '签收', '办理情况']} />
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
          <Head cells={['日期', '单位', '事项', '内容']} />
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
    </>,
  );
}
