import {
  Button,
  Card,
  CheckList,
  Dialog,
  Input,
  Popup,
  ProgressBar,
  SearchBar,
  Selector,
  Tag,
  Toast,
} from 'antd-mobile';
import { ROUND_COVERS_NAME, roundCoversOf, type RoundCovers } from '../../../../shared/round-covers.js';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { act, LoadState, useLoad } from '../../lib/load';
import { Loading } from '../../components/Loading';
import { NavBar } from '../../components/NavBar';
import { PullToRefresh } from '../../components/PullToRefresh';
import { daysAfter, weekdayAfter } from '../../components/UrgeSheet';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { go, href } from '../../router';

/** 发起督查: a name, what to submit, a date, and the tasks (all key tasks unless narrowed). */
function OpenRound({ today, onClose }: { today: string; onClose: () => void }) {
  const [name, setName] = useState(`${today.slice(0, 4)}年${Number(today.slice(5, 7)) <= 7 ? '年中' : '年末'}督查`);
  const [submit, setSubmit] = useState('自查报告及佐证材料');
  const [due, setDue] = useState(weekdayAfter(today, 14));
  const [tasks, setTasks] = useState<Array<{ id: string; number: number; title: string }>>();
  const [picked, setPicked] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  // 年中/年末督查 is the duty every unit already owes (one item); only a 专项督查 adds items
  const [covers, setCovers] = useState<RoundCovers>(() => roundCoversOf(name));
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) setCovers(roundCoversOf(name));
  }, [name, touched]);
  useEffect(() => {
    void api.tasks().then((r) => {
      const list = r.items.map((t) => ({ id: t.id, number: t.number, title: t.title }));
      setTasks(list);
      setPicked(list.map((t) => t.id));
    });
  }, []);
  const shown = useMemo(
    () => tasks?.filter((t) => !query || t.title.includes(query) || String(t.number) === query) ?? [],
    [tasks, query],
  );
  const start = async () => {
    const what =
      covers === 'none'
        ? `将为所选 ${picked.length} 项任务的承担单位各新增一项报送事项"${name}:${submit}",${cn(due, today)}截止,计入考评。`
        : `不新增事项:所选任务各承担单位的${covers === 'midYear' ? '"年中督查报告"' : '"年末自评报告"'}改为${cn(due, today)}截止,报送要求为"${submit}"。已报送的单位不受影响。`;
    if (!(await Dialog.confirm({ title: `发起${ROUND_COVERS_NAME[covers]}`, content: what, confirmText: '发起' })))
      return;
    setBusy(true);
    const r = await act(() => api.openRound({ name, submit, due, taskIds: picked, covers }));
    setBusy(false);
    if (!r) return;
    const skipped = picked.length - r.round.taskIds.length;
    Toast.show({
      content: `已发起"${r.round.name}":${r.round.taskIds.length} 项任务,${r.round.total - r.round.submitted} 项待报送${skipped > 0 ? `;另 ${skipped} 项任务暂无可督查的承担单位(待明确,或该年度已无此报告),未纳入` : ''}`,
      icon: 'success',
      duration: skipped > 0 ? 4000 : 2000,
    });
    go(href.round(r.round.id));
  };
  return (
    <div className="sheet open-round">
      <div className="sheet-title">发起督查</div>
      <label className="field">
        督查名称
        <Input value={name} onChange={setName} maxLength={40} />
      </label>
      <div className="field">
        督查类别
        <Selector
          columns={1}
          value={[covers]}
          onChange={(v) => {
            if (v[0]) {
              setCovers(v[0]);
              setTouched(true);
            }
          }}
          options={(['midYear', 'yearEnd', 'none'] as const).map((c) => ({ label: ROUND_COVERS_NAME[c], value: c }))}
        />
      </div>
      <label className="field">
        报送要求
        <Input value={submit} onChange={setSubmit} maxLength={60} />
      </label>
      <label className="date-field">
        截止日期
        <input type="date" value={due} min={daysAfter(today, 1)} onChange={(e) => setDue(e.target.value)} />
      </label>
      <div className="row-head">
        <span>督查的任务(已选 {picked.length} 项)</span>
        <span>
          <a onClick={() => setPicked(tasks?.map((t) => t.id) ?? [])}>全选</a> ·{' '}
          <a onClick={() => setPicked([])}>清空</a>
        </span>
      </div>
      <SearchBar placeholder="按编号或名称筛选" value={query} onChange={setQuery} />
      <div className="sheet-list">
        {!tasks && <Loading />}
        <CheckList multiple value={picked} onChange={(v) => setPicked(v.map(String))}>
          {shown.map((t) => (
            <CheckList.Item key={t.id} value={t.id}>
              重点任务{t.number} {t.title}
            </CheckList.Item>
          ))}
        </CheckList>
      </div>
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button color="primary" loading={busy} disabled={picked.length === 0} onClick={() => void start()}>
          发起督查
        </Button>
      </div>
    </div>
  );
}

/** 督查: the rounds, newest first, each with who has submitted; the 督考办 opens new ones here. */
export default function Rounds() {
  const { me } = useApp();
  const loaded = useLoad(() => api.rounds(), []);
  const { data, reload: load } = loaded;
  const [opening, setOpening] = useState(false);
  const manage = me.can.includes('supervision.manage');
  return (
    <div className="page wide">
      <NavBar
        title="督查"
        right={
          manage ? (
            <a className="nav-link" onClick={() => setOpening(true)}>
              发起督查
            </a>
          ) : undefined
        }
      />
      <PullToRefresh onRefresh={load}>
        <LoadState loaded={loaded} pull />
        {manage && data && (
          <div className="ack-all">
            <Button block color="primary" onClick={() => setOpening(true)}>
              发起督查
            </Button>
          </div>
        )}
        {data && data.items.length === 0 && (
          <Blank
            icon="🗂"
            title="还没有督查"
            description="年中、年末督查可在这里发起:选择任务、报送要求和截止日期,系统按期提醒并统计报送情况。"
          />
        )}
        {data?.items.map((r) => (
          <Card
            key={r.id}
            className="card round-card"
            title={r.name}
            extra={
              <Tag color={r.status === 'open' ? 'primary' : 'default'}>{r.status === 'open' ? '进行中' : '已结束'}</Tag>
            }
            onClick={() => go(href.round(r.id))}
          >
            <div className="meta">
              报送:{r.submit} · {cn(r.due, data.today)}截止 · {r.taskIds.length} 项任务
            </div>
            <ProgressBar percent={r.total ? (100 * r.submitted) / r.total : 0} />
            <div className="muted">
              已报送 {r.submitted} / {r.total}
              {r.late ? <span className="num-red"> · 逾期 {r.late}</span> : null}
              {r.pending ? ` · 未到期 ${r.pending}` : ''}
            </div>
          </Card>
        ))}
        <div className="footer-space" />
      </PullToRefresh>
      <Popup visible={opening && data !== undefined} onMaskClick={() => setOpening(false)} bodyClassName="decide-sheet">
        {opening && data && <OpenRound today={data.today} onClose={() => setOpening(false)} />}
      </Popup>
    </div>
  );
}
