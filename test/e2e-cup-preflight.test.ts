/**
 * CUP preflight end to end, as a user with a CUP that is not what rcclab's mapping expects would meet
 * it: the embedded lab, whose CUP's database has a column renamed (the simulator's schema variant).
 * `rcclab up` stops before it changes anything on any system, naming the column, the guide step and
 * the admin page; `preview` and `drift` report the same; an override file that maps the renamed
 * column (the one `rcclab discover cup` would draft) makes `up` build the lab, and `destroy` undo it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../src/labsim/lab";
import { type TestLab, startTestLab } from "./support/lab";

describe("CUP preflight on a CUP whose incomingacl.address is called ipaddress", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-e2e-preflight-"));
  let t: TestLab;
  let lab: Lab;

  /** Every write any simulator has received so far, and the files the simulators keep their state in. */
  const writes = () => ({
    cucm: lab.cucm.requests.filter((r) => /^(add|update|remove|do|apply|reset|restart|executeSQLUpdate)/.test(r.operation)).length,
    cup: lab.cup.requests.filter((r) => r.operation === "executeSQLUpdate").length,
    dns: lab.dns.requests.filter((r) => r.opcode === "UPDATE").length,
    winrm: lab.ocsWinRm.flatMap((w) => w.requests).filter((q) => /(Create|Put|Delete)$/.test(q.action)).length,
    files: Object.fromEntries(
      fs
        .readdirSync(lab.dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => [f, fs.readFileSync(path.join(lab.dir, f), "utf8")]),
    ),
  });

  beforeAll(async () => {
    t = await startTestLab(tmp, { cupSchemaVariant: { renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } } });
    lab = t.lab;
  });
  afterAll(async () => {
    await lab?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("up stops before anything changes on any system, naming the column, the step and the admin page", async () => {
    const before = writes();
    const r = await t.rcclab("up");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/CUP at cup\.lab\.example\.com \(7\.0[^)]*\) does not match rcclab's CUP mapping; nothing was changed on any system:/);
    expect(r.err).toMatch(/- C3 .*: column incomingacl\.address is not in CUP's database \(incomingacl has pkid, ipaddress, description\)\. Do C3 by hand \(System > Security > Incoming ACL/);
    expect(r.err).toMatch(/rcclab discover cup drafts one/);
    expect(writes()).toEqual(before);
    // Nothing recorded either: the next run starts from the same place.
    const state = path.join(t.stateDir, "local.state.json");
    if (fs.existsSync(state)) expect(JSON.parse(fs.readFileSync(state, "utf8")).resources ?? []).toEqual([]);
  });

  it("preview and drift report the same problem and exit 1", async () => {
    for (const cmd of ["preview", "drift"]) {
      const r = await t.rcclab(cmd);
      expect(r.code, cmd).toBe(1);
      expect(r.err, cmd).toMatch(/column incomingacl\.address is not in CUP's database/);
    }
  });

  it("validate names a bad override by its path in the file", async () => {
    fs.writeFileSync(path.join(t.stacksDir, "cup-mapping.local.yaml"), "tables:\n  incomingAcl:\n    columns:\n      adress: { name: ipaddress }\n");
    t.editStack((c) => ((c["rcclab:cup"] as Record<string, unknown>).mapping = "cup-mapping.local.yaml"));
    const r = await t.rcclab("validate");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rcclab:cup\.mapping → cup-mapping\.local\.yaml: tables\.incomingAcl\.columns: unknown key\(s\) adress/);
  });

  it("an override that maps the column makes up build the lab; drift is clean; destroy takes rcclab's entries away", async () => {
    fs.writeFileSync(path.join(t.stacksDir, "cup-mapping.local.yaml"), "tables:\n  incomingAcl:\n    columns:\n      address: { name: ipaddress }\n");
    // Not trusting the assumed mapping: the passwords are left to the admin pages, with a warning each.
    t.editStack((c) => ((c["rcclab:cup"] as Record<string, unknown>).trustAssumedMapping = false));
    const up = await t.rcclab("up");
    expect(up.code, up.err + up.out).toBe(0);
    expect(up.out).toMatch(/preflight passed/);
    expect(up.err).toMatch(/warning: cup: C4: rcclab does not write the password into ucctigatewayprofile\.applicationpassword: .*Application > Deskphone Control > Settings/);
    expect(up.err).toMatch(/warning: cup: C2: rcclab does not write the password into cupsystemcfg\.ccmaxlpassword: .*System > CUCM Publisher/);
    expect(lab.cup.rows("ucctigatewayprofile")[0]).toMatchObject({ applicationusername: "rcc-cti", applicationpassword: "" });
    const acl = lab.cup.rows("incomingacl").map((r) => r.address);
    expect(acl).toEqual(expect.arrayContaining(["ocsfe1.lab.example.com", "ocsfe2.lab.example.com", "pool1.lab.example.com", "pool2.lab.example.com"]));
    const drift = await t.rcclab("drift");
    expect(drift.code, drift.out + drift.err).toBe(0);
    const down = await t.rcclab("destroy");
    expect(down.code, down.err).toBe(0);
    expect(lab.cup.rows("incomingacl").map((r) => r.address)).toEqual(["sipgw.lab.example.com"]);
  });
});
