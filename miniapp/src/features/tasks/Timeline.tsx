import { Image, ImageViewer } from 'antd-mobile';
import { useState } from 'react';
import type { TaskOverview } from '../../api/client';
import { useApp } from '../../context';

type Entry = TaskOverview['timeline'][number];
const when = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
const CHANNEL: Record<string, string> = { miniapp: '小程序', bot: '机器人', scheduler: '系统', api: '接口' };
const size = (n: number) =>
  n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

/** Evidence: image thumbnails (tap for full screen) and document links. */
export function EvidenceList({ files }: { files: Entry['evidence'] }) {
  const { host } = useApp();
  const [viewing, setViewing] = useState<number>();
  const images = files.filter((f) => f.kind === 'image' && f.url);
  const docs = files.filter((f) => f.kind !== 'image');
  if (files.length === 0) return null;
  return (
    <div className="evidence">
      {images.length > 0 && (
        <div className="thumbs">
          {images.map((f, i) => (
            <Image
              key={f.sha256}
              src={f.thumbUrl ?? f.url}
              alt={f.name}
              width={72}
              height={72}
              fit="cover"
              lazy
              onClick={() => {
                if (
                  !host.previewImages(
                    images.map((x) => x.url!),
                    i,
                  )
                )
                  setViewing(i);
              }}
            />
          ))}
        </div>
      )}
      {docs.map((f) => (
        <a
          key={f.sha256}
          className="doc"
          href={f.url}
          target="_blank"
          rel="noreferrer"
          onClick={(e) => {
            if (host.kind === 'dingtalk' && f.url) {
              e.preventDefault();
              host.openLink(f.url);
            }
          }}
        >
          📄 {f.name} <span className="muted">{size(f.size)}</span>
        </a>
      ))}
      <ImageViewer.Multi
        images={images.map((f) => f.url!)}
        visible={viewing !== undefined}
        defaultIndex={viewing ?? 0}
        onClose={() => setViewing(undefined)}
      />
    </div>
  );
}

/** A day's reminders in one line; tap to see who was reminded and who has read it. */
function Reminded({ people }: { people: NonNullable<Entry['people']> }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="reminded">
      <a onClick={() => setOpen(!open)}>{open ? '收起' : '查看名单'}</a>
      {open && (
        <ul>
          {people.map((p, i) => (
            <li key={i}>
              {p.name}
              {p.unit ? <span className="muted"> · {p.unit}</span> : null}
              {p.read ? <span className="read"> 已读</span> : <span className="muted"> 未读</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What happened on the task, newest first: 签收, reports with evidence, requests, reviews; each day's reminders in one line after that day's actions. */
export function Timeline({ entries }: { entries: Entry[] }) {
  if (entries.length === 0) return <div className="muted pad">还没有办理记录。</div>;
  return (
    <ol className="timeline">
      {entries.map((e) => (
        <li key={e.seq} className={`tl tl-${e.type.replace('.', '-')}`}>
          <div className="tl-head">
            <span className="tl-title">{e.title}</span>
            <span className="muted tl-time">{when(e.at)}</span>
          </div>
          <div className="muted tl-meta">
            {[
              e.unit?.name,
              e.type === 'reminder.sent' ? undefined : e.actor,
              e.channel && e.type !== 'reminder.sent' ? `经${CHANNEL[e.channel] ?? e.channel}` : undefined,
              // the ledger record's number: what a 通报 cites and the 台账 prints
              e.type === 'reminders.summary' ? undefined : `台账 #${e.seq}`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </div>
          {e.text && e.type !== 'reminders.summary' && <div className="tl-text">{e.text}</div>}
          {e.people && <Reminded people={e.people} />}
          <EvidenceList files={e.evidence} />
        </li>
      ))}
    </ol>
  );
}
