import { Button, DatePicker, Dialog, Form, NoticeBar, Selector, Tabs, TextArea } from 'antd-mobile';
import { Blank } from '../../components/Blank';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { EvidencePicker, uploadedRows, useEvidence } from '../../components/Evidence';
import { act, LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { go, href } from '../../router';
import { dropDraft, loadDraft, saveDraft, type Draft, type DraftMode } from '../../state/drafts';
import { taskName } from '../../format';
import { pickExtensionTarget, pickReportTarget } from '../../../../shared/report-target.js';

/** The selector's value for a report that answers no item (a free 进展). */
const FREE = 'free';

const TITLES: Record<DraftMode, string> = { report: '填报进展', closure: '申请办结', extension: '申请延期' };

const iso = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** 填报进展 / 申请办结 / 申请延期 for one unit's part in a task, with evidence and a draft kept on the device. */
export default function ActPage({
  taskId,
  assignmentId,
  mode: initial,
}: {
  taskId: string;
  assignmentId: string;
  mode: DraftMode;
}) {
  const { me } = useApp();
  const saved = useRef(loadDraft(me.id, assignmentId)).current;
  const loaded = useLoad(() => api.overview(taskId), [taskId]);
  const { data: overview, reload } = loaded;
  const [mode, setMode] = useState<DraftMode>(initial);
  const [texts, setTexts] = useState<Partial<Record<DraftMode, string>>>(saved?.texts ?? {});
  const text = texts[mode] ?? '';
  const setText = (v: string) => setTexts((all) => ({ ...all, [mode]: v }));
  const [noChange, setNoChange] = useState(saved?.noChange ?? false);
  const [until, setUntil] = useState(saved?.until ?? '');
  const ev = useEvidence(uploadedRows(saved?.files ?? []));
  const files = ev.files;
  const [pickDate, setPickDate] = useState(false);
  /** The item a report answers (FREE: none) / a 延期 extends; the shared rule's pick when not chosen. */
  const [chosen, setChosen] = useState<Partial<Record<'report' | 'extension', string>>>({});
  const [submitting, setSubmitting] = useState(false);

  // the draft is written on every change, so closing the webview loses nothing
  useEffect(() => {
    const done = ev.uploads;
    if (!Object.values(texts).some(Boolean) && done.length === 0 && !until && !noChange)
      return dropDraft(me.id, assignmentId);
    const d: Draft = { mode, texts, noChange, files: done, until, savedAt: Date.now() };
    saveDraft(me.id, assignmentId, d);
  }, [me.id, assignmentId, mode, texts, noChange, files, until]);

  const mine = overview?.mine.find((m) => m.assignmentId === assignmentId);
  const targets = mine?.reportTargets ?? [];
  // unchosen, the report answers what the server would pick from the same words (shared rule)
  const target =
    chosen.report === FREE
      ? undefined
      : (targets.find((o) => o.obligationId === chosen.report) ??
        pickReportTarget(
          targets.map((o) => ({ ...o, id: o.obligationId })),
          texts.report ?? '',
          overview?.today ?? '',
        ));
  const extendable = mine?.extendable ?? [];
  const item = extendable.find((o) => o.obligationId === chosen.extension) ?? pickExtensionTarget(extendable);
  const pending = mine?.requests ?? [];
  const withdraw = async (id: string) => {
    if (
      !(await Dialog.confirm({
        content: '撤回这份申请吗?撤回后可以重新提交。',
        confirmText: '撤回',
        cancelText: '不撤回',
      }))
    )
      return;
    if (await act(() => api.withdraw(id), '申请已撤回')) await reload();
  };
  const { uploading, failed, evidence } = ev;

  const submit = async () => {
    if (!mine) return;
    if (failed.length > 0) {
      const ok = await Dialog.confirm({
        content: `有 ${failed.length} 个文件没有传成功,不附这些文件直接提交吗?`,
        confirmText: '直接提交',
        cancelText: '返回重试',
      });
      if (!ok) return;
    }
    setSubmitting(true);
    const sent = await act(
      async () => {
        if (mode === 'report') {
          const r = await api.report(assignmentId, {
            text: text.trim(),
            noChange,
            evidence,
            obligationId: target ? target.obligationId : null,
          });
          return r.answered ? `已报送:${r.answered.label}` : '进展已记录';
        }
        if (mode === 'closure') await api.closure(assignmentId, { text: text.trim(), evidence });
        else
          await api.extension(assignmentId, {
            until,
            reason: text.trim(),
            ...(item ? { obligationId: item.obligationId } : {}),
          });
        return '申请已提交,待督考办审核';
      },
      (done) => done,
    );
    if (!sent) return setSubmitting(false);
    dropDraft(me.id, assignmentId);
    go(href.task(taskId), true);
  };

  if (!overview) return <LoadState loaded={loaded} />;
  if (!mine || !mine.canAct) return <Blank icon="🔒" title="无法办理" description="只能办理本单位的任务。" />;
  const t = overview.task;
  const blocked = mode !== 'report' && pending.length > 0;
  const canSubmit =
    !submitting &&
    !uploading &&
    !blocked &&
    (mode === 'extension'
      ? Boolean(until && text.trim() && item)
      : mode === 'report'
        ? Boolean(text.trim() || noChange)
        : Boolean(text.trim()));
  // noon, not midnight: the picker works in the phone's time zone, and noon in Beijing is the same calendar day anywhere in China or UTC
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T12:00:00+08:00`) + 86_400_000);
  const minDate = item && item.due > overview.today ? dayAfter(item.due) : dayAfter(overview.today);

  return (
    <div className="page act">
      <NavBar title={TITLES[mode]} />
      <div className="act-head">
        <div className="task-no">
          {taskName(t)} · {mine.unit.name}
        </div>
        <div className="ellipsis2">{t.title}</div>
      </div>
      <Tabs activeKey={mode} onChange={(k) => setMode(k as DraftMode)}>
        <Tabs.Tab title="报送进展" key="report" />
        <Tabs.Tab title="申请办结" key="closure" />
        <Tabs.Tab title="申请延期" key="extension" />
      </Tabs>
      {mode !== 'report' &&
        pending.map((r) => (
          <NoticeBar
            key={r.id}
            color="alert"
            wrap
            content={`已有一份${r.kind === 'closure' ? '办结' : '延期'}申请待督考办审核${r.until ? `("${r.label}"延至 ${r.until})` : ''}。办结与延期同时只能有一份。`}
            extra={
              <Button size="mini" color="warning" fill="outline" onClick={() => void withdraw(r.id)}>
                撤回
              </Button>
            }
          />
        ))}
      <Form layout="vertical">
        {mode === 'report' && (
          <Form.Item
            label="报送事项"
            description={
              targets.length === 0
                ? '目前没有待报送的事项,进展照样记入台账。'
                : '本期到期的进展事项已预选;写明"年中""年末""第一季度"等会报到该事项。报的是别的事项,请改选。'
            }
          >
            {targets.length > 0 && (
              <Selector
                columns={1}
                value={[target ? target.obligationId : FREE]}
                onChange={(v) => v[0] && setChosen((c) => ({ ...c, report: v[0] }))}
                options={[
                  ...targets.map((o) => ({
                    label: o.label,
                    description: `${o.due} 截止${o.opensOn > overview.today ? ' · 尚未开始' : ''}`,
                    value: o.obligationId,
                  })),
                  { label: '一般进展', description: '不对应具体事项,记入台账', value: FREE },
                ]}
              />
            )}
          </Form.Item>
        )}
        {mode === 'extension' && (
          <>
            <Form.Item
              label="延期事项"
              description={
                extendable.length === 0
                  ? '目前没有可以延期的事项。'
                  : item
                    ? undefined
                    : '有几个事项可以延期,请选择要延期的一项。'
              }
            >
              {extendable.length > 0 && (
                <Selector
                  columns={1}
                  value={item ? [item.obligationId] : []}
                  onChange={(v) => {
                    if (!v[0]) return;
                    setChosen((c) => ({ ...c, extension: v[0] }));
                    setUntil('');
                  }}
                  options={extendable.map((o) => ({
                    label: o.label,
                    description: `现截止 ${o.due}`,
                    value: o.obligationId,
                  }))}
                />
              )}
            </Form.Item>
            <Form.Item
              label="延期至"
              description={`最晚 ${mine.latestExtension}`}
              onClick={() => item && setPickDate(true)}
              arrow
            >
              <span className={until ? '' : 'muted'}>{until || '选择日期'}</span>
            </Form.Item>
          </>
        )}
        <Form.Item
          label={mode === 'report' ? '本期进展' : mode === 'closure' ? '完成情况' : '延期原因'}
          extra={
            mode === 'report' && mine.lastReport ? (
              <Button
                size="mini"
                color={noChange ? 'primary' : 'default'}
                onClick={() => {
                  setNoChange(!noChange);
                  if (!noChange && !text) setText(mine.lastReport!.text);
                }}
              >
                {noChange ? '✓ 沿用上期' : '沿用上期'}
              </Button>
            ) : undefined
          }
        >
          <TextArea
            placeholder={
              mode === 'report'
                ? '例如:已完成试点申报,下一步……'
                : mode === 'closure'
                  ? '说明任务完成情况'
                  : '说明需要延期的原因'
            }
            value={text}
            onChange={(v) => {
              setText(v);
              if (noChange && v !== mine.lastReport?.text) setNoChange(false);
            }}
            autoSize={{ minRows: 4, maxRows: 10 }}
            maxLength={2000}
            showCount
          />
        </Form.Item>
        {mode !== 'extension' && (
          <Form.Item label="佐证材料" description="图片、PDF、Word/Excel/WPS,单个不超过 20 MB">
            <EvidencePicker ev={ev} />
          </Form.Item>
        )}
      </Form>
      <div className="submit-bar">
        <Button block color="primary" size="large" disabled={!canSubmit} loading={submitting} onClick={submit}>
          {uploading ? '等待文件上传…' : mode === 'report' ? '提交进展' : '提交申请'}
        </Button>
      </div>
      <DatePicker
        visible={pickDate}
        onClose={() => setPickDate(false)}
        min={minDate}
        max={new Date(Date.parse(`${mine.latestExtension}T12:00:00+08:00`))}
        defaultValue={minDate}
        title="延期至"
        onConfirm={(d) => setUntil(iso(d))}
      />
    </div>
  );
}
