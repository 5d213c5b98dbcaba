/**
 * `rcclab adopt` end to end, with the real CLI and the local engine on the embedded lab: a lab whose
 * state is lost (or that was built by hand) comes under its stack without any write to any system;
 * then up has nothing to do and drift is clean; destroy leaves adopted objects on their systems
 * unless --delete-adopted. A hand change shows in adopt's plan as the fields up will change, and a
 * missing object as a create for up.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AxlClient } from "../providers/cucm/axl/client";
import { loadStackConfig } from "../src/engine/stackConfig";
import { LAB } from "../src/labsim/lab";
import { PASSPHRASE, runCli, runCliInTerminal, startTestLab, type TestLab } from "./support/lab";
import { type Snapshot, labClients } from "./support/snapshot";

/** AXL operations that change CUCM (adopt must send none). */
const WRITES = /^(add|update|remove|do|executeSQLUpdate|reset|restart|apply)/;

describe("rcclab adopt", { timeout: 600_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-adopt-"));
  let t: TestLab;
  let axl: AxlClient;
  let snapshot: () => Promise<Snapshot>;
  let close: () => Promise<void>;
  let seeded: Snapshot;
  let built: Snapshot;
  /** The stack's state lost: the state file, its previous version and its journal. */
  const loseState = () => {
    for (const f of fs.readdirSync(t.stateDir)) if (f.startsWith("local.state.json")) fs.rmSync(path.join(t.stateDir, f));
  };

  beforeAll(async () => {
    t = await startTestLab(tmp);
    ({ axl, snapshot, close } = labClients(t.lab));
    seeded = await snapshot();
    const r = await t.rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    built = await snapshot();
  });
  afterAll(async () => {
    await close?.();
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("adopts a built lab whose state is lost: no write to any system; then up has no changes and drift exits 0", async () => {
    loseState();
    const before = t.lab.cucm.requests.length;
    const r = await t.rcclab("adopt", "--json");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.summary.create).toBe(0);
    expect(doc.summary.adopt).toBeGreaterThan(60);
    expect(doc.steps.filter((s: { op: string }) => s.op !== "adopt")).toEqual([]);
    expect(doc.steps.filter((s: { detail?: string }) => s.detail !== "matches the stack")).toEqual([]);
    expect(t.lab.cucm.requests.slice(before).filter((q) => WRITES.test(q.operation ?? ""))).toEqual([]);
    expect(await snapshot()).toEqual(built);
    // The adopted entries' secrets (connections, the CTI password) are sealed in the state, as up's are.
    const state = fs.readFileSync(path.join(t.stateDir, "local.state.json"), "utf8");
    const { config } = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE });
    for (const secret of [LAB.cucm.password, LAB.cup.password, LAB.cup.cliPassword, LAB.ocs.password, LAB.directory.password, (config["rcclab:cti"] as { password: string }).password]) {
      expect(state).not.toContain(secret);
    }

    const preview = await t.rcclab("preview", "--expect-no-changes");
    expect(preview.code, preview.out + preview.err).toBe(0);
    const up = await t.rcclab("up");
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/no changes/);
    const drift = await t.rcclab("drift");
    expect(drift.code, drift.out + drift.err).toBe(0);
  });

  it("on a terminal, adopt shows the plan and asks; 'n' records nothing", async () => {
    loseState();
    const r = await runCliInTerminal(["adopt", ...t.stackArgs], "n");
    expect(r.asked).toBe(true);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Plan: \d+ to adopt, 0 missing \(rcclab up creates them\), 0 already in the state/);
    expect(r.out).toMatch(/cancelled: nothing was recorded/);
    expect(fs.existsSync(path.join(t.stateDir, "local.state.json"))).toBe(false);
    expect((await t.rcclab("adopt")).code).toBe(0);
  });

  it("with the Pulumi engine adopt is refused before anything is read, saying why", async () => {
    const before = t.lab.cucm.requests.length;
    const r = await runCli(["adopt", "--yes", "--stack", "local", "--engine", "pulumi", "--stacks-dir", t.stacksDir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rcclab adopt works with the local engine \(--engine local\): Pulumi cannot import dynamic resources \(pulumi\/pulumi#16175\)/);
    expect(t.lab.cucm.requests.length).toBe(before);
  });

  it("a second adopt leaves what is in the state as it is", async () => {
    const r = await t.rcclab("adopt", "--json");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.summary.adopt ?? 0).toBe(0);
    expect(doc.summary.same).toBeGreaterThan(60);
  });

  it("plans a hand-changed object as adopted with the fields up will change, and a missing one as a create; up then repairs both", async () => {
    loseState();
    await axl.update(axl.adapter.line, { pattern: "\\+14085551002" }, (live) => ({ ...live, description: "changed by hand" }));
    expect(await axl.remove(axl.adapter.dialRule, "E164-NANP")).toBe(true);
    const r = await t.rcclab("adopt");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/< adopt rcclab:cucm:Line cucm-line-\+14085551002 \[\\\+14085551002\] \(differs: up will update\)\n {4}description: "changed by hand" → "Bob Jones"/);
    expect(r.out).toMatch(/Adopted: \d+ adopted \(1 differs from the stack: rcclab up updates it\), 1 missing/);
    expect(r.out).toMatch(/\+ create rcclab:cucm:ApplicationDialRule cucm-dial-rule-E164-NANP \(not on its system: up will create it\)/);
    const up = await t.rcclab("up");
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/~ update rcclab:cucm:Line cucm-line-\+14085551002/);
    expect(await snapshot()).toEqual(built);
  });

  it("destroy forgets adopted objects and leaves them on their systems; --delete-adopted deletes them", async () => {
    // On a terminal the plan says what is forgotten and asks; 'n' changes nothing.
    const asked = await runCliInTerminal(["destroy", ...t.stackArgs], "n");
    expect(asked.asked, asked.out).toBe(true);
    expect(asked.out).toMatch(/Plan: 0 to create, 0 to update, 0 to replace, 1 to delete, \d+ adopted to forget \(left on their systems\)/);
    expect(asked.out).toMatch(/\^ forget rcclab:cucm:Phone cucm-phone-SEP001E4AAABB01/);
    expect(asked.out).toMatch(/destroy stack local: it deletes 1 object rcclab created and forgets \d+ adopted objects \(left on their systems\)/);
    expect(asked.code).toBe(1);
    const plan = await t.rcclab("destroy", "--json");
    expect(plan.code, plan.err).toBe(0);
    const doc = JSON.parse(plan.out);
    // The dial rule up created after the adopt is the stack's own: deleted; the adopted rest stays.
    expect(doc.summary.delete).toBe(1);
    expect(doc.summary.forget).toBeGreaterThan(60);
    expect(await snapshot()).toEqual({ ...built, dialRules: built.dialRules.filter((r) => r !== "E164-NANP") });
    expect(fs.existsSync(path.join(t.stateDir, "local.state.json")) ? JSON.parse(fs.readFileSync(path.join(t.stateDir, "local.state.json"), "utf8")).resources : []).toEqual([]);

    // What is left on the systems is not the stack's: up refuses to create over it (adopt again to take it).
    const refused = await t.rcclab("up");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already exists/);
    loseState();
    expect((await t.rcclab("adopt")).code).toBe(0);
    const gone = await t.rcclab("destroy", "--delete-adopted", "--json");
    expect(gone.code, gone.err).toBe(0);
    expect(JSON.parse(gone.out).summary.forget ?? 0).toBe(0);
    expect(await snapshot()).toEqual(seeded);
  });

  it("adopt --owned makes the adopted objects the stack's own: destroy deletes them", async () => {
    expect((await t.rcclab("up")).code).toBe(0);
    loseState();
    const r = await t.rcclab("adopt", "--owned", "--json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, owned: true });
    const gone = await t.rcclab("destroy", "--json");
    expect(gone.code, gone.err).toBe(0);
    expect(JSON.parse(gone.out).summary.forget ?? 0).toBe(0);
    expect(await snapshot()).toEqual(seeded);
  });
});
