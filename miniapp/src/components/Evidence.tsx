import { Button, ProgressBar } from 'antd-mobile';
import { useRef, useState } from 'react';
import { ApiError, type Upload } from '../api/client';
import { useApp } from '../context';
import type { PickedFile } from '../host';
import { refuse } from '../lib/load';

const MAX_BYTES = 20 * 1024 * 1024;
const ACCEPT = 'image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps';

export interface FileRow {
  id: number;
  name: string;
  preview?: string | undefined;
  progress: number | null;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
  /** False when trying again cannot help (a file type or size the server refuses). */
  retry?: boolean;
  result?: Upload;
  picked?: PickedFile;
}

/** Refusals a retry cannot change. */
const FINAL = new Set([
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'IMAGE_TOO_LARGE',
  'BAD_FILE_NAME',
  'RATE_LIMITED',
]);
let nextId = 1;

/** Files already uploaded (a draft kept on the device), as rows. */
export const uploadedRows = (uploads: readonly Upload[]): FileRow[] =>
  uploads.map((f) => ({
    id: nextId++,
    name: f.name,
    preview: f.kind === 'image' ? (f.thumbUrl ?? f.url) : undefined,
    progress: 1,
    status: 'done',
    result: f,
  }));

/**
 * 佐证材料 being attached: photos (DingTalk's picker, or the camera and album) and files, each
 * uploaded as soon as it is picked, with its progress, a retry where one can help, and removal.
 * What a submission sends is `evidence` (the uploaded files' hashes); it waits while `uploading`.
 */
export function useEvidence(initial: FileRow[] = []) {
  const { host } = useApp();
  const [files, setFiles] = useState<FileRow[]>(initial);
  const update = (id: number, patch: Partial<FileRow>) =>
    setFiles((list) => list.map((f) => (f.id === id ? { ...f, ...patch } : f)));
  const start = (row: FileRow) => {
    update(row.id, { status: 'uploading', progress: 0, error: undefined });
    row
      .picked!.upload((p) => update(row.id, { progress: p }))
      .then(
        // inside DingTalk the picked photo is a native path: show the server's thumbnail once it is up
        (result) =>
          update(row.id, {
            status: 'done',
            progress: 1,
            result,
            preview: row.preview ?? (result.kind === 'image' ? (result.thumbUrl ?? result.url) : undefined),
          }),
        (e: Error) =>
          update(row.id, { status: 'failed', error: e.message, retry: !(e instanceof ApiError && FINAL.has(e.code)) }),
      );
  };
  const add = (picked: PickedFile[]) => {
    const rows: FileRow[] = [];
    for (const p of picked) {
      if (p.size !== undefined && p.size > MAX_BYTES) {
        refuse(`${p.name} 超过 20 MB,请压缩后再传`);
        continue;
      }
      rows.push({ id: nextId++, name: p.name, preview: p.preview, progress: 0, status: 'uploading', picked: p });
    }
    setFiles((list) => [...list, ...rows]);
    rows.forEach(start);
  };
  return {
    files,
    add,
    start,
    remove: (id: number) => setFiles((l) => l.filter((x) => x.id !== id)),
    fromFiles: (list: FileList | null) => add([...(list ?? [])].map((f) => host.fromFile(f))),
    pickImages: host.pickImages?.bind(host),
    uploading: files.some((f) => f.status === 'uploading'),
    failed: files.filter((f) => f.status === 'failed'),
    evidence: files.filter((f) => f.status === 'done' && f.result).map((f) => f.result!.sha256),
    uploads: files.filter((f) => f.status === 'done' && f.result).map((f) => f.result!),
  };
}

export type Evidence = ReturnType<typeof useEvidence>;

/** The files being attached and the two ways to add more (photos, files). */
export function EvidencePicker({ ev }: { ev: Evidence }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const imageInput = useRef<HTMLInputElement>(null);
  const pickPhotos = async () => {
    if (ev.pickImages) {
      try {
        ev.add(await ev.pickImages(9));
      } catch {
        // cancelled
      }
    } else imageInput.current?.click();
  };
  const fromInput = (e: React.ChangeEvent<HTMLInputElement>) => {
    ev.fromFiles(e.target.files);
    e.target.value = '';
  };
  return (
    <>
      <div className="files">
        {ev.files.map((f) => (
          <div key={f.id} className={`file file-${f.status}`}>
            {f.preview ? <img src={f.preview} alt="" /> : <span className="file-icon">📄</span>}
            <div className="file-main">
              <div className="ellipsis">{f.name}</div>
              {f.status === 'uploading' &&
                (f.progress === null ? (
                  <div className="muted">上传中…</div>
                ) : (
                  <ProgressBar percent={Math.round((f.progress ?? 0) * 100)} text />
                ))}
              {f.status === 'failed' && <div className="error">{f.error}</div>}
              {f.status === 'done' && (
                <div className="muted">已上传{f.result?.duplicate ? '(与已有文件相同)' : ''}</div>
              )}
            </div>
            {f.status === 'failed' && f.picked && f.retry !== false && (
              <Button size="mini" color="primary" fill="outline" onClick={() => ev.start(f)}>
                重试
              </Button>
            )}
            {f.status !== 'uploading' && (
              <Button size="mini" fill="none" onClick={() => ev.remove(f.id)} aria-label={`移除 ${f.name}`}>
                ✕
              </Button>
            )}
          </div>
        ))}
      </div>
      <div className="row">
        <Button onClick={() => void pickPhotos()}>📷 拍照/相册</Button>
        <Button onClick={() => fileInput.current?.click()}>📎 文件</Button>
      </div>
      <input
        ref={imageInput}
        type="file"
        accept="image/*"
        multiple
        hidden
        onChange={fromInput}
        data-testid="image-input"
      />
      <input
        ref={fileInput}
        type="file"
        accept={ACCEPT}
        multiple
        hidden
        onChange={fromInput}
        data-testid="file-input"
      />
    </>
  );
}
