import { Button, Card, Input, Popup, Selector, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import type { z } from 'zod';
import { URGENCY_NAMES, type InstructionList, type Urgency } from '../../../../shared/schemas/instruction.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { EvidencePicker, useEvidence } from '../../components/Evidence';
import { LightDot } from '../../components/Light';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { act, LoadState, useLoad } from '../../lib/load';
import { go, href } from '../../router';
import { UnitChecklist } from '../bulletins/UnitChecklist';

type Data = z.infer<typeof InstructionList>;
const URGENCY_COLOR = { extra: 'danger', urgent: 'warning', normal: 'default' } as const;

/** The 督考办 registers a 批示件: who wrote what on which document, how urgent, by when, which units. */
function Register({ data, onDone, onClose }: { data: Data; onDone: () => void; onClose: () => void }) {
  const [leaderId, setLeaderId] = useState<string>();
  const [leader, setLeader] = useState('');
  const [text, setText] = useState('');
  const [docTitle, setDocTitle] = useState('');
  const [docNo, setDocNo] = useState('');
  const [date, setDate] = useState(data.today);
  const [urgency, setUrgency] = useState<Urgency>('normal');
  const [days, setDays] = useState('5');
  const [lead, setLead] = useState<string[]>([]);
  const [co, setCo] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const photo = useEvidence();
  const pickLeader = (id: string | undefined) => {
    setLeaderId(id);
    const p = data.leaders.find((x) => x.id === id);
    if (p) setLeader(`${p.title ?? ''} ${p.name}`.trim());
  };
  const submit = async () => {
    setBusy(true);
    const done = await act(
      () =>
        api.registerInstruction({
          leader,
          ...(leaderId ? { leaderPersonId: leaderId } : {}),
          text,
          docTitle,
          ...(docNo.trim() ? { docNo: docNo.trim() } : {}),
          date,
          urgency,
          workingDays: Number(days),
          leadUnitIds: lead,
          coUnitIds: co.filter((u) => !lead.includes(u)),
          ...(photo.evidence[0] ? { photo: photo.evidence[0] } : {}),
        }),
      (i) => `已登记批示件${i.number},已通知承办单位`,
    );
    setBusy(false);
    if (done) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">登记领导批示件</div>
      {data.leaders.length > 0 && (
        <Selector
          columns={2}
          value={leaderId ? [leaderId] : []}
          onChange={(v) => pickLeader(v[0])}
          options={data.leaders.map((p) => ({ label: `${p.title ?? ''} ${p.name}`.trim(), value: p.id }))}
        />
      )}
      <label className="field">
        批示领导
        <Input placeholder="如:区长 钱建国" value={leader} onChange={setLeader} />
      </label>
      <label className="field">
        批示内容
        <TextArea placeholder="照录批示原文" value={text} onChange={setText} rows={3} maxLength={2000} showCount />
      </label>
      <label className="field">
        来文标题
        <Input placeholder="批示所在的文件" value={docTitle} onChange={setDocTitle} />
      </label>
      <label className="field">
        文号(选填)
        <Input placeholder="如 越建〔2019〕12号" value={docNo} onChange={setDocNo} />
      </label>
      <div className="muted">批示页照片(选填)</div>
      <EvidencePicker ev={photo} />
      <label className="date-field">
        批示日期
        <input type="date" value={date} max={data.today} onChange={(e) => setDate(e.target.value)} />
      </label>
      <Selector
        columns={3}
        value={[urgency]}
        onChange={(v) => v[0] && setUrgency(v[0] as Urgency)}
        options={(Object.keys(URGENCY_NAMES) as Urgency[]).map((u) => ({ label: URGENCY_NAMES[u], value: u }))}
      />
      <label className="field">
        办理时限(工作日)
        <Input type="number" value={days} onChange={setDays} />
      </label>
      <div className="muted">牵头单位(已选 {lead.length} 个)</div>
      <UnitChecklist value={lead} onChange={setLead} short />
      <div className="muted">配合单位(已选 {co.length} 个)</div>
      <UnitChecklist value={co} onChange={setCo} short />
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="danger"
          loading={busy}
          disabled={
            !leader.trim() ||
            text.trim().length < 2 ||
            docTitle.trim().length < 2 ||
            lead.length === 0 ||
            !(Number(days) >= 1)
          }
          onClick={() => void submit()}
        >
          登记并通知
        </Button>
      </div>
    </div>
  );
}

/** 批示件: apart from the plan's tasks — each with its units' lights, 签收 and 办结, and the 办理情况报告. */
export default function Instructions() {
  const { me } = useApp();
  const loaded = useLoad(() => api.instructions(), []);
  const data = loaded.data;
  const [registering, setRegistering] = useState(false);
  const manage = me.can.includes('instruction.register');
  return (
    <div className="page wide">
      <NavBar title="领导批示件" />
      {manage && (
        <div className="ack-all">
          <Button block color="danger" onClick={() => setRegistering(true)}>
            登记领导批示件
          </Button>
        </div>
      )}
      <LoadState loaded={loaded} />
      {data && data.items.length === 0 && (
        <Blank
          icon="🖋️"
          title="没有领导批示件"
          description="督考办登记的领导批示件在这里跟踪:签收、进展、办结,办结后向领导反馈。"
        />
      )}
      {data?.items.map((i) => (
        <Card
          key={i.taskId}
          className="card instruction-card"
          onClick={() => go(href.task(i.taskId))}
          title={
            <span>
              <LightDot light={i.status === 'closed' ? 'green' : i.light} /> 批示件{i.number}{' '}
              <Tag color={URGENCY_COLOR[i.urgency]}>{URGENCY_NAMES[i.urgency]}</Tag>
            </span>
          }
          extra={
            <Tag color={i.status === 'closed' ? 'success' : 'primary'}>
              {i.status === 'closed' ? '已办结' : `${cn(i.due, data.today)}前办结`}
            </Tag>
          }
        >
          <div className="meta">
            {i.leader} · 《{i.docTitle}》{i.docNo ? ` ${i.docNo}` : ''} · {cn(i.date, data.today)}批示
          </div>
          <div className="tl-text">{i.text}</div>
          <div className="muted">
            {i.units
              .map(
                (u) =>
                  `${u.name}(${u.role === 'lead' ? '牵头' : '配合'}·${u.status === 'closed' ? '已办结' : u.acknowledged ? '办理中' : '未签收'})`,
              )
              .join('、')}
          </div>
          {i.reported && (
            <div className="decision decision-approved">
              已向{i.leader}反馈办理结果({cn(i.reported.at.slice(0, 10), data.today)})
            </div>
          )}
          <Button
            size="mini"
            fill="outline"
            onClick={(e) => {
              e.stopPropagation();
              void act(() =>
                api.download(
                  `/api/instructions/${encodeURIComponent(i.taskId)}/report`,
                  `批示件${i.number}办理情况报告.html`,
                ),
              );
            }}
          >
            办理情况报告
          </Button>
        </Card>
      ))}
      <div className="footer-space" />
      <Popup
        visible={registering && data !== undefined}
        onMaskClick={() => setRegistering(false)}
        bodyClassName="decide-sheet"
      >
        {registering && data && (
          <Register
            data={data}
            onClose={() => setRegistering(false)}
            onDone={() => {
              setRegistering(false);
              void loaded.reload();
            }}
          />
        )}
      </Popup>
    </div>
  );
}
