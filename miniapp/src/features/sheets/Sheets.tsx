import { Button, Card, Popup, Selector, Tag, TextArea } from 'antd-mobile';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { SheetCandidates, SheetLevel, SheetView } from '../../../../shared/schemas/notice-sheet.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { NavBar } from '../../components/NavBar';
import { weekdayAfter } from '../../components/UrgeSheet';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { act, LoadState, useLoad } from '../../lib/load';
import { go, href } from '../../router';

type Sheet = z.infer<typeof SheetView>;

export const LEVEL = {
  hint: { name: '提示', color: 'primary' },
  yellow: { name: '黄色', color: 'warning' },
  red: { name: '红色', color: 'danger' },
} as const;
export const STATUS: Record<Sheet['status'], { name: string; color: 'default' | 'success' | 'warning' | 'danger' }> = {
  unsigned: { name: '待签收', color: 'warning' },
  signed: { name: '待回复', color: 'default' },
  answered: { name: '已回复', color: 'success' },
  late: { name: '逾期未回复', color: 'danger' },
};

/** Issue a 督办通知单 to one unit: its overdue and close items (ticked), the grade the lights give, the text, the reply date. */
function Issue({ unitId, onClose }: { unitId: string; onClose: () => void }) {
  const loaded = useLoad(() => api.sheetCandidates(unitId), [unitId]);
  const c: z.infer<typeof SheetCandidates> | undefined = loaded.data;
  const [picked, setPicked] = useState<string[]>([]);
  const [level, setLevel] = useState<SheetLevel>('hint');
  const [text, setText] = useState('');
  const [replyBy, setReplyBy] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!c) return;
    setPicked(c.items.filter((i) => i.light === 'red').map((i) => i.obligationId));
    setLevel(c.level);
    setReplyBy(weekdayAfter(c.today, 5));
    setText(`你单位上述事项进展滞后,请高度重视,于回复期限前办结并书面回复办理情况。`);
  }, [c]);
  const submit = async () => {
    setBusy(true);
    const sheet = await act(
      () => api.issueSheet({ unitId, obligationIds: picked, level, text, replyBy }),
      (s) => `已发出 ${s.number}`,
    );
    setBusy(false);
    if (sheet) go(href.sheet(sheet.id), true);
  };
  return (
    <div className="sheet issue">
      <div className="sheet-title">发出督办通知单{c ? `:${c.unit.name}` : ''}</div>
      <LoadState loaded={loaded} />
      {c && c.items.length === 0 && <Blank icon="✅" title="该单位没有逾期或即将到期的事项" />}
      {c && c.items.length > 0 && (
        <>
          <div className="muted">督办事项(已选 {picked.length} 项)</div>
          <div className="sheet-items">
            <Selector
              multiple
              columns={1}
              value={picked}
              onChange={setPicked}
              options={c.items.map((i) => ({
                value: i.obligationId,
                label: i.name,
                description: i.state,
              }))}
            />
          </div>
          <div className="field">
            督办等级(按红黄灯建议:{LEVEL[c.level].name})
            <Selector
              columns={3}
              value={[level]}
              onChange={(v) => v[0] && setLevel(v[0] as SheetLevel)}
              options={(Object.keys(LEVEL) as SheetLevel[]).map((k) => ({ label: LEVEL[k].name, value: k }))}
            />
          </div>
          <TextArea value={text} onChange={setText} rows={3} maxLength={1000} showCount placeholder="督办事由和要求" />
          <label className="date-field">
            回复期限
            <input type="date" value={replyBy} min={c.today} onChange={(e) => setReplyBy(e.target.value)} />
          </label>
        </>
      )}
      <div className="row">
        <Button onClick={onClose}>取消</Button>
        <Button
          color="danger"
          loading={busy}
          disabled={!c || picked.length === 0 || text.trim().length < 2 || !replyBy}
          onClick={() => void submit()}
        >
          发出
        </Button>
      </div>
    </div>
  );
}

/** 督办通知单: the 督考办 sees and issues them all; a unit sees its own, unsigned first. */
export default function Sheets({ issueTo }: { issueTo?: string }) {
  const { me } = useApp();
  const loaded = useLoad(() => api.sheets(), []);
  const items = loaded.data?.items;
  const today = loaded.data?.today ?? '';
  const manage = me.can.includes('sheet.issue');
  const [issuing, setIssuing] = useState<string | undefined>(issueTo);
  const order = { unsigned: 0, late: 1, signed: 2, answered: 3 } as const;
  const shown = manage ? items : items && [...items].sort((a, b) => order[a.status] - order[b.status]);
  return (
    <div className="page wide">
      <NavBar title="督办通知单" />
      <LoadState loaded={loaded} />
      {shown && shown.length === 0 && (
        <Blank
          icon="📮"
          title="没有督办通知单"
          description={
            manage
              ? '在任务的"各单位办理情况"中,对逾期或即将到期的单位点"督办单"发出。'
              : '督考办发来的督办通知单会在这里,签收后按期回复办理情况。'
          }
        />
      )}
      {shown?.map((s) => (
        <Card
          key={s.id}
          className="card sheet-card"
          onClick={() => go(href.sheet(s.id))}
          title={
            <span>
              <Tag color={LEVEL[s.level].color}>{LEVEL[s.level].name}</Tag> {s.number}
            </span>
          }
          extra={<Tag color={STATUS[s.status].color}>{STATUS[s.status].name}</Tag>}
        >
          <div className="meta">
            {s.unit.name} · {s.items.length} 项 · {cn(s.issuedAt.slice(0, 10), today)}发出 · {cn(s.replyBy, today)}
            前回复
          </div>
          <div className="muted ellipsis">{s.items.map((i) => i.name).join(';')}</div>
        </Card>
      ))}
      <div className="footer-space" />
      <Popup visible={issuing !== undefined} onMaskClick={() => setIssuing(undefined)} bodyClassName="decide-sheet">
        {issuing && <Issue unitId={issuing} onClose={() => setIssuing(undefined)} />}
      </Popup>
    </div>
  );
}
