import { createHash } from 'node:crypto';

/**
 * The state file carries a digest of itself: `stateDigest`, the sha256 of the document as written
 * without it, as its last member. A hand edit (a 签收 flipped to fulfilled, a unit renamed) that
 * does not recompute it is found at start-up and by `ledger:verify`, and the store refuses to
 * serve it. A file from before the digest (no member) is read as it is and sealed at the next write.
 */
const SEAL = /,?"stateDigest":"([0-9a-f]{64})"\}\s*$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `text` is `JSON.stringify` of an object: the same text with its digest as the last member. */
export function sealState(text: string): string {
  const digest = sha256(text);
  return text === '{}' ? `{"stateDigest":"${digest}"}` : `${text.slice(0, -1)},"stateDigest":"${digest}"}`;
}

/** The document's text without its digest, whether the digest (if any) matches, and the digest. */
export function unsealState(raw: string): { text: string; sealed: boolean; intact: boolean; digest?: string } {
  const m = SEAL.exec(raw);
  if (!m) return { text: raw, sealed: false, intact: true };
  const text = `${raw.slice(0, m.index)}}`.replace(/^\{\}$/, '{}');
  return { text, sealed: true, intact: sha256(text) === m[1], digest: m[1]! };
}

/** A state file whose digest does not match its content. */
export class StateDigestError extends Error {
  constructor(readonly path: string) {
    super(`状态文件 ${path} 的内容与其摘要不符:文件在督办通之外被改动过`);
  }
}

/** Parses a state file's text, refusing one whose digest does not match (StateDigestError). */
export function parseStateText(raw: string, path: string): Record<string, unknown> {
  const { text, intact } = unsealState(raw);
  if (!intact) throw new StateDigestError(path);
  const { stateDigest: _elsewhere, ...doc } = JSON.parse(text) as Record<string, unknown>; // never part of the state
  return doc;
}
