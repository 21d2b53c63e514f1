import { Button, Card, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import { api } from '../../api/client';
import { EvidencePicker, useEvidence } from '../../components/Evidence';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { act, LoadState, useLoad } from '../../lib/load';
import { LEVEL, STATUS } from './Sheets';

/** One 督办通知单: what it asks, the Word document; the unit signs (回执) and answers here. */
export default function SheetPage({ sheetId }: { sheetId: string }) {
  const { me } = useApp();
  const loaded = useLoad(() => api.sheet(sheetId), [sheetId]);
  const s = loaded.data;
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<'sign' | 'answer' | 'doc'>();
  const ev = useEvidence();
  const ours = s !== undefined && me.units.some((u) => u.id === s.unitId) && me.can.includes('sheet.sign');
  const today = new Date().toISOString().slice(0, 10);
  const run = async (what: 'sign' | 'answer') => {
    setBusy(what);
    const next = await act(
      () => (what === 'sign' ? api.signSheet(sheetId) : api.answerSheet(sheetId, { text, evidence: ev.evidence })),
      what === 'sign' ? '已签收' : '已回复督考办',
    );
    setBusy(undefined);
    if (next) loaded.setData(next);
  };
  return (
    <div className="page">
      <NavBar title="督办通知单" />
      <LoadState loaded={loaded} />
      {s && (
        <>
          <Card
            className={`card sheet-head level-${s.level}`}
            title={
              <span>
                <Tag color={LEVEL[s.level].color}>{LEVEL[s.level].name}督办</Tag> {s.number}
              </span>
            }
            extra={<Tag color={STATUS[s.status].color}>{STATUS[s.status].name}</Tag>}
          >
            <div className="meta">
              致 {s.unit.name} · {cn(s.issuedAt.slice(0, 10), today)}发出
            </div>
            <ol className="sheet-items-list">
              {s.items.map((i) => (
                <li key={i.obligationId}>
                  <div>{i.name}</div>
                  <div className="muted">{i.state}</div>
                </li>
              ))}
            </ol>
            <div className="tl-text">{s.text}</div>
            <div className="decision decision-pending">请于 {cn(s.replyBy, today)} 前回复办理情况</div>
            <Button
              size="small"
              fill="outline"
              loading={busy === 'doc'}
              onClick={async () => {
                setBusy('doc');
                await act(() => api.download(s.docUrl, `督办通知单-${s.number}-${s.unit.name}.docx`));
                setBusy(undefined);
              }}
            >
              下载通知单(Word)
            </Button>{' '}
            <Button
              size="small"
              fill="outline"
              onClick={() =>
                void act(() => api.download(`/api/notice-sheets/${s.id}/document.pdf`, `督办通知单-${s.number}.pdf`))
              }
            >
              PDF
            </Button>
          </Card>
          {s.signed && (
            <div className="muted sheet-receipt">
              回执:{cn(s.signed.at.slice(0, 10), today)}已签收{s.signed.channel === 'bot' ? '(机器人)' : ''}
            </div>
          )}
          {s.answer && (
            <Card className="card" title="办理情况">
              <div className="tl-text">{s.answer.text}</div>
              <div className="muted">{cn(s.answer.at.slice(0, 10), today)}回复</div>
            </Card>
          )}
          {ours && !s.signed && (
            <div className="ack-all">
              <Button block color="primary" loading={busy === 'sign'} onClick={() => void run('sign')}>
                签收(回执)
              </Button>
            </div>
          )}
          {ours && !s.answer && (
            <Card className="card" title="回复办理情况">
              <TextArea
                value={text}
                onChange={setText}
                rows={4}
                maxLength={2000}
                showCount
                placeholder="写明已采取的措施、完成情况和下一步安排"
              />
              <EvidencePicker ev={ev} />
              <Button
                block
                color="primary"
                disabled={text.trim().length < 2 || ev.uploading}
                loading={busy === 'answer'}
                onClick={() => void run('answer')}
              >
                回复督考办
              </Button>
            </Card>
          )}
        </>
      )}
      <div className="footer-space" />
    </div>
  );
}
