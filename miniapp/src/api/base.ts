/**
 * The organisation this page belongs to: the deployment's own at /app/, one below it at
 * /o/<id>/app/ — whose API is at /o/<id>/api/ (server/src/orgs/org-host.ts).
 */
export const ORG_BASE = /^\/o\/[a-z][a-z0-9-]{1,30}(?=\/)/.exec(location.pathname)?.[0] ?? '';

/** An API path of this organisation: /api/… under its prefix (anything else as it is). */
export const apiUrl = (path: string): string => (path.startsWith('/api/') ? `${ORG_BASE}${path}` : path);
