/** Small helpers the inventory readers share. */
import type { Logger } from "../../providers/core/kind";
import type { LabInventory, SystemName } from "./types";

export type Unread = LabInventory["unread"];

export interface ReaderContext {
  system: SystemName;
  unread: Unread;
  log: Logger;
  progress(what: string, done: number, total?: number): void;
}

/** A failure's message, one line. */
export const messageOf = (e: unknown): string => String((e as Error)?.message ?? e).split("\n")[0]!;

/**
 * One part of a system read: its value, or undefined with an `unread` entry naming what and why.
 * Never throws.
 */
export async function attempt<T>(ctx: ReaderContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    ctx.unread.push({ system: ctx.system, what, message: messageOf(e) });
    return undefined;
  }
}

/**
 * fn over items, at most `limit` at once, in the items' order; an item whose fn fails lands in
 * `unread` (as `${what} ${key}`) and is left out. Progress after each item.
 */
export async function eachBounded<I, T>(
  ctx: ReaderContext,
  what: string,
  items: readonly I[],
  keyOf: (i: I) => string,
  fn: (i: I) => Promise<T | undefined>,
  limit = 4,
): Promise<T[]> {
  const out: (T | undefined)[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      try {
        out[i] = await fn(item);
      } catch (e) {
        ctx.unread.push({ system: ctx.system, what: `${what} ${keyOf(item)}`, message: messageOf(e) });
      }
      ctx.progress(what, ++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out.filter((x): x is T => x !== undefined);
}

export const quietLog: Logger = { info: () => {}, warn: () => {} };
