/**
 * `rcclab up` under a storm: about 30 % of CUCM's and CUP's requests answered HTTP 503 or AXL's
 * "Maximum AXL Memory Allocation Consumed", reset before they are processed, or processed and then
 * their answer lost (the simulators' seeded storm injections; the other simulators cannot inject).
 * The run may fail when a request fails every retry; run again, it converges: nothing left to change,
 * drift clean, each retry shown as a warning line, no write applied twice (a duplicate would fail its
 * create), and destroy gives every simulator back exactly what it was seeded with.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../src/labsim/lab";
import type { CliResult, TestLab } from "./support/lab";
import { type Snapshot, type labClients, startSnapshottedLab } from "./support/snapshot";

describe("rcclab up under a storm of 503s, resets and lost answers", { timeout: 900_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-storm-"));
  let t: TestLab;
  let lab: Lab;
  let clients: ReturnType<typeof labClients>;
  let seeded: Snapshot;

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ t, lab, clients, seeded, stop } = await startSnapshottedLab(tmp));
  });
  afterAll(async () => stop?.());

  it("converges: each run gets further, retries are shown, nothing is left to change, drift is clean", async () => {
    lab.cucm.inject({ kind: "503", rate: 0.1, seed: 11 });
    lab.cucm.inject({ kind: "axl-1", rate: 0.05, seed: 12 });
    lab.cucm.inject({ kind: "reset-before", rate: 0.05, seed: 13 });
    lab.cucm.inject({ kind: "reset-after", rate: 0.1, seed: 14 });
    lab.cup.inject({ kind: "503", rate: 0.1, seed: 21 });
    lab.cup.inject({ kind: "reset-before", rate: 0.05, seed: 22 });
    lab.cup.inject({ kind: "reset-after", rate: 0.1, seed: 23 });
    const runs: CliResult[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await t.rcclab("up");
      runs.push(r);
      if (r.code === 0) break;
      // A failure is a request that failed every retry, never a duplicate.
      expect(r.err).not.toMatch(/duplicate|already exists/i);
    }
    expect(runs.at(-1)!.code, runs.map((r) => r.err.slice(-2000)).join("\n---\n")).toBe(0);
    const all = runs.map((r) => r.err).join("\n");
    expect(all).toMatch(/warning: .*retry/i);
    expect(lab.cucm.requests.filter((q) => q.injected).length).toBeGreaterThan(10);

    lab.cucm.clearInjections();
    lab.cup.clearInjections();
    const again = await t.rcclab("preview", "--detailed-exitcode");
    expect(again.code, again.out).toBe(0);
    const drift = await t.rcclab("drift");
    expect(drift.code, drift.out).toBe(0);
  });

  it("destroy gives every simulator back exactly what it was seeded with", async () => {
    const r = await t.rcclab("destroy");
    expect(r.code, r.err).toBe(0);
    expect(await clients.snapshot()).toEqual(seeded);
  });
});
