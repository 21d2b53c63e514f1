import { Button, Card, Checkbox, Dialog, List, Tag, TextArea } from 'antd-mobile';
import { act, LoadState, refuse, useLoad } from '../../lib/load';
import { useState } from 'react';
import { api } from '../../api/client';
import { NavBar } from '../../components/NavBar';

type Status = Awaited<ReturnType<typeof api.calendar>>;
type Reading = Awaited<ReturnType<typeof api.calendarRead>>;

const SOURCE = { added: '已补充', package: '内置', missing: '缺少' } as const;

/** One month as a grid: days off that would be working days (休), 调休 working weekends (班). */
function Month({ year, month, r }: { year: number; month: number; r: Pick<Reading, 'holidays' | 'workdays'> }) {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  return (
    <div className="cal-month">
      <div className="cal-title">{month}月</div>
      <div className="cal-grid">
        {['一', '二', '三', '四', '五', '六', '日'].map((d) => (
          <span key={d} className="cal-head">
            {d}
          </span>
        ))}
        {cells.map((d, i) => {
          if (d === null) return <span key={`b${i}`} />;
          const iso = `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const weekend = i % 7 >= 5;
          const cls = r.holidays[iso] ? 'cal-off' : r.workdays[iso] ? 'cal-work' : weekend ? 'cal-weekend' : '';
          return (
            <span key={iso} className={`cal-day ${cls}`} title={r.holidays[iso] ?? r.workdays[iso] ?? ''}>
              {d}
              {r.holidays[iso] ? <i>休</i> : r.workdays[iso] ? <i>班</i> : null}
            </span>
          );
        })}
      </div>
    </div>
  );
}

/**
 * 工作日历: which years have 放假安排. The State Council publishes next year's each November or
 * December; the 督考办 pastes the notice here, checks it as a calendar and saves it — reminders
 * follow it at once. A JSON file ({ year, holidays, workdays }) works too.
 */
export default function CalendarPage() {
  const [text, setText] = useState('');
  const [reading, setReading] = useState<Reading>();
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const loaded = useLoad(() => api.calendar(), []);
  const status: Status | undefined = loaded.data;
  const load = () => void loaded.reload();
  const has = (y: number) => status?.years.find((x) => x.year === y)?.source !== 'missing';

  const read = async () => {
    setBusy(true);
    const r = await act(() => api.calendarRead({ text }));
    setBusy(false);
    if (r) setReading(r);
  };
  const readJson = async (file: File) => {
    try {
      const j = JSON.parse(await file.text()) as Reading;
      setReading({ year: j.year, holidays: j.holidays ?? {}, workdays: j.workdays ?? {}, festivals: [], problems: [] });
    } catch {
      refuse('不是有效的 JSON 文件');
    }
  };
  const save = async () => {
    if (!reading) return;
    const n = Object.keys(reading.holidays).length;
    const ok = await Dialog.confirm({
      content: `保存 ${reading.year} 年放假安排(放假 ${n} 天,调休上班 ${Object.keys(reading.workdays).length} 天)?保存后提醒立即按此安排,记入台账。`,
      confirmText: '保存',
    });
    if (!ok) return;
    setBusy(true);
    const saved = await act(
      () => api.calendarAdd({ year: reading.year, holidays: reading.holidays, workdays: reading.workdays, replace }),
      (r) => `已保存 ${r.year} 年放假安排`,
    );
    setBusy(false);
    if (saved) {
      setReading(undefined);
      setText('');
      load();
    }
  };

  return (
    <div className="page wide calendar-page">
      <NavBar title="工作日历" />
      <LoadState loaded={loaded} />
      {status && (
        <Card className="card" title="各年度节假日数据">
          <List>
            {status.years.map((y) => (
              <List.Item
                key={y.year}
                extra={<Tag color={y.source === 'missing' ? 'danger' : 'success'}>{SOURCE[y.source]}</Tag>}
              >
                {y.year} 年
              </List.Item>
            ))}
          </List>
        </Card>
      )}
      <Card className="card" title="补充一年的放假安排">
        <div className="muted">
          粘贴国务院办公厅《关于XXXX年部分节假日安排的通知》全文(含标题),点"识别",核对日历后保存。
        </div>
        <TextArea
          className="notice-text"
          placeholder="国务院办公厅关于2027年部分节假日安排的通知……一、元旦:……"
          value={text}
          onChange={setText}
          rows={6}
        />
        <div className="row">
          <label className="file-pick">
            或选择 JSON 文件
            <input
              type="file"
              accept=".json,application/json"
              onChange={(e) => e.target.files?.[0] && void readJson(e.target.files[0])}
            />
          </label>
          <Button color="primary" loading={busy} disabled={!text.trim()} onClick={() => void read()}>
            识别
          </Button>
        </div>
      </Card>
      {reading && (
        <Card className="card" title={`${reading.year} 年放假安排(请核对)`}>
          {reading.problems.map((p) => (
            <div key={p} className="warn">
              {p}
            </div>
          ))}
          {reading.festivals.map((f) => (
            <div key={f.name} className="festival">
              <b>{f.name}</b> 放假 {f.off.length} 天({f.off[0]} 至 {f.off.at(-1)})
              {f.work.length ? `;${f.work.join('、')} 上班` : ''}
            </div>
          ))}
          <div className="cal-legend muted">
            <span className="cal-day cal-off">休</span> 放假 <span className="cal-day cal-work">班</span> 调休上班
          </div>
          <div className="cal-months">
            {Array.from({ length: 12 }, (_, i) => (
              <Month key={i} year={reading.year} month={i + 1} r={reading} />
            ))}
          </div>
          {has(reading.year) && (
            <Checkbox checked={replace} onChange={setReplace}>
              {reading.year} 年已有数据,按这份通知替换
            </Checkbox>
          )}
          <div className="row">
            <Button onClick={() => setReading(undefined)}>取消</Button>
            <Button
              color="primary"
              loading={busy}
              disabled={reading.problems.length > 0 || (has(reading.year) && !replace)}
              onClick={() => void save()}
            >
              保存
            </Button>
          </div>
        </Card>
      )}
      <div className="footer-space" />
    </div>
  );
}
