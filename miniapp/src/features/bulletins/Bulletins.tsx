import { Button, Card, Input, Popup, Selector, Tag, TextArea } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { UnitChecklist } from './UnitChecklist';
import { api, type BulletinData } from '../../api/client';
import { Blank } from '../../components/Blank';
import { act, LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { daysAfter } from '../../components/UrgeSheet';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { go, href } from '../../router';

const KIND = {
  praise: { name: '通报表扬', color: 'success' },
  criticism: { name: '通报批评', color: 'danger' },
  interview: { name: '约谈', color: 'warning' },
} as const;
type Kind = keyof typeof KIND;

/** Issue a 通报 (or record a 约谈): the units, the task, what happened, the ledger records cited, and for a 批评 the 整改 deadline. */
function Issue({ today, onDone, onClose }: { today: string; onDone: () => void; onClose: () => void }) {
  const [kind, setKind] = useState<Kind>('praise');
  const [tasks, setTasks] = useState<Array<{ id: string; number: number; title: string }>>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [taskId, setTaskId] = useState<string>('');
  const [text, setText] = useState('');
  const [refs, setRefs] = useState('');
  const [rectifyBy, setRectifyBy] = useState(daysAfter(today, 15));
  // the year it is about: in January and February a 通报 is usually about last year's work
  const current = Number(today.slice(0, 4));
  const [year, setYear] = useState(Number(today.slice(5, 7)) <= 2 ? current - 1 : current);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api.tasks().then((r) => setTasks(r.items.map((t) => ({ id: t.id, number: t.number, title: t.title }))));
  }, []);
  const submit = async () => {
    const cited = refs
      .split(/[,,\s]+/)
      .filter(Boolean)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    setBusy(true);
    const issued = await act(
      () =>
        api.issueBulletin({
          kind,
          unitIds: picked,
          ...(taskId ? { taskId } : {}),
          text,
          refs: cited,
          ...(kind === 'criticism' ? { rectifyBy } : {}),
          year,
        }),
      (b) => `已发布${KIND[b.kind].name}`,
    );
    setBusy(false);
    if (issued) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">发布通报 / 记录约谈</div>
      <Selector
        columns={3}
        value={[kind]}
        onChange={(v) => v[0] && setKind(v[0] as Kind)}
        options={(Object.keys(KIND) as Kind[]).map((k) => ({ label: KIND[k].name, value: k }))}
      />
      <div className="field">
        计入考评年度
        <Selector
          columns={2}
          value={[String(year)]}
          onChange={(v) => v[0] && setYear(Number(v[0]))}
          options={[current - 1, current].map((y) => ({ label: `${y} 年`, value: String(y) }))}
        />
      </div>
      <label className="field">
        涉及任务{kind === 'criticism' ? '(必选,整改事项挂在该任务下)' : '(选填)'}
        <select value={taskId} onChange={(e) => setTaskId(e.target.value)} className="native-select">
          <option value="">不指定任务</option>
          {tasks.map((t) => (
            <option key={t.id} value={t.id}>
              重点任务{t.number} {t.title.slice(0, 24)}
            </option>
          ))}
        </select>
      </label>
      <div className="muted">单位(已选 {picked.length} 个)</div>
      <UnitChecklist value={picked} onChange={setPicked} short />
      <TextArea
        placeholder="通报内容(必填):事实、依据"
        value={text}
        onChange={setText}
        rows={3}
        maxLength={1000}
        showCount
      />
      <label className="field">
        引用的台账记录序号(选填,逗号分隔;序号见任务详情"办理记录"每条的"台账 #"及导出的台账)
        <Input value={refs} onChange={setRefs} placeholder="如 1203, 1250" />
      </label>
      {kind === 'criticism' && (
        <label className="date-field">
          整改报告期限
          <input
            type="date"
            value={rectifyBy}
            min={daysAfter(today, 1)}
            onChange={(e) => setRectifyBy(e.target.value)}
          />
        </label>
      )}
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={picked.length === 0 || text.trim().length < 2 || (kind === 'criticism' && !taskId)}
          onClick={() => void submit()}
        >
          发布
        </Button>
      </div>
    </div>
  );
}

/** 通报与整改: 通报表扬 / 通报批评 / 约谈, newest first, with each 批评's 整改 progress. */
export default function Bulletins() {
  const { me } = useApp();
  const loaded = useLoad(() => api.bulletins(), []);
  const { reload: load } = loaded;
  const items: BulletinData[] | undefined = loaded.data?.items;
  const today = loaded.data?.today ?? '';
  const [issuing, setIssuing] = useState(false);
  const manage = me.can.includes('bulletin.issue');
  return (
    <div className="page wide">
      <NavBar
        title="通报与整改"
        right={
          manage ? (
            <a className="nav-link" onClick={() => setIssuing(true)}>
              发布
            </a>
          ) : undefined
        }
      />
      {manage && (
        <div className="ack-all">
          <Button block color="primary" onClick={() => setIssuing(true)}>
            发布通报 / 记录约谈
          </Button>
        </div>
      )}
      <a className="list-link exemption-link" href={href.exemptions()}>
        容错免责申请与案例库 ›
      </a>
      <LoadState loaded={loaded} />
      {items && items.length === 0 && (
        <Blank
          icon="📣"
          title="还没有通报"
          description="通报表扬、通报批评计入年度考评;通报批评会给单位生成整改事项。"
        />
      )}
      {items?.map((b) => (
        <Card
          key={b.id}
          className="card bulletin"
          title={<Tag color={KIND[b.kind].color}>{KIND[b.kind].name}</Tag>}
          extra={<span className="muted">{cn(b.createdAt.slice(0, 10))}</span>}
        >
          <div className="meta">{b.units.map((u) => u.name).join('、')}</div>
          <div className="tl-text">{b.text}</div>
          {b.refs.length > 0 && <div className="muted">引用台账记录:{b.refs.map((r) => `#${r}`).join('、')}</div>}
          {(b.kind === 'criticism' || b.kind === 'interview') &&
            me.can.includes('exemption.apply') &&
            b.unitIds.some((u) => me.units.some((x) => x.id === u)) && (
              <Button size="mini" fill="outline" onClick={() => go(href.exemptions({ bulletin: b.id }))}>
                申请容错免责
              </Button>
            )}
          {b.rectification && (
            <div className={`decision decision-${b.rectified.length === b.unitIds.length ? 'approved' : 'pending'}`}>
              整改期限 {b.rectification.due}:已整改 {b.rectified.length} / {b.unitIds.length} 个单位
            </div>
          )}
        </Card>
      ))}
      <div className="footer-space" />
      <Popup visible={issuing && today !== ''} onMaskClick={() => setIssuing(false)} bodyClassName="decide-sheet">
        {issuing && (
          <Issue
            today={today}
            onClose={() => setIssuing(false)}
            onDone={() => {
              setIssuing(false);
              void load();
            }}
          />
        )}
      </Popup>
    </div>
  );
}
