import { Button, Popup, TextArea } from 'antd-mobile';
import { act } from '../lib/load';
import { useState } from 'react';
import { api } from '../api/client';

/** A date `days` calendar days after `today` (the page proposes; the server checks). */
export const daysAfter = (today: string, days: number): string =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** `days` days on, moved off a Saturday or Sunday to the Monday (the server still checks holidays). */
export const weekdayAfter = (today: string, days: number): string => {
  const d = daysAfter(today, days);
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
  return wd === 6 ? daysAfter(d, 2) : wd === 0 ? daysAfter(d, 1) : d;
};

/** 催办: a message and a date for one unit on one task, sent at once and chased like any item. */
export function UrgeSheet({
  target,
  today,
  defaultMessage,
  onClose,
  onSent,
}: {
  target: { taskId: string; unitId: string; unitName: string } | undefined;
  today: string;
  defaultMessage?: string;
  onClose: () => void;
  onSent?: () => void;
}) {
  const [message, setMessage] = useState(defaultMessage ?? '');
  const [due, setDue] = useState(weekdayAfter(today, 3));
  const [busy, setBusy] = useState(false);
  const send = async () => {
    if (!target) return;
    setBusy(true);
    const sent = await act(
      () => api.urge({ taskId: target.taskId, unitId: target.unitId, message, due }),
      (r) => `已催办 ${target.unitName}(通知 ${r.people.length} 人)`,
    );
    setBusy(false);
    if (!sent) return;
    onSent?.();
    onClose();
  };
  return (
    <Popup visible={target !== undefined} onMaskClick={onClose} bodyClassName="decide-sheet">
      {target && (
        <div className="sheet urge">
          <div className="sheet-title">催办:{target.unitName}</div>
          <TextArea
            placeholder="催办内容(必填),如:请于本周内报送年中自查报告"
            value={message}
            onChange={setMessage}
            rows={3}
            maxLength={80}
            showCount
          />
          <label className="date-field">
            请于
            <input type="date" value={due} min={today} onChange={(e) => setDue(e.target.value)} />
            前报送
          </label>
          <div className="row">
            <Button onClick={onClose}>取消</Button>
            <Button color="primary" loading={busy} disabled={message.trim().length < 2} onClick={() => void send()}>
              立即催办
            </Button>
          </div>
        </div>
      )}
    </Popup>
  );
}
