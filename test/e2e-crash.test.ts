/**
 * Crash consistency end to end: `rcclab up` is killed (SIGKILL: no clean-up of any kind runs) right
 * after the first create of each kind of the lab has reached its system and before the state records
 * it, one kind after the other, in the order a build creates them; then at moments spread over a
 * parallel build (several creates in flight). Each next `up` must carry on from there. Two `up`s at once on the stack: one is refused. At the end: a clean `up` converges, nothing is left to change, `drift` is clean, no provider
 * host outlived its killed CLI, and `destroy` gives every simulator back exactly what it was seeded
 * with (no orphan, no duplicate: a duplicate would have failed its create).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../src/labsim/lab";
import { type CliResult, PASSPHRASE, type TestLab, runProcess } from "./support/lab";
import { type Snapshot, type labClients, startSnapshottedLab } from "./support/snapshot";

const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist/src/cli.js");

/** Provider hosts (Pulumi's dynamic-provider processes) started by this test's CLI runs, still alive. */
function hostsOf(mark: string): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (!cmd.includes("dynamic-provider")) continue;
      if (fs.readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`RCCLAB_TEST_MARK=${mark}`)) pids.push(Number(d));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe("rcclab up killed after each kind's create, then run again", { timeout: 900_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-crash-"));
  const mark = randomUUID();
  let t: TestLab;
  let lab: Lab;
  let clients: ReturnType<typeof labClients>;
  let seeded: Snapshot;

  /** The CLI on the test's stack; with `killAfterMs`, SIGKILLed that long after it started. */
  const rcclab = (args: string[], env: Record<string, string> = {}, killAfterMs?: number): Promise<CliResult> =>
    runProcess(process.execPath, [cli, ...args, "--stack", "local", "--engine", "local", "--stacks-dir", t.stacksDir, "--state-dir", t.stateDir], root, {
      ...process.env,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      RCCLAB_TEST_MARK: mark,
      RCCLAB_CUP_PENDING_RESTARTS: path.join(tmp, "cup-restarts.json"),
      RCCLAB_CREATE_INTENTS: path.join(tmp, "create-intents.json"),
      ...env,
    }, killAfterMs);

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ t, lab, clients, seeded, stop } = await startSnapshottedLab(tmp));
  });
  afterAll(async () => stop?.());

  it("each killed run leaves what it made findable; the next run takes it over and carries on", async () => {
    // The kinds, in the order a build from empty creates their first object.
    const plan = await rcclab(["preview", "--json"]);
    expect(plan.code, plan.err).toBe(0);
    const kinds = [...new Set((JSON.parse(plan.out).steps as { op: string; type: string }[]).filter((s) => s.op === "create").map((s) => s.type))];
    expect(kinds.length).toBeGreaterThan(15);

    const killed: string[] = [];
    for (const kind of kinds) {
      // One step at a time, so each kill lands right after that kind's create and nowhere else.
      const r = await rcclab(["up", "--yes", "--parallel", "1"], { RCCLAB_TEST_CRASH_AT: `create:${kind}` });
      // Killed (no exit code), or the kind had nothing left to create in this run.
      if (r.code === null) killed.push(kind);
      else expect(r.code, `${kind}: ${r.err}`).toBe(0);
      // The CLI died without any clean-up: its provider host must not outlive it.
      expect(await until(() => hostsOf(mark).length === 0, 10_000), `a provider host outlived the CLI killed at ${kind}`).toBe(true);
    }
    expect(killed.length).toBeGreaterThan(15);
  });

  it("killed at moments spread over a parallel build (several creates in flight), the next up carries on", async () => {
    const destroyed = await rcclab(["destroy", "--yes"]);
    expect(destroyed.code, destroyed.err).toBe(0);
    for (const ms of [1500, 3000, 4500, 6000]) {
      const r = await rcclab(["up", "--yes"], {}, ms);
      expect(r.code === null || r.code === 0, r.err).toBe(true);
      expect(await until(() => hostsOf(mark).length === 0, 10_000), `a provider host outlived the CLI killed after ${ms} ms`).toBe(true);
    }
  });

  it("two ups on one stack at once: one runs, the other is refused naming the first, and changes nothing", async () => {
    const [a, b] = await Promise.all([rcclab(["up", "--yes"]), rcclab(["up", "--yes"])]);
    const refused = [a, b].filter((r) => r.code === 1);
    expect(refused, a.err + b.err).toHaveLength(1);
    expect(refused[0]!.err).toMatch(/stack local is in use by pid \d+ \(rcclab up, started/);
    expect([a, b].filter((r) => r.code === 0)).toHaveLength(1);
  });

  it("a clean up converges: nothing left to change, drift clean", async () => {
    const up = await rcclab(["up", "--yes"]);
    expect(up.code, up.err).toBe(0);
    const again = await rcclab(["preview", "--detailed-exitcode"]);
    expect(again.code, again.out).toBe(0);
    const drift = await rcclab(["drift"]);
    expect(drift.code, drift.out).toBe(0);
  });

  it("destroy gives every simulator back exactly what it was seeded with: no orphan", async () => {
    const r = await rcclab(["destroy", "--yes"]);
    expect(r.code, r.err).toBe(0);
    expect(await clients.snapshot()).toEqual(seeded);
    expect(hostsOf(mark)).toEqual([]);
  });
});
