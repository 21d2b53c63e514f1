import { Button, Card, Dialog, Input, Popup, Selector, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import type { z } from 'zod';
import {
  PILOT_LEVEL_NAMES,
  PILOT_STATUS_NAMES,
  type ExperienceView,
  type PilotLevel,
  type PilotStatus,
  type PilotView,
} from '../../../../shared/schemas/pilot.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { EvidencePicker, useEvidence } from '../../components/Evidence';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { act, LoadState, useLoad } from '../../lib/load';

type PilotItem = z.infer<typeof PilotView>;
type ExperienceItem = z.infer<typeof ExperienceView>;
const NEXT: Partial<Record<PilotStatus, PilotStatus>> = { seeking: 'approved', approved: 'accepted' };
const STATUS_COLOR = { seeking: 'default', approved: 'primary', accepted: 'success' } as const;

/** A unit records a pilot: level, name, where it stands, its 批复文件. */
function PilotForm({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const [level, setLevel] = useState<PilotLevel>('provincial');
  const [name, setName] = useState('');
  const [status, setStatus] = useState<PilotStatus>('seeking');
  const [doc, setDoc] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const ok = await act(
      () => api.recordPilot({ level, name, status, ...(doc.trim() ? { doc: doc.trim() } : {}), taskIds: [] }),
      '已填报试点',
    );
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">填报试点示范</div>
      <Selector
        columns={3}
        value={[level]}
        onChange={(v) => v[0] && setLevel(v[0] as PilotLevel)}
        options={(Object.keys(PILOT_LEVEL_NAMES) as PilotLevel[]).map((k) => ({
          label: PILOT_LEVEL_NAMES[k],
          value: k,
        }))}
      />
      <label className="field">
        试点名称
        <Input placeholder="如:省级“最多跑一次”改革试点" value={name} onChange={setName} />
      </label>
      <Selector
        columns={3}
        value={[status]}
        onChange={(v) => v[0] && setStatus(v[0] as PilotStatus)}
        options={(Object.keys(PILOT_STATUS_NAMES) as PilotStatus[]).map((k) => ({
          label: PILOT_STATUS_NAMES[k],
          value: k,
        }))}
      />
      {status !== 'seeking' && (
        <label className="field">
          批复文件
          <Input placeholder="如:浙政办发〔2019〕21号" value={doc} onChange={setDoc} />
        </label>
      )}
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={name.trim().length < 2 || (status !== 'seeking' && !doc.trim())}
          onClick={() => void submit()}
        >
          提交
        </Button>
      </div>
    </div>
  );
}

/** A unit submits a 典型经验: a title and the text (paragraphs as lines). */
function ExperienceForm({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const ev = useEvidence();
  const submit = async () => {
    setBusy(true);
    const ok = await act(
      () => api.submitExperience({ title, text, taskIds: [], evidence: ev.evidence }),
      '已报送,等督考办审阅',
    );
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">报送典型经验</div>
      <label className="field">
        标题
        <Input placeholder="一句话概括做法" value={title} onChange={setTitle} />
      </label>
      <TextArea
        placeholder="经验做法(至少 20 字):背景、主要做法、成效,每段一行"
        value={text}
        onChange={setText}
        rows={8}
        maxLength={5000}
        showCount
      />
      <EvidencePicker ev={ev} />
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={title.trim().length < 2 || text.trim().length < 20 || ev.uploading}
          onClick={() => void submit()}
        >
          报送
        </Button>
      </div>
    </div>
  );
}

function PilotCard({ p, mine, onChanged }: { p: PilotItem; mine: boolean; onChanged: () => void }) {
  const next = NEXT[p.status];
  const move = async () => {
    let doc = p.doc ?? '';
    if (next === 'approved') {
      const ok = await Dialog.confirm({
        title: '试点已获批',
        content: <Input placeholder="批复文件(必填)" onChange={(v) => (doc = v)} />,
      });
      if (!ok) return;
    }
    if (await act(() => api.pilotStatus(p.id, { status: next!, ...(doc ? { doc } : {}) }), '已更新')) onChanged();
  };
  return (
    <Card
      className="card pilot-card"
      title={
        <span>
          <Tag color="primary" fill="outline">
            {PILOT_LEVEL_NAMES[p.level]}
          </Tag>{' '}
          {p.name}
        </span>
      }
      extra={<Tag color={STATUS_COLOR[p.status]}>{PILOT_STATUS_NAMES[p.status]}</Tag>}
    >
      <div className="meta">
        {p.unit.name}
        {p.doc ? ` · ${p.doc}` : ''}
      </div>
      {mine && next && (
        <Button size="mini" fill="outline" onClick={() => void move()}>
          更新为{PILOT_STATUS_NAMES[next]}
        </Button>
      )}
    </Card>
  );
}

function ExperienceCard({ x, today, onChanged }: { x: ExperienceItem; today: string; onChanged: () => void }) {
  const { me } = useApp();
  const [open, setOpen] = useState(false);
  const decide = async (adopt: boolean, sample = false) => {
    let comment = '';
    if (!adopt) {
      const ok = await Dialog.confirm({
        title: '退回修改',
        content: <TextArea placeholder="理由(必填)" rows={3} onChange={(v) => (comment = v)} />,
      });
      if (!ok) return;
    }
    if (await act(() => api.decideExperience(x.id, { adopt, sample, comment }), adopt ? '已采纳' : '已退回'))
      onChanged();
  };
  const state =
    x.state === 'adopted' ? (x.sample ? '越城样本' : '已采纳') : x.state === 'returned' ? '已退回' : '待审阅';
  return (
    <Card
      className="card experience-card"
      title={x.title}
      extra={<Tag color={x.sample ? 'danger' : x.state === 'adopted' ? 'success' : 'default'}>{state}</Tag>}
      onClick={() => setOpen(!open)}
    >
      <div className="meta">
        {x.unit.name} · {cn(x.createdAt.slice(0, 10), today)}报送{x.publishedAt ? ' · 已通报' : ''}
      </div>
      <div className={open ? 'tl-text' : 'tl-text ellipsis'}>{x.text}</div>
      {x.decision?.comment && <div className="decision decision-approved">督考办:{x.decision.comment}</div>}
      {me.can.includes('pilot.review') && x.state === 'pending' && (
        <div className="row" onClick={(e) => e.stopPropagation()}>
          <Button size="small" color="success" onClick={() => void decide(true)}>
            采纳
          </Button>
          <Button size="small" color="danger" onClick={() => void decide(true, true)}>
            采纳并列为越城样本
          </Button>
          <Button size="small" fill="outline" onClick={() => void decide(false)}>
            退回
          </Button>
        </div>
      )}
    </Card>
  );
}

/** 试点示范: pilots and 典型经验 — units record and submit; the 督考办 reviews, publishes and compiles. */
export default function Pilots() {
  const { me } = useApp();
  const loaded = useLoad(() => api.pilots(), []);
  const data = loaded.data;
  const [form, setForm] = useState<'pilot' | 'experience'>();
  const unit = me.can.includes('pilot.record');
  const review = me.can.includes('pilot.review');
  const today = data?.today ?? '';
  const year = Number(today.slice(0, 4));
  const mine = (unitId: string) => me.units.some((u) => u.id === unitId);
  const done = () => {
    setForm(undefined);
    void loaded.reload();
  };
  return (
    <div className="page wide">
      <NavBar title="试点示范与典型经验" />
      {unit && (
        <div className="row ack-all">
          <Button color="primary" fill="outline" onClick={() => setForm('pilot')}>
            填报试点
          </Button>
          <Button color="primary" onClick={() => setForm('experience')}>
            报送典型经验
          </Button>
        </div>
      )}
      {review && (
        <div className="row ack-all">
          <Button
            color="primary"
            onClick={async () => {
              if (
                await act(
                  () => api.publishExperiences(year),
                  (r) => `已通报 ${r.published.length} 篇经验`,
                )
              )
                void loaded.reload();
            }}
          >
            通报本年已采纳的经验
          </Button>
          <Button
            fill="outline"
            onClick={() =>
              void act(() =>
                api.download(`/api/experiences/compilation.docx?year=${year}`, `${year}年度典型经验汇编.docx`),
              )
            }
          >
            下载经验汇编(Word)
          </Button>
        </div>
      )}
      <LoadState loaded={loaded} />
      {data && (
        <>
          <div className="list-head">试点示范({data.pilots.length})</div>
          {data.pilots.length === 0 && <Blank icon="🏁" title="还没有填报试点" />}
          {data.pilots.map((p) => (
            <PilotCard key={p.id} p={p} mine={unit && mine(p.unitId)} onChanged={() => void loaded.reload()} />
          ))}
          <div className="list-head">典型经验({data.experiences.length})</div>
          {data.experiences.length === 0 && <Blank icon="📘" title="还没有典型经验" />}
          {data.experiences.map((x) => (
            <ExperienceCard key={x.id} x={x} today={today} onChanged={() => void loaded.reload()} />
          ))}
        </>
      )}
      <div className="footer-space" />
      <Popup visible={form !== undefined} onMaskClick={() => setForm(undefined)} bodyClassName="decide-sheet">
        {form === 'pilot' && <PilotForm onDone={done} onClose={() => setForm(undefined)} />}
        {form === 'experience' && <ExperienceForm onDone={done} onClose={() => setForm(undefined)} />}
      </Popup>
    </div>
  );
}
