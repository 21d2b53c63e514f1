import type { Session } from '../../../shared/schemas/miniapp.js';

import { ORG_BASE } from '../api/base';

/** One session per organisation: a district's token is no key to the city's pages (their keys differ). */
const KEY = `dbt.session${ORG_BASE}`;

/**
 * The session lives in sessionStorage: it survives a reload inside the DingTalk webview, ends with
 * the tab, and is sent as a bearer token (never a cookie, so no CSRF).
 */
export function currentSession(): Session | undefined {
  try {
    // no expiry check against the phone's clock (it may be wrong): the server answers 401 and the app signs in again
    return (JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
