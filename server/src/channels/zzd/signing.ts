import { createHmac, randomInt } from 'node:crypto';

/**
 * 浙政钉's gateway signature (the official Java SDK's `Signature`, reference §11): every call carries
 * apiKey, X-Hmac-Auth-Timestamp, -Version, -Nonce and -Signature headers, the signature being
 * Base64(HMAC-SHA256(AppSecret, METHOD\ntimestamp\nnonce\npath[\nparams])). `params` are the query
 * (GET) or form fields (POST): empty names and values skipped, keys sorted case-insensitively (keys
 * that differ only in case are one key, as in Java's case-insensitive TreeMap), a repeated key's
 * values sorted and each emitted as key=value, joined with & — raw, not URL-encoded.
 */
export interface SignedRequest {
  method: 'GET' | 'POST';
  /** The URI path only, e.g. /gettoken.json. */
  path: string;
  params: ReadonlyArray<readonly [string, string]>;
  timestamp: string;
  nonce: string;
}

/** Java's String.CASE_INSENSITIVE_ORDER: char by char, upper- then lower-cased. */
export function compareIgnoreCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    let x = a[i]!;
    let y = b[i]!;
    if (x === y) continue;
    x = x.toUpperCase();
    y = y.toUpperCase();
    if (x === y) continue;
    x = x.toLowerCase();
    y = y.toLowerCase();
    if (x !== y) return x.charCodeAt(0) - y.charCodeAt(0);
  }
  return a.length - b.length;
}

export function canonicalParams(params: SignedRequest['params']): string {
  const groups: Array<{ key: string; values: string[] }> = [];
  for (const [key, value] of params) {
    if (key === '' || value === '') continue;
    const g = groups.find((x) => compareIgnoreCase(x.key, key) === 0);
    if (g) g.values.push(value);
    else groups.push({ key, values: [value] });
  }
  groups.sort((a, b) => compareIgnoreCase(a.key, b.key));
  // values in Java's natural String order: UTF-16 code units, which is what JS's default sort compares
  return groups.flatMap((g) => [...g.values].sort().map((v) => `${g.key}=${v}`)).join('&');
}

export function stringToSign(r: SignedRequest): string {
  const params = canonicalParams(r.params);
  return [r.method, r.timestamp, r.nonce, r.path, ...(params ? [params] : [])].join('\n');
}

export function signature(secret: string, r: SignedRequest): string {
  return createHmac('sha256', secret).update(stringToSign(r), 'utf8').digest('base64');
}

/** The SDK's timestamp: ISO-8601 with milliseconds and the +08:00 offset (Joda's dateTime()). */
export function gatewayTimestamp(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

let nonceCounter = randomInt(0, 10_000);

/**
 * A nonce: milliseconds and four digits, as clients make it — the digits a counter, not random,
 * so two calls in the same millisecond never share one (the gateway refuses a reused nonce as a
 * replay).
 */
export function gatewayNonce(at: Date): string {
  nonceCounter = (nonceCounter + 1) % 10_000;
  return `${at.getTime()}${String(nonceCounter).padStart(4, '0')}`;
}

/** The headers of a signed call. */
export function signedHeaders(
  appKey: string,
  secret: string,
  r: Omit<SignedRequest, 'timestamp' | 'nonce'>,
  at: Date,
): Record<string, string> {
  const timestamp = gatewayTimestamp(at);
  const nonce = gatewayNonce(at);
  return {
    apiKey: appKey,
    'X-Hmac-Auth-Timestamp': timestamp,
    'X-Hmac-Auth-Version': '1.0',
    'X-Hmac-Auth-Nonce': nonce,
    'X-Hmac-Auth-Signature': signature(secret, { ...r, timestamp, nonce }),
    'X-Hmac-Auth-IP': '127.0.0.1',
    'X-Hmac-Auth-MAC': '00:00:00:00:00:00',
  };
}
