import type { Upload } from '../api/client';

export type DraftMode = 'report' | 'closure' | 'extension';

export interface Draft {
  mode: DraftMode;
  /** What was typed, per tab: the progress text, the closure statement and the extension reason are separate. */
  texts: Partial<Record<DraftMode, string>>;
  noChange: boolean;
  /** Files already uploaded (kept by their content address, so they survive a reload). */
  files: Upload[];
  until: string;
  savedAt: number;
}

const key = (personId: string, assignmentId: string) => `dbt.draft.${personId}.${assignmentId}`;

/** Drafts are kept on the device (localStorage) until submitted: a closed webview loses nothing typed. */
export function loadDraft(personId: string, assignmentId: string): Draft | undefined {
  try {
    const d = JSON.parse(localStorage.getItem(key(personId, assignmentId)) ?? 'null') as Draft | null;
    return d && typeof d.texts === 'object' && d.texts !== null && Array.isArray(d.files) ? d : undefined;
  } catch {
    return undefined;
  }
}

export function saveDraft(personId: string, assignmentId: string, draft: Draft): void {
  try {
    localStorage.setItem(key(personId, assignmentId), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the page still works, only the draft is not kept
  }
}

export function dropDraft(personId: string, assignmentId: string): void {
  localStorage.removeItem(key(personId, assignmentId));
}
