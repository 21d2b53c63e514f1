import { Button, Card, Dialog, Input, Popup, Selector, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import type { z } from 'zod';
import type { EvaluationView } from '../../../../shared/schemas/evaluation.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { EvidencePicker, useEvidence } from '../../components/Evidence';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { act, LoadState, refuse, useLoad } from '../../lib/load';
import { UnitChecklist } from '../bulletins/UnitChecklist';

type Item = z.infer<typeof EvaluationView>;
const RECTIFY = { open: '待整改', reported: '已报送整改', done: '已整改' } as const;

/** The office opens an evaluation: its name, the evaluating organisation, period, units; the evaluator chosen. */
function Open({ today, onDone, onClose }: { today: string; onDone: () => void; onClose: () => void }) {
  const [title, setTitle] = useState(`${today.slice(0, 4)}年实施方案推进情况第三方评估`);
  const [org, setOrg] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [units, setUnits] = useState<string[]>([]);
  const [evaluator, setEvaluator] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const ok = await act(
      () =>
        api.openEvaluation({
          title,
          org,
          period: { from, to },
          taskIds: [],
          unitIds: units,
          evaluatorIds: [evaluator.trim()],
        }),
      '已组织评估',
    );
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">组织第三方评估</div>
      <label className="field">
        评估名称
        <Input value={title} onChange={setTitle} />
      </label>
      <label className="field">
        评估机构
        <Input placeholder="受委托的第三方机构" value={org} onChange={setOrg} />
      </label>
      <label className="date-field">
        评估期间 <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /> 至{' '}
        <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
      </label>
      <label className="field">
        评估人员账号(通讯录中"第三方评估"角色)
        <Input placeholder="如 p-eval-1" value={evaluator} onChange={setEvaluator} />
      </label>
      <div className="muted">被评估单位(已选 {units.length} 个)</div>
      <UnitChecklist value={units} onChange={setUnits} short />
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={title.trim().length < 2 || org.trim().length < 2 || units.length === 0 || !evaluator.trim()}
          onClick={() => void submit()}
        >
          组织评估
        </Button>
      </div>
    </div>
  );
}

/** The evaluator records a finding: the unit, what was found, a score, and — when it needs action — a 整改 date. */
function Finding({ e, onDone, onClose }: { e: Item; onDone: () => void; onClose: () => void }) {
  const [unitId, setUnitId] = useState<string>();
  const [text, setText] = useState('');
  const [score, setScore] = useState('');
  const [rectifyBy, setRectifyBy] = useState('');
  const [taskId, setTaskId] = useState(e.taskIds[0] ?? '');
  const [busy, setBusy] = useState(false);
  const ev = useEvidence();
  const submit = async () => {
    setBusy(true);
    const ok = await act(
      () =>
        api.addFinding(e.id, {
          unitId: unitId!,
          text,
          ...(score ? { score: Number(score) } : {}),
          ...(taskId ? { taskId } : {}),
          ...(rectifyBy ? { rectifyBy } : {}),
          evidence: ev.evidence,
        }),
      '已记录',
    );
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">记录评估发现</div>
      <Selector
        columns={3}
        value={unitId ? [unitId] : []}
        onChange={(v) => setUnitId(v[0])}
        options={e.units.map((u) => ({ label: u.name, value: u.id }))}
      />
      <TextArea placeholder="评估发现" value={text} onChange={setText} rows={3} maxLength={2000} showCount />
      <label className="field">
        评分(0–100,选填)
        <Input type="number" value={score} onChange={setScore} />
      </label>
      {e.taskIds.length === 0 && (
        <label className="field">
          关联任务编号(需整改时必填)
          <Input placeholder="如 yc-lqstg-2018.k1" value={taskId} onChange={setTaskId} />
        </label>
      )}
      <EvidencePicker ev={ev} />
      <label className="date-field">
        需整改:整改期限 <input type="date" value={rectifyBy} onChange={(ev) => setRectifyBy(ev.target.value)} />
      </label>
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={!unitId || text.trim().length < 2 || ev.uploading}
          onClick={() => void submit()}
        >
          记录
        </Button>
      </div>
    </div>
  );
}

function EvaluationCard({ e, onChanged }: { e: Item; onChanged: () => void }) {
  const { me } = useApp();
  const [adding, setAdding] = useState(false);
  const mine = me.can.includes('evaluation.record');
  const names = new Map(e.units.map((u) => [u.id, u.name]));
  const recheck = async (findingId: string) => {
    let text = '';
    const passed = await Dialog.show({
      title: '二次评估',
      content: <TextArea placeholder="说明(选填)" rows={2} onChange={(v) => (text = v)} />,
      closeOnAction: true,
      actions: [
        [
          { key: 'no', text: '仍未到位', danger: true },
          { key: 'yes', text: '整改到位', bold: true },
        ],
      ],
      onAction: async (a) => {
        if (await act(() => api.recheckFinding(e.id, findingId, { passed: a.key === 'yes', text }), '已记录二次评估'))
          onChanged();
      },
    });
    void passed;
  };
  const importSheet = () => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.xlsx';
    input.onchange = async () => {
      const file = input.files?.[0];
      if (!file) return;
      if (file.size > 2 * 1024 * 1024) return refuse('满意度表不能超过 2 MB');
      if (
        await act(
          () => api.importSatisfaction(e.id, file),
          (r) => `已导入 ${r.satisfaction.length} 个单位的满意度`,
        )
      )
        onChanged();
    };
    input.click();
  };
  return (
    <Card className="card evaluation-card" title={e.title} extra={<Tag color="primary">{e.org}</Tag>}>
      <div className="meta">
        {e.period.from} 至 {e.period.to} · {e.units.map((u) => u.name).join('、')}
      </div>
      {e.findings.map((f) => (
        <div key={f.id} className="finding">
          <b>{names.get(f.unitId)}</b>:{f.text}
          {f.score !== undefined ? `(评分 ${f.score})` : ''}
          {f.rectify && (
            <Tag color={e.rectifications[f.id] === 'done' ? 'success' : 'warning'}>
              {RECTIFY[e.rectifications[f.id] ?? 'open']}
            </Tag>
          )}
          {f.recheck && (
            <Tag color={f.recheck.passed ? 'success' : 'danger'}>
              二次评估:{f.recheck.passed ? '整改到位' : '仍未到位'}
            </Tag>
          )}
          {mine && f.rectify && !f.recheck && (
            <Button size="mini" fill="outline" onClick={() => void recheck(f.id)}>
              二次评估
            </Button>
          )}
        </div>
      ))}
      {e.satisfaction.length > 0 && (
        <div className="muted">
          公众满意度:{e.satisfaction.map((s) => `${names.get(s.unitId)} ${s.percent}%(样本 ${s.sample})`).join(';')}
        </div>
      )}
      <div className="row">
        {mine && (
          <Button size="small" color="primary" onClick={() => setAdding(true)}>
            记录评估发现
          </Button>
        )}
        {mine && (
          <Button size="small" fill="outline" onClick={importSheet}>
            导入满意度(Excel)
          </Button>
        )}
        <Button
          size="small"
          fill="outline"
          onClick={() => void act(() => api.download(`/api/evaluations/${e.id}/report.docx`, `${e.title}报告.docx`))}
        >
          评估报告(Word)
        </Button>
      </div>
      <Popup visible={adding} onMaskClick={() => setAdding(false)} bodyClassName="decide-sheet">
        {adding && (
          <Finding
            e={e}
            onClose={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              onChanged();
            }}
          />
        )}
      </Popup>
    </Card>
  );
}

/** 第三方评估: the office organises; the evaluator records findings, 二次评估, 公众满意度; the report in Word. */
export default function Evaluations() {
  const { me } = useApp();
  const loaded = useLoad(() => api.evaluations(), []);
  const data = loaded.data;
  const [opening, setOpening] = useState(false);
  return (
    <div className="page wide">
      <NavBar title="第三方评估" />
      {me.can.includes('evaluation.manage') && (
        <div className="ack-all">
          <Button block color="primary" onClick={() => setOpening(true)}>
            组织第三方评估
          </Button>
        </div>
      )}
      <LoadState loaded={loaded} />
      {data && data.items.length === 0 && (
        <Blank
          icon="🔎"
          title="没有第三方评估"
          description="督考办组织的第三方评估在这里:评估发现、整改、二次评估、公众满意度。"
        />
      )}
      {data?.items.map((e) => (
        <EvaluationCard key={e.id} e={e} onChanged={() => void loaded.reload()} />
      ))}
      <div className="footer-space" />
      <Popup visible={opening && data !== undefined} onMaskClick={() => setOpening(false)} bodyClassName="decide-sheet">
        {opening && data && (
          <Open
            today={data.today}
            onClose={() => setOpening(false)}
            onDone={() => {
              setOpening(false);
              void loaded.reload();
            }}
          />
        )}
      </Popup>
    </div>
  );
}
