/**
 * Fault injection for the simulators' HTTP services (CUCM's and CUP's AXL): a queue of injections,
 * each for the next `times` matching requests, or — a storm — for each matching request with a
 * probability `rate` drawn from a seeded generator (the same requests are hit for the same seed).
 * A "reset-after" injection applies after the request was processed (its answer lost); every other
 * kind before.
 */
export interface InjectionSpec {
  kind: string;
  /** Only requests for this operation (default: any). */
  operation?: string;
  /** How many requests it applies to (default 1, or until cleared with `rate`; Infinity = until cleared). */
  times?: number;
  /** A storm: each matching request is hit with this probability (0–1). */
  rate?: number;
  /** The storm's seed (default 1). */
  seed?: number;
}

export class Injections<I extends InjectionSpec> {
  private list: Array<I & { left: number; draw?: () => number }> = [];

  add(injection: I): void {
    const draw = injection.rate === undefined ? undefined : seeded(injection.seed ?? 1);
    this.list.push({ ...injection, left: injection.times ?? (injection.rate === undefined ? 1 : Infinity), ...(draw ? { draw } : {}) });
  }

  clear(): void {
    this.list = [];
  }

  /** The injection that applies to this request in this phase, if any (and counts it). */
  take(operation: string, phase: "before" | "after"): I | undefined {
    const i = this.list.find(
      (j) =>
        j.left > 0 &&
        (j.operation === undefined || j.operation === operation) &&
        (j.kind === "reset-after") === (phase === "after") &&
        (j.rate === undefined || j.draw!() < j.rate),
    );
    if (!i) return undefined;
    i.left--;
    this.list = this.list.filter((j) => j.left > 0);
    return i;
  }
}

/** A small seeded generator (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
