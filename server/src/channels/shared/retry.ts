import { ChannelError } from '../channel.js';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Injected so tests can skip real waiting. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  baseMs: 200,
  maxMs: 10_000,
  sleep: realSleep,
  random: Math.random,
};

/**
 * Runs `fn`, retrying retryable ChannelErrors with exponential backoff and full jitter. `onRetry`
 * runs before each new attempt (e.g. to drop a stale token).
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: ChannelError, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ChannelError) || !error.retryable || attempt >= policy.attempts) throw error;
      onRetry?.(error, attempt);
      const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      await policy.sleep(Math.floor(policy.random() * cap) + 1);
    }
  }
}
