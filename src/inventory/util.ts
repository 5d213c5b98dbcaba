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

/** fn over items, at most `limit` at once; the results in the items' order. */
export async function mapBounded<I, T>(items: readonly I[], limit: number, fn: (item: I) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
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
  let done = 0;
  const out = await mapBounded(items, limit, async (item) => {
    try {
      return await fn(item);
    } catch (e) {
      ctx.unread.push({ system: ctx.system, what: `${what} ${keyOf(item)}`, message: messageOf(e) });
      return undefined;
    } finally {
      ctx.progress(what, ++done, items.length);
    }
  });
  return out.filter((x): x is T => x !== undefined);
}

/** A kind as the inventory reads it: its read() and, where it has one, its bulk read. */
interface ReadableKind {
  runtime: {
    spec: {
      read(ctx: any, id: string, olds: any): Promise<{ fields: any; outputs: any } | undefined>;
      bulk?: { readAll(ctx: any, olds: any): Promise<Map<string, { fields: any; outputs: any }>> };
    };
  };
}

/** One object by its kind's read(), in the shape Live<K> (its fields and computed outputs). */
export async function readLive<T>(kind: ReadableKind, ctx: unknown, id: string, olds: Record<string, unknown> = {}): Promise<T | undefined> {
  const got = await kind.runtime.spec.read(ctx, id, olds);
  return got ? ({ ...got.fields, ...got.outputs } as T) : undefined;
}

/** Every object of a kind by its bulk read (one query), in the shape Live<K>. */
export async function readAllLive<T>(kind: ReadableKind, ctx: unknown): Promise<T[]> {
  return [...(await kind.runtime.spec.bulk!.readAll(ctx, {})).values()].map((o) => ({ ...o.fields, ...o.outputs }) as T);
}

export const quietLog: Logger = { info: () => {}, warn: () => {} };
