import { Button, Card, Dialog, Popup, SearchBar, Selector, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import type { z } from 'zod';
import { EXEMPTION_STATE_NAMES, type ExemptionView } from '../../../../shared/schemas/exemption.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { EvidencePicker, useEvidence } from '../../components/Evidence';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { act, LoadState, useLoad } from '../../lib/load';
import { go, href } from '../../router';

type Claim = z.infer<typeof ExemptionView>;
const STATE_COLOR = { pending: 'warning', proposed: 'warning', accepted: 'success', rejected: 'default' } as const;

/** The unit's claim: the ground (from the rules), the facts. What it is about comes from the link that opened it. */
function ClaimForm({
  target,
  grounds,
  onDone,
  onClose,
}: {
  target: { bulletin?: string; item?: string };
  grounds: string[];
  onDone: () => void;
  onClose: () => void;
}) {
  const [ground, setGround] = useState<string>();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const ev = useEvidence();
  const submit = async () => {
    setBusy(true);
    const filed = await act(
      () =>
        api.fileExemption({
          target: target.bulletin
            ? { kind: 'bulletin', bulletinId: target.bulletin }
            : { kind: 'item', obligationId: target.item! },
          ground: ground!,
          text,
          evidence: ev.evidence,
        }),
      (e) => `已提交容错免责申请(${e.id}),等督考办审核`,
    );
    setBusy(false);
    if (filed) onDone();
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">申请容错免责</div>
      <div className="muted">情形(按考评规则,选一项)</div>
      <Selector
        columns={1}
        value={ground ? [ground] : []}
        onChange={(v) => setGround(v[0])}
        options={grounds.map((g) => ({ label: g, value: g }))}
      />
      <TextArea
        value={text}
        onChange={setText}
        rows={5}
        maxLength={2000}
        showCount
        placeholder="事实经过(必填,至少 10 字):做了什么、依据什么、为何未达到要求、已采取的纠正措施"
      />
      <div className="muted">佐证材料(批复、会议纪要、情况说明等)</div>
      <EvidencePicker ev={ev} />
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="primary"
          loading={busy}
          disabled={!ground || text.trim().length < 10 || ev.uploading}
          onClick={() => void submit()}
        >
          提交申请
        </Button>
      </div>
    </div>
  );
}

function ClaimCard({ e, today, onChanged }: { e: Claim; today: string; onChanged: () => void }) {
  const { me } = useApp();
  const decide = async (accept: boolean, keep = 0) => {
    let comment = '';
    const ok = await Dialog.confirm({
      title: accept ? (keep ? '予以免责,扣分减半' : '予以免责,扣分取消') : '不予免责',
      content: <TextArea placeholder={accept ? '意见(选填)' : '理由(必填)'} rows={3} onChange={(v) => (comment = v)} />,
    });
    if (!ok) return;
    if (await act(() => api.decideExemption(e.id, { accept, keep, comment }), '已办理')) onChanged();
  };
  const confirm = async (agree: boolean) => {
    if (await act(() => api.confirmExemption(e.id, { agree, comment: '' }), agree ? '已确认' : '已退回')) onChanged();
  };
  return (
    <Card
      className="card exemption-card"
      title={
        <span>
          <Tag color={STATE_COLOR[e.state]}>{EXEMPTION_STATE_NAMES[e.state]}</Tag> {e.unit.name}
        </span>
      }
      extra={<span className="muted">{cn(e.createdAt.slice(0, 10), today)}</span>}
    >
      <div className="meta">{e.about}</div>
      <div>
        <Tag fill="outline">{e.ground}</Tag> {e.points < 0 ? `涉及扣分 ${-e.points} 分` : ''}
      </div>
      <div className="tl-text">{e.text}</div>
      {e.decision && (
        <div className={`decision decision-${e.state === 'rejected' ? 'returned' : 'approved'}`}>
          督考办:
          {e.state === 'rejected' ? '不予免责' : e.decision.keep ? `扣分按 ${e.decision.keep * 100}% 计` : '扣分取消'}
          {e.decision.comment ? `。${e.decision.comment}` : ''}
          {e.leader
            ? `;区领导${e.leader.agreed ? '同意' : '不同意'}${e.leader.comment ? `:${e.leader.comment}` : ''}`
            : ''}
        </div>
      )}
      <div className="muted">引用台账记录:{e.refs.map((r) => `#${r}`).join('、')}</div>
      {e.state === 'pending' && me.can.includes('exemption.decide') && (
        <div className="row">
          <Button size="small" color="success" onClick={() => void decide(true)}>
            予以免责
          </Button>
          <Button size="small" color="primary" fill="outline" onClick={() => void decide(true, 0.5)}>
            扣分减半
          </Button>
          <Button size="small" color="danger" fill="outline" onClick={() => void decide(false)}>
            不予免责
          </Button>
        </div>
      )}
      {e.state === 'proposed' && me.can.includes('exemption.confirm') && (
        <div className="row">
          <Button size="small" color="success" onClick={() => void confirm(true)}>
            同意免责
          </Button>
          <Button size="small" color="danger" fill="outline" onClick={() => void confirm(false)}>
            不同意
          </Button>
        </div>
      )}
    </Card>
  );
}

/** 容错免责: the claims to handle (督考办, 区领导), the unit's own, and the searchable 案例库. */
export default function Exemptions({ claim }: { claim?: { bulletin?: string; item?: string } }) {
  const [q, setQ] = useState('');
  const [ground, setGround] = useState<string>();
  const loaded = useLoad(() => api.exemptions({ ...(q ? { q } : {}), ...(ground ? { ground } : {}) }), [q, ground]);
  const [claiming, setClaiming] = useState(claim);
  const data = loaded.data;
  const today = data?.today ?? '';
  const open = data?.items.filter((e) => e.state === 'pending' || e.state === 'proposed') ?? [];
  const cases = data?.items.filter((e) => e.state === 'accepted' || e.state === 'rejected') ?? [];
  return (
    <div className="page wide">
      <NavBar title="容错免责" />
      <SearchBar placeholder="检索案例:事实、意见、单位" onSearch={setQ} onClear={() => setQ('')} />
      {data && (
        <Selector
          className="ground-filter"
          columns={3}
          value={ground ? [ground] : []}
          onChange={(v) => setGround(v[0])}
          options={data.grounds.map((g) => ({ label: g, value: g }))}
        />
      )}
      <LoadState loaded={loaded} />
      {open.length > 0 && <div className="list-head">办理中({open.length})</div>}
      {open.map((e) => (
        <ClaimCard key={e.id} e={e} today={today} onChanged={() => void loaded.reload()} />
      ))}
      <div className="list-head">容错免责案例库({cases.length})</div>
      {data && cases.length === 0 && (
        <Blank icon="📚" title="没有符合条件的案例" description="督考办决定的容错免责申请都收入案例库,供各单位参考。" />
      )}
      {cases.map((e) => (
        <ClaimCard key={e.id} e={e} today={today} onChanged={() => void loaded.reload()} />
      ))}
      <div className="footer-space" />
      <Popup
        visible={claiming !== undefined && data !== undefined}
        onMaskClick={() => setClaiming(undefined)}
        bodyClassName="decide-sheet"
      >
        {claiming && data && (
          <ClaimForm
            target={claiming}
            grounds={data.grounds}
            onClose={() => {
              setClaiming(undefined);
              go(href.exemptions(), true);
            }}
            onDone={() => {
              setClaiming(undefined);
              go(href.exemptions(), true);
              void loaded.reload();
            }}
          />
        )}
      </Popup>
    </div>
  );
}
