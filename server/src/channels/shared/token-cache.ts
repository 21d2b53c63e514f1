/**
 * One access token per app: fetched once, shared by concurrent callers (single flight), refreshed
 * `marginMs` before it expires, and dropped when the platform says it is invalid.
 */
export class TokenCache {
  private token: { value: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresIn: number }>,
    private readonly now: () => number = Date.now,
    private readonly marginMs = 10 * 60_000,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - this.marginMs > this.now()) return this.token.value;
    this.inflight ??= this.fetchToken()
      .then(({ token, expiresIn }) => {
        this.token = { value: token, expiresAt: this.now() + expiresIn * 1000 };
        return token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Forget `value` if it is the cached token (the platform rejected it). */
  invalidate(value?: string): void {
    if (!value || this.token?.value === value) this.token = undefined;
  }
}
