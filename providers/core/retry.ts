/**
 * One retry policy for every client: exponential backoff with jitter (p-retry), retrying only
 * what isRetryable() says may succeed later. Validation errors are never retried.
 */
import { isRetryable } from "./errors";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, minTimeoutMs: 250, maxTimeoutMs: 8_000 };

type PRetry = typeof import("p-retry", { with: { "resolution-mode": "import" } });
let pRetryModule: Promise<PRetry> | undefined;
// p-retry is ESM-only; a dynamic import keeps this CommonJS package loadable everywhere.
const loadPRetry = (): Promise<PRetry> => (pRetryModule ??= import("p-retry"));

export async function withRetry<T>(
  attempt: (attemptNumber: number, lastError: unknown) => Promise<T>,
  policy: Partial<RetryPolicy> = {},
  onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void,
): Promise<T> {
  const { default: pRetry } = await loadPRetry();
  const p = { ...DEFAULT_RETRY, ...policy };
  let lastError: unknown;
  return pRetry((n: number) => attempt(n, lastError), {
    retries: p.retries,
    minTimeout: p.minTimeoutMs,
    maxTimeout: p.maxTimeoutMs,
    factor: 2,
    randomize: true,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
      lastError = error;
      if (retriesLeft > 0 && isRetryable(error)) onRetry?.(error, attemptNumber, retryDelay);
    },
  });
}
