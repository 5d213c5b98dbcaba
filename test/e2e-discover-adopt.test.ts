/**
 * The round trip, with the real CLI on the embedded lab: build the lab with the local stack,
 * lose its state, `discover` a new stack from the live lab, set its secrets, `adopt` → `up` has no
 * changes and `drift` exits 0; destroy then leaves the adopted lab where it is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStackConfig, writeStackConfig } from "../src/engine/stackConfig";
import { PASSPHRASE, runCli, startTestLab, type TestLab } from "./support/lab";
import { type Snapshot, labClients } from "./support/snapshot";

describe("discover + adopt round trip", { timeout: 600_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-discover-adopt-"));
  let t: TestLab;
  let snapshot: () => Promise<Snapshot>;
  let close: () => Promise<void>;
  let built: Snapshot;
  const found = () => ["--stack", "found", "--engine", "local", "--stacks-dir", t.stacksDir, "--state-dir", t.stateDir];

  beforeAll(async () => {
    t = await startTestLab(tmp);
    ({ snapshot, close } = labClients(t.lab));
    const r = await t.rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    built = await snapshot();
    for (const f of fs.readdirSync(t.stateDir)) if (f.startsWith("local.state.json")) fs.rmSync(path.join(t.stateDir, f));
  });
  afterAll(async () => {
    await close?.();
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("discover writes a stack of the live lab; with its secrets set, adopt takes every object as it is; up has no changes, drift exits 0", async () => {
    const d = await runCli(["discover", "--from", "local", "--json", ...found()]);
    expect(d.code, d.err).toBe(0);
    const doc = JSON.parse(d.out);
    // Only what the lab was seeded with is left out (objects that are not the guide's), none of the stack's.
    const leftOut = (doc.leftOut as { object: string }[]).map((m) => m.object);
    expect(leftOut).toContain("phone SEP00AA00BB0001");
    expect(leftOut.map((o) => o.split(" on ")[0]!).filter((o) => /asmith|bjones|cwu|dlee|\beng\b|\+1408555100\d|rcc-cti|cup\.lab|pool\d\.lab|ocsfe/.test(o))).toEqual([]);
    const file = path.join(t.stacksDir, "Pulumi.found.yaml");
    expect(fs.readFileSync(file, "utf8")).toMatch(/npx pulumi config set --stack found --secret --path 'rcclab:cucm\.password'/);

    // The secrets, as `pulumi config set --secret` would set them (the CTI password: CUCM never returns it).
    const source = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE }).config as Record<string, any>;
    const config = loadStackConfig(file, { passphrase: PASSPHRASE }).config as Record<string, any>;
    const secrets: string[] = [];
    const set = (key: string, inner: string[], value: unknown) => {
      if (value === undefined) return;
      let at = config[key];
      for (const k of inner.slice(0, -1)) at = at[k];
      at[inner[inner.length - 1]!] = value;
      secrets.push(`${key}.${inner.join(".")}`);
    };
    set("rcclab:cucm", ["password"], source["rcclab:cucm"].password);
    set("rcclab:cup", ["password"], source["rcclab:cup"].password);
    if (config["rcclab:cup"].cli) set("rcclab:cup", ["cli", "password"], source["rcclab:cup"].cli.password);
    set("rcclab:cti", ["password"], source["rcclab:cti"].password);
    set("rcclab:directory", ["password"], source["rcclab:directory"].password);
    if (config["rcclab:dns"].tsig) set("rcclab:dns", ["tsig", "secret"], source["rcclab:dns"].tsig.secret);
    if (config["rcclab:ocs"].winrm) set("rcclab:ocs", ["winrm", "password"], source["rcclab:ocs"].winrm.password);
    if (config["rcclab:ocs"].ssh) set("rcclab:ocs", ["ssh", "password"], source["rcclab:ocs"].ssh.password);
    writeStackConfig(file, config, { passphrase: PASSPHRASE, secrets });

    const v = await runCli(["validate", ...found()]);
    expect(v.code, v.out + v.err).toBe(0);
    const before = t.lab.cucm.requests.length;
    const a = await runCli(["adopt", "--yes", "--json", ...found()]);
    expect(a.code, a.err).toBe(0);
    const adopted = JSON.parse(a.out);
    expect(adopted.summary).toMatchObject({ create: 0 });
    expect(adopted.summary.adopt).toBeGreaterThan(60);
    expect(adopted.steps.filter((s: { op: string; detail?: string }) => s.op !== "adopt" || s.detail !== "matches the stack")).toEqual([]);
    expect(t.lab.cucm.requests.slice(before).filter((q) => /^(add|update|remove|do|executeSQLUpdate)/.test(q.operation ?? ""))).toEqual([]);

    const up = await runCli(["up", "--yes", ...found()]);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/Applied: no changes|no changes/);
    const drift = await runCli(["drift", ...found()]);
    expect(drift.code, drift.out + drift.err).toBe(0);
    expect(await snapshot()).toEqual(built);
  });

  it("destroy of the discovered stack forgets the adopted lab and leaves it on its systems", async () => {
    const r = await runCli(["destroy", "--yes", "--json", ...found()]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.summary.delete).toBe(0);
    expect(doc.summary.forget).toBeGreaterThan(60);
    expect(await snapshot()).toEqual(built);
  });
});
