/**
 * Requests carried out once (Idempotency-Key, double submits). A key is claimed before the request
 * runs and settled with its answer once it has one; a repeat waits for the answer and gets it.
 * The embedded store keeps claims in memory (one process holds the data directory); PostgreSQL
 * keeps them in `duban_requests`, so a repeat reaching another instance is still one.
 */
export type Claim =
  /** Nobody has this key: run the request, then settle or release. */
  | { state: 'claimed' }
  /** Another request with the key is still running. */
  | { state: 'running'; fingerprint: string }
  /** Done: the answer to replay. */
  | { state: 'done'; fingerprint: string; status: number; body: string };

export interface RequestLog {
  /** Claims `key` until `expires` (ms since epoch) unless it is held; `fingerprint` tells a different request under the same key. */
  claim(key: string, fingerprint: string, now: number, expires: number): Promise<Claim>;
  /** The request ran: keep its answer until the claim expires. */
  settle(key: string, status: number, body: string): Promise<void>;
  /** The request did not run to an answer worth keeping (a server error, a rate limit): the key is free again. */
  release(key: string): Promise<void>;
  /** Notes `value` as `person`'s latest write (kept until `expires`). */
  mark(person: string, value: string, expires: number): Promise<void>;
  /** `person`'s latest write as marked, if the mark has not expired. */
  latest(person: string, now: number): Promise<string | undefined>;
}

type Entry = { fingerprint: string; expires: number; answer?: { status: number; body: string } };

/** One process: claims in a Map, expired ones dropped as the map is used. */
export class MemoryRequestLog implements RequestLog {
  private readonly entries = new Map<string, Entry>();
  private claims = 0;

  async claim(key: string, fingerprint: string, now: number, expires: number): Promise<Claim> {
    if ((this.claims += 1) % 500 === 0) for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    const held = this.entries.get(key);
    if (held && held.expires > now)
      return held.answer
        ? { state: 'done', fingerprint: held.fingerprint, ...held.answer }
        : { state: 'running', fingerprint: held.fingerprint };
    this.entries.set(key, { fingerprint, expires });
    return { state: 'claimed' };
  }

  async settle(key: string, status: number, body: string): Promise<void> {
    const e = this.entries.get(key);
    if (e) e.answer = { status, body };
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private readonly marks = new Map<string, { value: string; expires: number }>();

  async mark(person: string, value: string, expires: number): Promise<void> {
    this.marks.set(person, { value, expires });
  }

  async latest(person: string, now: number): Promise<string | undefined> {
    const m = this.marks.get(person);
    if (m && m.expires <= now) this.marks.delete(person);
    return m && m.expires > now ? m.value : undefined;
  }
}
