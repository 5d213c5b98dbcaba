/** The local engine's lanes (src/engine/lanes.ts): the overall limit and one lane per system. */
import { describe, expect, it } from "vitest";
import { Lanes, Limiter, SYSTEM_LIMITS, systemOf } from "../src/engine/lanes";

/** Runs `n` jobs of `type` through the lanes; the most that ran at once, per system and overall. */
async function peak(lanes: Lanes, jobs: string[]): Promise<{ all: number; by: Record<string, number> }> {
  let all = 0;
  let maxAll = 0;
  const now: Record<string, number> = {};
  const by: Record<string, number> = {};
  await Promise.all(
    jobs.map((type) =>
      lanes.run(type, async () => {
        const s = systemOf(type) ?? "?";
        now[s] = (now[s] ?? 0) + 1;
        by[s] = Math.max(by[s] ?? 0, now[s]!);
        maxAll = Math.max(maxAll, ++all);
        await new Promise((r) => setTimeout(r, 5));
        now[s]!--;
        all--;
      }),
    ),
  );
  return { all: maxAll, by };
}

const t = (system: string) => `pulumi-nodejs:dynamic/rcclab/${system}:Thing`;

describe("lanes", () => {
  it("names the system of an rcclab type", () => {
    expect(systemOf("pulumi-nodejs:dynamic/rcclab/cucm:Phone")).toBe("cucm");
    expect(systemOf("rcclab:lab:Cucm")).toBeUndefined();
  });

  it("keeps each system within its lane and everything within the overall limit", async () => {
    const jobs = [...Array(12).fill(t("cucm")), ...Array(6).fill(t("cup")), ...Array(6).fill(t("dns")), ...Array(4).fill(t("echo"))];
    const p = await peak(new Lanes(6), jobs);
    expect(p.by.cucm).toBe(SYSTEM_LIMITS.cucm);
    expect(p.by.cup).toBe(1);
    expect(p.by.dns).toBeLessThanOrEqual(SYSTEM_LIMITS.dns!);
    expect(p.all).toBe(6);
  });

  it("--parallel 1 runs one step at a time", async () => {
    expect((await peak(new Lanes(1), Array(5).fill(t("cucm")))).all).toBe(1);
  });

  it("refuses a limit below 1", () => {
    expect(() => new Limiter(0)).toThrow(/≥ 1/);
  });
});
