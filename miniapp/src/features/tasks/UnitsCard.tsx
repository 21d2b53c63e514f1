import { Button, Card, Input, Popup, Tag } from 'antd-mobile';
import { act } from '../../lib/load';
import { useCallback, useEffect, useState } from 'react';
import { UnitChecklist } from '../bulletins/UnitChecklist';
import { api, type TaskUnitsData } from '../../api/client';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { LightDot } from '../../components/Light';
import { daysAfter, UrgeSheet } from '../../components/UrgeSheet';
import { go, href } from '../../router';

const ACK = { done: '已签收', open: '未签收', none: '' } as const;

/** Picks the units behind a 待明确 placeholder (区级有关部门 …) and names them. */
function Designate({
  placeholder,
  onDone,
  onClose,
}: {
  placeholder: TaskUnitsData['placeholders'][number];
  onDone: () => void;
  onClose: () => void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const r = await act(
      () => api.designate(placeholder.assignmentId, picked),
      (d) => `已明确 ${d.assignments.length} 个责任单位,下一个工作日起提醒`,
    );
    setBusy(false);
    if (r) onDone();
  };
  return (
    <div className="sheet designate">
      <div className="sheet-title">明确"{placeholder.group.name}"的责任单位</div>
      <UnitChecklist value={picked} onChange={setPicked} />
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button color="primary" disabled={picked.length === 0} loading={busy} onClick={() => void submit()}>
          确定({picked.length} 个单位)
        </Button>
      </div>
    </div>
  );
}

/** 督办事项: what the 督考办 added to this task by hand (上级部署的专项工作, 督查, 催办), and adding one for all its units. */
function ManualItems({ taskId, today, onAdded }: { taskId: string; today: string; onAdded: () => void }) {
  const [items, setItems] =
    useState<Array<{ id: string; label: string; due: string; unitIds?: string[] | undefined }>>();
  const [adding, setAdding] = useState(false);
  const [label, setLabel] = useState('');
  const [due, setDue] = useState(daysAfter(today, 14));
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    async () => setItems((await api.manualItems(taskId).catch(() => ({ items: [] }))).items),
    [taskId],
  );
  useEffect(() => void load(), [load]);
  const add = async () => {
    setBusy(true);
    const added = await act(() => api.addManual({ taskId, label, due }), `已添加"${label}",按期提醒各责任单位`);
    setBusy(false);
    if (!added) return;
    setAdding(false);
    setLabel('');
    await load();
    onAdded();
  };
  return (
    <div className="manual-items">
      <div className="row-head">
        <span>督办事项{items && items.length ? `(${items.length})` : ''}</span>
        <a onClick={() => setAdding(true)}>+ 添加事项</a>
      </div>
      {items?.map((m) => (
        <div key={m.id} className="muted manual-item">
          {m.label} · {cn(m.due, today)}截止{m.unitIds ? ` · ${m.unitIds.length} 个单位` : ' · 全部责任单位'}
        </div>
      ))}
      <Popup visible={adding} onMaskClick={() => setAdding(false)} bodyClassName="decide-sheet">
        <div className="sheet add-manual">
          <div className="sheet-title">为这项任务添加督办事项(全部责任单位)</div>
          <label className="field">
            事项名称
            <Input placeholder="如:上级部署的专项检查自查报告" value={label} onChange={setLabel} maxLength={100} />
          </label>
          <label className="date-field">
            截止日期
            <input type="date" value={due} min={today} onChange={(e) => setDue(e.target.value)} />
          </label>
          <div className="row">
            <Button onClick={() => setAdding(false)}>取消</Button>
            <Button color="primary" loading={busy} disabled={label.trim().length < 2} onClick={() => void add()}>
              添加
            </Button>
          </div>
        </div>
      </Popup>
    </div>
  );
}

/**
 * 各单位情况: each unit's 签收, last report and light on a task — for the 督考办, leaders and
 * evaluators, and for the lead unit (which sees its co-units and files the consolidated report).
 * The 督考办 names the units behind a 待明确 placeholder here.
 */
export function UnitsCard({
  taskId,
  today,
  onChanged,
}: {
  taskId: string;
  today: string;
  onChanged: () => Promise<void>;
}) {
  const { me } = useApp();
  const [data, setData] = useState<TaskUnitsData>();
  const [naming, setNaming] = useState<TaskUnitsData['placeholders'][number]>();
  const [urging, setUrging] = useState<TaskUnitsData['parts'][number]>();
  const load = useCallback(async () => setData(await api.taskUnits(taskId).catch(() => undefined)), [taskId]);
  useEffect(() => void load(), [load]);
  // a co-unit sees only its own part (already on its card); the 督考办 also sees a task nobody carries yet
  if (!data || (data.parts.length === 0 && data.placeholders.length === 0) || (!me.readsAll && data.parts.length <= 1))
    return null;
  const canName = me.can.includes('assignment.designate');
  const canUrge = me.can.includes('supervision.manage');
  const acked = data.parts.filter((p) => p.acknowledged === 'done').length;
  const reported = data.parts.filter((p) => p.lastReport).length;
  return (
    <Card
      className="card units-card"
      title={`各单位情况(${data.parts.length})`}
      extra={
        <span className="muted">
          已签收 {acked} · 已报送 {reported}
        </span>
      }
    >
      {data.placeholders.map((p) => (
        <div key={p.assignmentId} className="placeholder-row">
          <span>
            <Tag color="warning">待明确</Tag> {p.group.name}
          </span>
          {canName && (
            <Button size="small" color="primary" onClick={() => setNaming(p)}>
              明确责任单位
            </Button>
          )}
        </div>
      ))}
      {canUrge && <ManualItems taskId={taskId} today={today} onAdded={() => void load()} />}
      <ul className="unit-rows">
        {data.parts.map((p) => (
          <li key={p.assignmentId} className="unit-row">
            <LightDot light={p.light} />
            <div className="unit-main">
              <div className="row-head">
                <span>
                  {p.unit.name} <span className="muted">{p.roleName}</span>
                </span>
                <span className="muted">{p.status === 'closed' ? '已办结' : ACK[p.acknowledged]}</span>
              </div>
              <div className={`reason reason-${p.light}`}>{p.reason}</div>
              <div className="muted ellipsis">
                {p.lastReport ? `${cn(p.lastReport.at.slice(0, 10), today)}:${p.lastReport.text}` : '尚未报送进展'}
              </div>
            </div>
            {canUrge && p.status === 'active' && p.light !== 'green' && (
              <div className="unit-actions">
                <Button size="mini" color="warning" fill="outline" onClick={() => setUrging(p)}>
                  催办
                </Button>
                {me.can.includes('sheet.issue') && (
                  <Button size="mini" color="danger" fill="outline" onClick={() => go(href.sheets(p.unit.id))}>
                    督办单
                  </Button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      <UrgeSheet
        key={urging?.assignmentId}
        target={urging ? { taskId, unitId: urging.unit.id, unitName: urging.unit.name } : undefined}
        today={today}
        defaultMessage={urging ? `请尽快办理:${urging.reason}`.slice(0, 80) : ''}
        onClose={() => setUrging(undefined)}
        onSent={() => void load()}
      />
      <Popup visible={naming !== undefined} onMaskClick={() => setNaming(undefined)} bodyClassName="decide-sheet">
        {naming && (
          <Designate
            placeholder={naming}
            onClose={() => setNaming(undefined)}
            onDone={() => {
              setNaming(undefined);
              void load();
              void onChanged();
            }}
          />
        )}
      </Popup>
    </Card>
  );
}
