/** The AIMD concurrency limit (providers/core/adaptiveLimit.ts), alone and deterministic. */
import { describe, expect, it } from "vitest";
import { AdaptiveLimit, type Slot } from "../providers/core/adaptiveLimit";

/** Let queued grants run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe("AdaptiveLimit", () => {
  it("holds at most `limit` slots and grants waiting callers in FIFO order", async () => {
    const l = new AdaptiveLimit({ initial: 2, max: 4, increaseAfter: 100 });
    const a = await l.acquire();
    const b = await l.acquire();
    const order: string[] = [];
    const waiters = ["c", "d", "e"].map((n) => l.acquire().then((s) => (order.push(n), s)));
    await tick();
    expect([l.inFlight, l.queued, order]).toEqual([2, 3, []]);
    a.release("ok");
    await tick();
    expect(order).toEqual(["c"]);
    b.release("failed");
    await tick();
    expect(order).toEqual(["c", "d"]);
    expect(l.inFlight).toBe(2);
    const [c, d] = await Promise.all(waiters.slice(0, 2));
    c!.release("ok");
    const e = await waiters[2]!;
    d!.release("ok");
    e.release("ok");
    expect([l.inFlight, l.queued, l.stats.maxInFlight]).toEqual([0, 0, 2]);
    expect(order).toEqual(["c", "d", "e"]);
  });

  it("grows by one after N successes in a row, up to the ceiling", async () => {
    const l = new AdaptiveLimit({ initial: 1, max: 3, increaseAfter: 3 });
    const changes = [];
    for (let i = 0; i < 12; i++) changes.push((await l.acquire()).release("ok"));
    expect(changes.filter(Boolean)).toEqual([
      { from: 1, to: 2 },
      { from: 2, to: 3 },
    ]);
    expect(l.limit).toBe(3);
    // A failure other than a throttle changes nothing, and does not break the streak.
    const l2 = new AdaptiveLimit({ initial: 1, max: 3, increaseAfter: 2 });
    (await l2.acquire()).release("ok");
    expect((await l2.acquire()).release("failed")).toBeUndefined();
    expect((await l2.acquire()).release("ok")).toEqual({ from: 1, to: 2 });
  });

  it("halves on a throttle (never below the floor), once per round, and a throttle resets the streak", async () => {
    const l = new AdaptiveLimit({ initial: 8, max: 8, increaseAfter: 3 });
    const slots: Slot[] = [];
    for (let i = 0; i < 8; i++) slots.push(await l.acquire());
    // Four requests sent together are throttled together: one halving, not four.
    expect(slots[0]!.release("throttled")).toEqual({ from: 8, to: 4 });
    expect(slots[1]!.release("throttled")).toBeUndefined();
    expect(slots[2]!.release("throttled")).toBeUndefined();
    expect(slots[3]!.release("throttled")).toBeUndefined();
    expect(l.limit).toBe(4);
    // A request sent after the decrease is throttled: halved again.
    slots[4]!.release("ok");
    const late = await l.acquire();
    expect(late.release("throttled")).toEqual({ from: 4, to: 2 });
    // The streak started over: three successes to grow.
    expect(slots[5]!.release("ok")).toBeUndefined();
    expect(slots[6]!.release("ok")).toBeUndefined();
    expect(slots[7]!.release("ok")).toEqual({ from: 2, to: 3 });
    // Down to the floor, and no further.
    expect((await l.acquire()).release("throttled")).toEqual({ from: 3, to: 1 });
    expect((await l.acquire()).release("throttled")).toBeUndefined();
    expect(l.limit).toBe(1);
    expect(l.stats).toMatchObject({ decreases: 3, throttles: 7 });
  });

  it("a lower limit holds new callers until enough slots are back", async () => {
    const l = new AdaptiveLimit({ initial: 4, max: 4, increaseAfter: 100 });
    const held = await Promise.all([l.acquire(), l.acquire(), l.acquire(), l.acquire()]);
    held[0]!.release("throttled"); // limit 2, three still in flight
    let granted = false;
    const next = l.acquire().then((s) => ((granted = true), s));
    held[1]!.release("ok");
    await tick();
    expect(granted).toBe(false); // two in flight: at the limit
    held[2]!.release("ok");
    await tick();
    expect(granted).toBe(true);
    (await next).release("ok");
    held[3]!.release("ok");
    expect(l.inFlight).toBe(0);
  });

  it("run() releases with the outcome its classifier gives and reports changes", async () => {
    const l = new AdaptiveLimit({ initial: 2, max: 2, increaseAfter: 5 });
    const seen: unknown[] = [];
    await expect(l.run(() => Promise.reject(new Error("busy")), () => "throttled", (c) => seen.push(c))).rejects.toThrow("busy");
    expect(seen).toEqual([{ from: 2, to: 1 }]);
    expect(await l.run(async () => 42)).toBe(42);
    expect(l.inFlight).toBe(0);
  });
});
