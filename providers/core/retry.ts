/**
 * One retry policy for every client: exponential backoff with jitter (p-retry), retrying only
 * what isRetryable() says may succeed later. Validation errors are never retried.
 *
 * Every retry is visible: it logs one warning line (what failed, why, attempt n of N, the delay)
 * through the logger of the provider operation it runs in (the core sets it, see withRetryLog:
 * scrubbed of secrets and naming the resource, so the CLI shows it as `warning: …`), else through
 * the `log` the caller passes. Callers need not log retries themselves.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isRetryable } from "./errors";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, minTimeoutMs: 250, maxTimeoutMs: 8_000 };

export interface RetryLog {
  warn(message: string): void;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  /** What is retried, named in the retry line (e.g. "addLine"). */
  operation?: string;
  /** Where retry lines go when no provider operation is running (withRetryLog); none: not logged. */
  log?: RetryLog;
}

interface Scope {
  log: RetryLog;
  operation: string;
}
const scope = new AsyncLocalStorage<Scope>();

/**
 * Run `fn` (one provider operation: "create", "read" ...) with `log` as the place every retry in it
 * is reported. `log` must scrub secrets (the core's operation logger does).
 */
export function withRetryLog<T>(log: RetryLog, operation: string, fn: () => Promise<T>): Promise<T> {
  return scope.run({ log, operation }, fn);
}

/** An error's message on one line, at most 300 characters. */
function reasonOf(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  const line = m.replace(/\s*\n\s*/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The retry line: `<operation>: attempt 2/6 failed (<reason>); retrying in 480 ms`. */
export function retryLine(what: string | undefined, error: unknown, attemptNumber: number, attempts: number, delayMs: number): string {
  return `${what ? `${what}: ` : ""}attempt ${attemptNumber}/${attempts} failed (${reasonOf(error)}); retrying in ${Math.round(delayMs)} ms`;
}

type PRetry = typeof import("p-retry", { with: { "resolution-mode": "import" } });
let pRetryModule: Promise<PRetry> | undefined;
// p-retry is ESM-only; a dynamic import keeps this CommonJS package loadable everywhere.
const loadPRetry = (): Promise<PRetry> => (pRetryModule ??= import("p-retry"));

export async function withRetry<T>(
  attempt: (attemptNumber: number, lastError: unknown) => Promise<T>,
  options: RetryOptions = {},
  onRetry?: (error: unknown, attemptNumber: number, delayMs: number) => void,
): Promise<T> {
  const { default: pRetry } = await loadPRetry();
  const { operation, log, ...policy } = options;
  const p = { ...DEFAULT_RETRY, ...policy };
  const where = scope.getStore();
  const what = [where?.operation, operation].filter(Boolean).join(": ") || undefined;
  const sink = where?.log ?? log;
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
      if (retriesLeft > 0 && isRetryable(error)) {
        sink?.warn(retryLine(what, error, attemptNumber, p.retries + 1, retryDelay));
        onRetry?.(error, attemptNumber, retryDelay);
      }
    },
  });
}
