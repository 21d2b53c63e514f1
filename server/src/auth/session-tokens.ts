import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '../../../shared/schemas/person.js';
import { AppError } from '../errors.js';
import { writeFileDurable } from '../store/durable-fs.js';

export interface SessionClaims {
  /** Person id. */
  sub: string;
  roles: Role[];
  /** Issued / expires, seconds since the epoch. */
  iat: number;
  exp: number;
}

export const SESSION_TTL_SECONDS = 2 * 3600;
/** Evidence links in pages and DingTalk's image preview: long enough for a visit, short enough to be useless when forwarded. */
export const FILE_LINK_TTL_SECONDS = 3600;

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/**
 * Stateless sessions: `<claims base64url>.<HMAC-SHA256 base64url>`, sent as a bearer token. The
 * same key signs short-lived evidence links. A restart keeps sessions valid (the key is kept in
 * the data directory, or comes from DUBAN_SESSION_SECRET); rotating the key signs everyone out.
 */
export class SessionTokens {
  /**
   * Tokens whose signature was checked, with their claims: every request of a session carries the
   * same token, and an HMAC per request was a tenth of a small read's time. Expiry is still checked
   * on every use. Bounded: the oldest entry goes first.
   */
  private readonly verified = new Map<string, Readonly<SessionClaims>>();
  private static readonly VERIFIED_MAX = 10_000;

  constructor(
    private readonly key: Buffer,
    private readonly now: () => Date,
    private readonly ttlSeconds = SESSION_TTL_SECONDS,
    /** Where this organisation's API is served (`/o/<id>` below the deployment's own; '' for it). */
    private readonly basePath = '',
  ) {}

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  private same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  issue(personId: string, roles: Role[]): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.now().getTime() / 1000);
    const claims: SessionClaims = { sub: personId, roles, iat, exp: iat + this.ttlSeconds };
    const body = b64(JSON.stringify(claims));
    return { token: `${body}.${this.sign(`s.${body}`)}`, expiresAt: new Date(claims.exp * 1000) };
  }

  /** The claims of a valid token; otherwise a 401 that says what to do. */
  verify(token: string | undefined): Readonly<SessionClaims> {
    if (!token) throw new AppError('UNAUTHENTICATED', '请先登录:从政务钉钉工作台或消息里打开督办通');
    const claims = this.verified.get(token) ?? this.check(token);
    if (claims.exp * 1000 <= this.now().getTime()) throw new AppError('UNAUTHENTICATED', '登录已过期,请重新打开督办通');
    return claims;
  }

  /** Checks a token's signature and form once; remembers the claims of a good one. */
  private check(token: string): Readonly<SessionClaims> {
    const [body, sig, extra] = token.split('.');
    if (!body || !sig || extra !== undefined || !this.same(sig, this.sign(`s.${body}`)))
      throw new AppError('UNAUTHENTICATED', '登录凭证无效,请重新打开督办通');
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      throw new AppError('UNAUTHENTICATED', '登录凭证无效,请重新打开督办通');
    }
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string')
      throw new AppError('UNAUTHENTICATED', '登录凭证无效,请重新打开督办通');
    if (this.verified.size >= SessionTokens.VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, Object.freeze(claims));
    return claims;
  }

  /** A query string that lets `personId` fetch one evidence file for a while. */
  fileLink(sha256: string, personId: string): string {
    const exp = Math.floor(this.now().getTime() / 1000) + FILE_LINK_TTL_SECONDS;
    return `p=${encodeURIComponent(personId)}&exp=${exp}&sig=${this.sign(`f.${sha256}.${personId}.${exp}`)}`;
  }

  /** The signed links a page uses for one evidence file: the file, and for images a thumbnail. */
  evidenceUrls(sha256: string, personId: string, kind: 'image' | 'document'): { url: string; thumbUrl?: string } {
    const url = `${this.basePath}/api/evidence/${sha256}?${this.fileLink(sha256, personId)}`;
    return kind === 'image' ? { url, thumbUrl: `${url}&thumb=1` } : { url };
  }

  /** The person a file link was made for, if it is genuine and fresh. */
  verifyFileLink(sha256: string, q: { p?: string; exp?: string; sig?: string }): string {
    const exp = Number(q.exp);
    if (!q.p || !q.sig || !Number.isInteger(exp) || !this.same(q.sig, this.sign(`f.${sha256}.${q.p}.${exp}`)))
      throw new AppError('FORBIDDEN', '文件链接无效,请回到任务页重新打开');
    if (exp * 1000 <= this.now().getTime()) throw new AppError('FORBIDDEN', '文件链接已过期,请回到任务页重新打开');
    return q.p;
  }
}

/** The signing key: from the configuration, else kept in `<dataDir>/session.key` (created once, mode 600). */
export async function loadSessionKey(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, 'session.key');
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text.length >= 32) return Buffer.from(text, 'base64url');
  } catch {
    // first run: create it below
  }
  const key = randomBytes(32);
  await writeFileDurable(path, `${key.toString('base64url')}\n`);
  await chmod(path, 0o600);
  return key;
}
