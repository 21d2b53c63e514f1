import { ASSESSMENT_RULE_NAME, type AssessmentLine } from '../../../shared/schemas/assessment.js';
import { cnDate } from '../../../shared/cn-date.js';
import { taskLabel } from '../../../shared/task-label.js';
import { Head, printablePage } from './printable-page.js';

export type ItemState = '已完成' | '逾期完成' | '免报' | '未完成' | '未到期';

/** A unit's score and its lines, as the report shows them. */
export interface ReportAssessment {
  score: number;
  rank: number;
  tied?: boolean;
  of: number;
  lines: ReadonlyArray<AssessmentLine & { effective: number }>;
}

/** What `annualReportFacts` gathered: everything the page shows, nothing it computes. */
export interface AnnualReportFacts {
  unitName: string;
  year: number;
  district: string;
  planTitle: string;
  /** The day the figures stand at: today, or the year's last day for a past year. */
  asOf: string;
  today: string;
  sections: Array<{
    kind: string;
    number: number;
    title: string;
    role: string;
    closed: boolean;
    rows: Array<{ label: string; due: string; state: ItemState; reported: { on: string; text: string } | undefined }>;
  }>;
  assessment: ReportAssessment | undefined;
  noItems: boolean;
  openRectifications: Array<{ text: string; due: string | undefined }>;
  /** 督办通知单 the unit received in the year: number, grade, whether and when it answered. */
  noticeSheets: Array<{ number: string; level: string; items: number; replyBy: string; answered: string | undefined }>;
  /** 领导批示件 the unit carried in the year. */
  instructions: Array<{ label: string; title: string; leader: string; role: string; due: string; state: string }>;
  /** The unit's 容错免责 claims about the year, and what was decided. */
  exemptions: Array<{ about: string; ground: string; state: string }>;
}

const STYLE = `
body{max-width:960px;line-height:1.6}
h2{border-left:4px solid #1677ff}
h2 small{font-weight:normal;color:#595959;font-size:13px}
th{background:#e6f4ff}
td.num{text-align:right;white-space:nowrap}
.s-未完成,.s-逾期完成{color:#cf1322}
.s-已完成{color:#389e0d}
@media print{section{break-inside:avoid}@page{size:A4;margin:15mm}}
`;

function TaskSection({ s }: { s: AnnualReportFacts['sections'][number] }) {
  return (
    <section>
      <h2>
        {taskLabel(s)} {s.title}{' '}
        <small>
          {s.role}
          {s.closed ? ' · 已办结' : ''}
        </small>
      </h2>
      <table>
        <Head cells={['事项', '截止', '情况', '报送内容']} />
        <tbody>
          {s.rows.map((r, i) => (
            <tr key={i}>
              <td>{r.label}</td>
              <td className="date">{r.due}</td>
              <td className={`s-${r.state}`}>{r.state}</td>
              <td>{r.reported ? `${r.reported.on}:${r.reported.text}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Score({ f }: { f: AnnualReportFacts }) {
  const a = f.assessment;
  if (!a)
    return (
      <section>
        <h2>年度考评</h2>
        <p>{f.noItems ? '本年度无考评事项(该年度没有到期的事项),不参加排名。' : '本年度考评尚未计算。'}</p>
      </section>
    );
  return (
    <section>
      <h2>
        年度考评:{a.score} 分({a.tied ? '并列' : ''}第 {a.rank} 名,共 {a.of} 个单位)
      </h2>
      <table>
        <Head cells={['项目', '事项', '分值']} />
        <tbody>
          {a.lines.map((l, i) => (
            <tr key={i}>
              <td>{ASSESSMENT_RULE_NAME[l.rule]}</td>
              <td>
                {/* 考评 lines count key tasks only */}
                {l.taskNumber ? `${taskLabel({ kind: 'key', number: l.taskNumber })} ` : ''}
                {l.label}
              </td>
              <td className="num">
                {l.effective > 0 ? '+' : ''}
                {l.effective}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Rectifications({ open }: { open: AnnualReportFacts['openRectifications'] }) {
  if (open.length === 0)
    return (
      <section>
        <h2>整改</h2>
        <p>无未完成的整改事项。</p>
      </section>
    );
  return (
    <section>
      <h2>尚未完成的整改({open.length})</h2>
      <ul>
        {open.map((b, i) => (
          <li key={i}>
            {b.text}(整改期限 {b.due ?? '—'})
          </li>
        ))}
      </ul>
    </section>
  );
}

function NoticeSheets({ list }: { list: AnnualReportFacts['noticeSheets'] }) {
  return (
    <section>
      <h2>督办通知单({list.length})</h2>
      {list.length === 0 ? (
        <p>本年度未收到督办通知单。</p>
      ) : (
        <table>
          <Head cells={['文号', '等级', '督办事项', '回复期限', '办理情况回复']} />
          <tbody>
            {list.map((s) => (
              <tr key={s.number}>
                <td>{s.number}</td>
                <td>{s.level}</td>
                <td className="num">{s.items} 项</td>
                <td className="date">{s.replyBy}</td>
                <td className={s.answered ? 's-已完成' : 's-未完成'}>{s.answered ?? '未回复'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Instructions({ list }: { list: AnnualReportFacts['instructions'] }) {
  if (list.length === 0) return null;
  return (
    <section>
      <h2>领导批示件({list.length})</h2>
      <table>
        <Head cells={['编号', '事项', '批示领导', '承办', '办结时限', '办理情况']} />
        <tbody>
          {list.map((i) => (
            <tr key={i.label}>
              <td>{i.label}</td>
              <td>{i.title}</td>
              <td>{i.leader}</td>
              <td>{i.role}</td>
              <td className="date">{i.due}</td>
              <td className={i.state === '已办结' ? 's-已完成' : 's-未完成'}>{i.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Exemptions({ list }: { list: AnnualReportFacts['exemptions'] }) {
  if (list.length === 0) return null;
  return (
    <section>
      <h2>容错免责({list.length})</h2>
      <ul>
        {list.map((e, k) => (
          <li key={k}>
            {e.about}(情形:{e.ground}):{e.state}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The printable annual report: React components rendered once to static markup (the renderer escapes every text). */
export function renderAnnualReport(f: AnnualReportFacts): string {
  const title = `${f.unitName} ${f.year} 年度落实情况报告`;
  return printablePage(
    title,
    STYLE,
    <>
      <h1>{title}</h1>
      <p className="meta">
        {f.district} · {f.planTitle} · 截至 {f.asOf} · 承担重点任务 {f.sections.length} 项
      </p>
      {f.sections.map((s) => (
        <TaskSection key={s.number} s={s} />
      ))}
      <Score f={f} />
      <Rectifications open={f.openRectifications} />
      <NoticeSheets list={f.noticeSheets} />
      <Instructions list={f.instructions} />
      <Exemptions list={f.exemptions} />
      <div className="sign">
        填报单位(盖章):{f.unitName}
        <br />
        督考办审核:________________(盖章)
        <br />
        {f.today.slice(0, 4)}年{cnDate(f.today)}
      </div>
    </>,
  );
}
