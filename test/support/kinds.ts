/** Small helpers the kind tests share. */
import { expect } from "vitest";

/** The error a promise rejects with; fails the test when it resolves. */
export const failure = (p: Promise<unknown>): Promise<Error & { code?: string; systemCode?: unknown }> =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error & { code?: string; systemCode?: unknown },
  );

/** check() then the inputs, as the engine does; fails the test on any check failure. */
export function checked(
  kind: { runtime: { check(o: object, n: object): { inputs: Record<string, unknown>; failures: unknown[] } } },
  news: Record<string, unknown>,
): Record<string, unknown> {
  const r = kind.runtime.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

/** A logger that drops everything (tests assert on errors, not log lines). */
export const quiet = { info: () => {}, warn: () => {} };

/** Runs `fn` with the runtime's log lines (stderr) captured. */
export async function withStderr<T>(fn: () => Promise<T>): Promise<{ result: T; log: string }> {
  const lines: string[] = [];
  const origWrite = process.stderr.write.bind(process.stderr);
  (process.stderr as any).write = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    return { result: await fn(), log: lines.join("") };
  } finally {
    (process.stderr as any).write = origWrite;
  }
}
