import { Button, Card, Checkbox, Dialog, Input, Popup, Tag, TextArea } from 'antd-mobile';
import { act, refuse } from '../../lib/load';
import { ColumnStep, type TableReading } from './ColumnStep';
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, type ImportApplied, type ImportCorrection, type ImportPreviewData } from '../../api/client';
import { Blank } from '../../components/Blank';
import { NavBar } from '../../components/NavBar';
import { href } from '../../router';

type TaskView = ImportPreviewData['tasks'][number];
type UnitView = TaskView['units'][number];
interface Edit {
  drop?: boolean;
  units?: UnitView[];
  time?: string;
  /** It continues the task above (a cell that ran onto the next row). */
  mergeUp?: boolean;
  /** A new task starts inside this one, at these words: its units and time. */
  split?: { at: string; units: UnitView[]; time?: string };
}

/** The edit without its split (dropped, merged up, or the 督考办 changed their mind). */
const withoutSplit = ({ split: _split, ...rest }: Edit): Edit => rest;

/** A task's text cut where a new task could start: after each sentence, and at each line break. */
const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[。;\uFF1B!\uFF01?\uFF1F])|\n/u)
    .map((x) => x.trim())
    .filter(Boolean);

const KIND_NOTE: Record<UnitView['kind'], string | undefined> = {
  unit: undefined,
  provisional: '名录中没有,将作为待确认单位',
  group: '单位组',
  toDesignate: '待明确:导入后由督考办明确责任单位',
};
const TIME_TYPE: Record<string, string> = {
  annual: '每年推进',
  continuous: '持续推进',
  periodic: '定期开展',
  deadline: '限期完成',
  superior: '落实上级部署',
  asNeeded: '适时实施',
  oneOff: '一次性',
};
const FORMAT: Record<ImportPreviewData['format'], string> = { text: '文本', xlsx: 'Excel', docx: 'Word', pdf: 'PDF' };

/** A task's units as chips: tap the role to switch 牵头/配合, × to remove, the list to add. */
function UnitChips({
  units,
  onChange: setUnits,
  unitNames,
}: {
  units: UnitView[];
  onChange: (units: UnitView[]) => void;
  unitNames: string[];
}) {
  const [adding, setAdding] = useState('');
  return (
    <div className="import-units">
      {units.map((u, i) => (
        <span key={`${u.name}-${i}`} className={`unit-chip role-${u.role} kind-${u.kind}`}>
          <a
            className="role"
            role="button"
            aria-label={`${u.name}改为${u.role === 'lead' ? '配合' : '牵头'}`}
            onClick={() =>
              setUnits(units.map((x, k) => (k === i ? { ...x, role: x.role === 'lead' ? 'co' : 'lead' } : x)))
            }
          >
            {u.role === 'lead' ? '牵头' : '配合'}
          </a>
          <span className="name">{u.resolvedName ?? u.name}</span>
          {u.members && <span className="muted">(含 {u.members.length} 个单位)</span>}
          {KIND_NOTE[u.kind] && u.kind !== 'group' && (
            <Tag color={u.kind === 'toDesignate' ? 'warning' : 'danger'} fill="outline">
              {u.kind === 'toDesignate' ? '待明确' : '待确认'}
            </Tag>
          )}
          <a
            className="remove"
            role="button"
            aria-label={`去掉${u.name}`}
            onClick={() => setUnits(units.filter((_, k) => k !== i))}
          >
            ×
          </a>
        </span>
      ))}
      <select
        className="native-select add-unit"
        aria-label="添加单位"
        value={adding}
        onChange={(e) => {
          const name = e.target.value;
          setAdding('');
          if (name && !units.some((u) => u.name === name)) setUnits([...units, { name, role: 'co', kind: 'unit' }]);
        }}
      >
        <option value="">+ 添加单位</option>
        {unitNames.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One task as the import read it, beside its source, with the 督考办's corrections. */
function TaskCard({
  task,
  edit,
  onEdit,
  unitNames,
  first,
}: {
  task: TaskView;
  edit: Edit;
  onEdit: (e: Edit) => void;
  unitNames: string[];
  /** The first task has nothing above it to merge into. */
  first: boolean;
}) {
  const units = edit.units ?? task.units;
  const [choosing, setChoosing] = useState(false);
  const sentences = useMemo(() => sentencesOf(task.source.body), [task.source.body]);
  const split = edit.split;
  const setUnits = (next: UnitView[]) => onEdit({ ...edit, units: next });
  const dropped = edit.drop === true;
  return (
    <Card
      className={`card import-task${dropped ? ' dropped' : ''}`}
      title={
        <span>
          {task.kind === 'key' ? '重点任务' : '任务'}
          {task.label} {task.title}
        </span>
      }
      extra={<span className="muted">第{task.line}行</span>}
    >
      <div className="import-source">
        <span className="muted">原文:</span>
        {task.source.body.length > 120 ? `${task.source.body.slice(0, 120)}…` : task.source.body}
        {task.source.units && <div className="muted">单位:{task.source.units}</div>}
        {task.source.original && (
          <div className="muted import-original">
            繁体原文:
            {task.source.original.length > 120 ? `${task.source.original.slice(0, 120)}…` : task.source.original}
          </div>
        )}
      </div>
      {!dropped && (
        <>
          <UnitChips units={units} onChange={setUnits} unitNames={unitNames} />
          <label className="field import-time">
            时间要求
            <Input
              value={edit.time ?? task.time.text}
              placeholder="如 2024年底前、每年推进"
              onChange={(v) => onEdit({ ...edit, time: v })}
            />
            {edit.time === undefined && (
              <span className={task.time.flagged ? 'warn' : 'muted'}>
                {task.time.flagged
                  ? '未能识别,按每年推进处理'
                  : `${TIME_TYPE[task.time.type] ?? task.time.type}${task.time.due ? `,${task.time.due} 截止` : ''}${
                      task.time.milestones?.length
                        ? `;节点:${task.time.milestones.map((m) => `${m.due} ${m.text}`).join(',')}`
                        : ''
                    }`}
              </span>
            )}
          </label>
          {task.leaders.length > 0 && <div className="muted">责任领导:{task.leaders.join('、')}</div>}
          {task.warnings.map((w, i) => (
            <div key={i} className="warn">
              ⚠ {w.message}
            </div>
          ))}
        </>
      )}
      <div className="row">
        <Checkbox
          checked={dropped}
          onChange={(v) => onEdit({ ...(v ? withoutSplit(edit) : edit), drop: v, ...(v ? { mergeUp: false } : {}) })}
        >
          不导入此条
        </Checkbox>
        {!first && (
          <Checkbox
            className="merge-up"
            checked={edit.mergeUp === true}
            onChange={(v) => onEdit({ ...(v ? withoutSplit(edit) : edit), mergeUp: v, ...(v ? { drop: false } : {}) })}
          >
            并入上一项(本行是上一项的接续)
          </Checkbox>
        )}
      </div>
      {!dropped && !edit.mergeUp && !edit.split && sentences.length > 1 && (
        <a className="split-open" role="button" onClick={() => setChoosing(!choosing)}>
          {choosing ? '收起' : '这一条里还有另一项任务?从它开始的那句另起一项'}
        </a>
      )}
      {choosing && !edit.split && (
        <div className="split-choose">
          <div className="muted">点新的一项开始的那一句:</div>
          {sentences.slice(1).map((x, i) => (
            <a
              key={i}
              className="split-at"
              role="button"
              onClick={() => {
                onEdit({ ...edit, split: { at: x, units } });
                setChoosing(false);
              }}
            >
              {x.length > 40 ? `${x.slice(0, 40)}…` : x}
            </a>
          ))}
        </div>
      )}
      {split && !dropped && (
        <div className="import-split">
          <div>
            <Tag color="primary">另起一项</Tag> 从"{split.at.length > 30 ? `${split.at.slice(0, 30)}…` : split.at}"起,
            导入后排在最后
          </div>
          <UnitChips
            units={split.units}
            onChange={(next) => onEdit({ ...edit, split: { ...split, units: next } })}
            unitNames={unitNames}
          />
          <label className="field import-time">
            时间要求
            <Input
              value={split.time ?? edit.time ?? task.time.text}
              placeholder="如 2024年底前、每年推进"
              onChange={(v) => onEdit({ ...edit, split: { ...split, time: v } })}
            />
          </label>
          <a className="split-cancel" role="button" onClick={() => onEdit(withoutSplit(edit))}>
            取消另起
          </a>
        </div>
      )}
    </Card>
  );
}

/**
 * 导入计划 (督考办, 管理员): upload a document, check each task beside its source — units and
 * roles, groups, the time requirement, the warnings on its line — correct what is wrong (a role,
 * a unit, a time, a line that is not a task) and apply. Nothing is reminded before it is applied.
 */
export default function ImportPage() {
  const [preview, setPreview] = useState<ImportPreviewData>();
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [activate, setActivate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [applied, setApplied] = useState<ImportApplied>();
  const [unitNames, setUnitNames] = useState<string[]>([]);
  useEffect(() => {
    void api.units().then(
      (r) => setUnitNames(r.items.filter((u) => u.kind !== 'provisional').map((u) => u.name)),
      () => undefined,
    );
  }, []);

  const [columnStep, setColumnStep] = useState(false);
  const readColumns = async (tables: TableReading[]) => {
    if (!preview) return;
    setBusy(true);
    const read = await act(
      () => api.importColumns(preview.upload, { tables }),
      (r) => `按指定的列重新识别:${r.tasks.length} 项任务`,
      { duration: 4000 },
    );
    setBusy(false);
    if (!read) return;
    setPreview(read);
    setEdits({});
    setColumnStep(false);
  };

  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState('');
  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 20 * 1024 * 1024) return refuse('文件不能超过 20MB');
    setBusy(true);
    const read = await act(() => api.importUpload(file), undefined, { duration: 4000 });
    setBusy(false);
    if (!read) return;
    setPreview(read);
    setEdits({});
    setApplied(undefined);
  };

  const corrections = useMemo<ImportCorrection[]>(
    () =>
      Object.entries(edits).flatMap(([taskId, e]) => {
        if (e.drop) return [{ taskId, drop: true }];
        const c: ImportCorrection = { taskId, ...(e.mergeUp ? { mergeUp: true } : {}) };
        if (e.split)
          c.split = {
            at: e.split.at,
            units: e.split.units.map((u) => ({ name: u.name, role: u.role })),
            ...(e.split.time !== undefined ? { time: e.split.time.trim() } : {}),
          };
        const task = preview?.tasks.find((t) => t.id === taskId);
        if (
          e.units &&
          task &&
          JSON.stringify(e.units.map((u) => [u.name, u.role])) !==
            JSON.stringify(task.units.map((u) => [u.name, u.role]))
        )
          c.units = e.units.map((u) => ({ name: u.name, role: u.role }));
        if (e.time !== undefined && task && e.time.trim() !== task.time.text) c.time = e.time.trim();
        return c.units || c.time !== undefined || c.mergeUp || c.split ? [c] : [];
      }),
    [edits, preview],
  );
  const kept = preview
    ? preview.tasks.filter((t) => !edits[t.id]?.drop && !edits[t.id]?.mergeUp).length +
      preview.tasks.filter((t) => edits[t.id]?.split && !edits[t.id]?.drop).length
    : 0;
  /** One convention for every task's units at once (a document read with the wrong one): each stays editable after. */
  const bulkRoles = (how: 'firstLeads' | 'allLead') => {
    if (!preview) return;
    const next: Record<string, Edit> = { ...edits };
    for (const t of preview.tasks) {
      const units = next[t.id]?.units ?? t.units;
      next[t.id] = {
        ...next[t.id],
        units: units.map((u, i) => ({ ...u, role: how === 'allLead' || i === 0 ? 'lead' : 'co' })),
      };
    }
    setEdits(next);
  };
  // 实施期限: as read, or as the 督考办 sets it (nothing is owed before it starts or after it ends)
  const [period, setPeriod] = useState<{ from: string; to: string }>();
  useEffect(() => {
    setPeriod(preview?.period ? { from: String(preview.period.from), to: String(preview.period.to) } : undefined);
  }, [preview]);
  const periodSet =
    period && /^\d{4}$/.test(period.from) && /^\d{4}$/.test(period.to)
      ? { from: Number(period.from), to: Number(period.to) }
      : undefined;
  const periodChanged =
    periodSet !== undefined && (periodSet.from !== preview?.period?.from || periodSet.to !== preview?.period?.to);
  const startsWhen = !preview
    ? ''
    : periodChanged
      ? `实施期限改为 ${periodSet!.from}–${periodSet!.to} 年:${periodSet!.from} 年起提醒各责任单位,${periodSet!.to} 年末结束。`
      : preview.periodEnded
        ? '实施期限已过:导入后可查阅和导出台账,不会提醒。'
        : preview.remindersFrom
          ? `导入后从 ${preview.remindersFrom} 起提醒各责任单位。`
          : '该年度尚无节假日数据,补充后才会提醒。';

  // what the plan replaced would lose (made current, the active plan whatever its id; else its own id)
  const loss = preview ? ((activate ? preview.lossIfActive : null) ?? preview.loss) : null;
  const lossText =
    loss && loss.lostCount > 0
      ? `新文件比《${loss.title}》少 ${loss.lostCount} 项任务(${loss.lost
          .slice(0, 5)
          .map((t) => t.label)
          .join('、')}${loss.lostCount > 5 ? ' 等' : ''}),导入后这些任务不再提醒。`
      : '';

  const apply = async () => {
    if (!preview) return;
    const ok = await Dialog.confirm({
      content: `导入"${preview.title}"的 ${kept} 项任务${corrections.length ? `(含 ${corrections.length} 处更正)` : ''}?${preview.replaces ? '同一计划已导入过,将替换原有任务。' : ''}${lossText}${startsWhen}`,
      confirmText: loss && loss.lostCount > 0 ? `导入,失去 ${loss.lostCount} 项` : '导入',
      cancelText: '再看看',
    });
    if (!ok) return;
    setBusy(true);
    const body = {
      corrections,
      activate,
      ...(periodChanged && periodSet ? { period: periodSet } : {}),
      ...(loss && loss.lostCount > 0 ? { confirmLost: loss.lostCount } : {}),
    };
    const result = await act(
      async () => {
        try {
          return await api.importApply(preview.upload, body);
        } catch (e) {
          // the corrections dropped more than the preview showed: the server names the number; ask again
          if (!(e instanceof ApiError && e.code === 'IMPORT_LOSES_TASKS')) throw e;
          const n = e.details.length;
          const again = await Dialog.confirm({
            content: e.message,
            confirmText: `确认失去 ${n} 项`,
            cancelText: '再看看',
          });
          return again ? api.importApply(preview.upload, { ...body, confirmLost: n }) : undefined;
        }
      },
      (r) => (r ? '已导入' : undefined),
      { duration: 4000 },
    );
    setBusy(false);
    if (!result) return;
    setApplied(result);
    void refreshPlans();
  };

  // the plans stored: a replaced plan stays, and can be made the current one again
  const [plans, setPlans] = useState<{ id: string; title: string; active: boolean; tasks: number }[]>([]);
  const refreshPlans = async () => {
    try {
      const r = await api.plans();
      setPlans(
        r.items.map((p) => ({
          id: p.id,
          title: p.title,
          active: p.active,
          tasks: p.counts.measures + p.counts.keyTasks,
        })),
      );
    } catch {
      /* the list is a convenience: the page works without it */
    }
  };
  useEffect(() => void refreshPlans(), []);
  const activatePlan = async (id: string, title: string) => {
    if (
      !(await Dialog.confirm({
        content: `把《${title}》设为当前计划?我的任务、机器人编号、督办总览将以它为准。`,
        confirmText: '设为当前',
      }))
    )
      return;
    if (await act(() => api.planActivate(id), '已设为当前计划', { duration: 4000 })) await refreshPlans();
  };

  return (
    <div className="page wide import-page">
      <NavBar title="导入计划" />
      <div className="import-upload">
        <label
          className={`adm-button adm-button-primary adm-button-block upload-button${busy ? ' adm-button-disabled' : ''}`}
        >
          {preview ? '换一个文件' : '选择计划文件'}
          <input
            type="file"
            accept=".docx,.pdf,.xlsx,.txt"
            hidden
            disabled={busy}
            onChange={(e) => void upload(e.target.files?.[0])}
          />
        </label>
        <div className="muted">
          支持 Word(.docx)、PDF(有文字层)、Excel(.xlsx)和文本(.txt)。上传后先核对,导入前不会提醒任何人。 没有现成文件?
          <a
            className="template-link"
            onClick={() => void act(() => api.download('/api/imports/template.xlsx', '任务分解表模板.xlsx'))}
          >
            下载标准任务分解表(Excel)
          </a>
          ,填好后上传即可。也可以
          <a className="paste-link" onClick={() => setPasting(true)}>
            粘贴表格
          </a>
          (在 Excel 或 WPS 中选中表头和各行复制)。
        </div>
      </div>
      <Popup visible={pasting} onMaskClick={() => setPasting(false)} bodyClassName="decide-sheet">
        {pasting && (
          <div className="sheet issue">
            <div className="sheet-title">粘贴任务表</div>
            <div className="muted">
              第一行可写计划名称;表头写明"重点任务""牵头单位""配合单位""完成时限"等列,每个任务一行。
            </div>
            <TextArea
              className="paste-area"
              value={pasted}
              onChange={setPasted}
              rows={10}
              maxLength={500_000}
              placeholder={'越城区2024年重点任务清单\n序号\t重点任务\t牵头单位\t完成时限\n1\t……'}
            />
            <div className="row">
              <Button onClick={() => setPasting(false)}>取消</Button>
              <Button
                color="primary"
                disabled={pasted.trim().split('\n').length < 2}
                onClick={() => {
                  setPasting(false);
                  void upload(new File([pasted], '粘贴的表格.txt', { type: 'text/plain' }));
                }}
              >
                识别
              </Button>
            </div>
          </div>
        )}
      </Popup>
      {!preview && !busy && (
        <Blank
          icon="📄"
          title="还没有选择文件"
          description="任务分解表、实施方案、政府工作报告责任分解……表格和正文都能识别"
        />
      )}
      {busy && !preview && <Blank icon="⏳" title="正在识别…" description="" />}
      {!preview && plans.length > 1 && (
        <Card className="card import-plans" title="已导入的计划">
          {plans.map((p) => (
            <div key={p.id} className="import-plan-row">
              <span>
                {p.title}
                <span className="muted">({p.tasks} 项任务)</span>
              </span>
              {p.active ? (
                <Tag color="primary">当前计划</Tag>
              ) : (
                <Button size="mini" onClick={() => void activatePlan(p.id, p.title)}>
                  设为当前
                </Button>
              )}
            </div>
          ))}
        </Card>
      )}
      {applied && (
        <Card className="card import-done" title="已导入">
          <div>
            {applied.changed
              ? `${applied.tasks} 项任务、${applied.assignments} 条责任分工已写入`
              : '内容与已导入的相同,没有变化'}
            {applied.corrections ? `,含 ${applied.corrections} 处更正(已记入台账)` : ''}。
            {applied.active ? '已设为当前计划。' : ''}
          </div>
          <a href={href.office()}>回到督办总览</a>
        </Card>
      )}
      {preview && !applied && (
        <>
          <Card className="card import-summary" title={preview.title} extra={<Tag>{FORMAT[preview.format]}</Tag>}>
            <div className="muted">{preview.name}</div>
            <div className="period-line">
              实施期限
              <Input
                className="year-input"
                value={period?.from ?? ''}
                onChange={(v) => setPeriod((p) => ({ from: v, to: p?.to ?? v }))}
                maxLength={4}
                placeholder="开始"
              />
              –
              <Input
                className="year-input"
                value={period?.to ?? ''}
                onChange={(v) => setPeriod((p) => ({ from: p?.from ?? v, to: v }))}
                maxLength={4}
                placeholder="结束"
              />
              年{preview.period?.source === 'issued' && !periodChanged ? '(按发文年份,请核对)' : ''}
            </div>
            <div className="muted">{startsWhen}</div>
            <div>
              识别到 {preview.tasks.length} 项任务、{preview.counts.assignments ?? 0} 条责任分工,涉及{' '}
              {preview.counts.unitsReached ?? 0} 个单位
              {preview.counts.toDesignate ? `,${preview.counts.toDesignate} 处待明确` : ''}
              {preview.counts.provisionalUnits ? `,${preview.counts.provisionalUnits} 个名录外单位` : ''}
            </div>
            {preview.conventions.map((c, i) => (
              <div key={i} className="import-convention">
                约定(第{c.line}行):"{c.text}" — {c.effect}
              </div>
            ))}
            {preview.warnings.length > 0 && (
              <details className="import-warnings">
                <summary>{preview.warnings.length} 条其他提示</summary>
                {preview.warnings.map((w, i) => (
                  <div key={i} className="warn">
                    {w.message}
                  </div>
                ))}
              </details>
            )}
            {preview.replaces && <div className="warn">同一计划已导入过:导入将替换它的任务和分工。</div>}
            {preview.tables.length > 0 && !columnStep && preview.tasks.length > 0 && (
              <a className="column-link" onClick={() => setColumnStep(true)}>
                表格识别得不对?按列指定
              </a>
            )}
          </Card>
          {(columnStep || (preview.tasks.length === 0 && preview.tables.length > 0)) && (
            <ColumnStep
              key={preview.tables.map((t) => `${t.line}:${t.columns.join()}`).join('|')}
              tables={preview.tables}
              busy={busy}
              onRead={(tables) => void readColumns(tables)}
            />
          )}
          {preview.tasks.length > 1 && (
            <div className="row bulk-roles">
              <span className="muted">全部任务的分工:</span>
              <Button size="mini" onClick={() => bulkRoles('firstLeads')}>
                首个单位牵头、其余配合
              </Button>
              <Button size="mini" onClick={() => bulkRoles('allLead')}>
                均为责任单位(牵头)
              </Button>
            </div>
          )}
          {preview.tasks.map((t, i) => (
            <TaskCard
              first={i === 0}
              key={t.id}
              task={t}
              edit={edits[t.id] ?? {}}
              onEdit={(e) => setEdits({ ...edits, [t.id]: e })}
              unitNames={unitNames}
            />
          ))}
          <div className="import-apply">
            <Checkbox checked={activate} onChange={setActivate}>
              设为当前计划(我的任务、机器人编号、督办总览以它为准)
            </Checkbox>
            <Button
              block
              color="primary"
              size="large"
              loading={busy}
              disabled={kept === 0}
              onClick={() => void apply()}
            >
              导入 {kept} 项任务{corrections.length ? `(${corrections.length} 处更正)` : ''}
            </Button>
          </div>
          <div className="footer-space" />
        </>
      )}
    </div>
  );
}
