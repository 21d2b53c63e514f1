import { Toast } from 'antd-mobile';
import { useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { UndoBar } from './UndoBar';

/**
 * One-tap 签收 with a few seconds to take it back: `acknowledge` signs for an assignment, reloads
 * the page's data, then shows the undo bar (`bar`, to render at the end of the page).
 */
export function useAcknowledge(reload: () => Promise<void>): {
  acknowledge: (assignmentId: string, done: string) => Promise<void>;
  bar: ReactNode;
} {
  const [undo, setUndo] = useState<{ assignmentId: string; text: string }>();
  const acknowledge = async (assignmentId: string, done: string) => {
    try {
      const r = await api.acknowledge(assignmentId);
      await reload();
      if (!r.already) setUndo({ assignmentId, text: done });
    } catch (e) {
      Toast.show({ content: (e as Error).message, icon: 'fail' });
    }
  };
  const bar = undo && (
    <UndoBar
      text={undo.text}
      onDone={() => setUndo(undefined)}
      onUndo={async () => {
        setUndo(undefined);
        try {
          await api.undoAcknowledge(undo.assignmentId);
          Toast.show({ content: '已撤销签收' });
        } catch (e) {
          Toast.show({ content: (e as Error).message, icon: 'fail' });
        }
        await reload();
      }}
    />
  );
  return { acknowledge, bar };
}
