/**
 * CUP's mapping and preflight (providers/cup/catalog.ts, mapping.yaml, preflight.ts), against the CUP
 * simulator, whose schema is its own reading of the sources (src/labsim/cup/schema.ts), with variants
 * that differ from rcclab's mapping as a real CUP might: preflight names each difference (step, table,
 * column, admin page) before anything is written; a lab's override file corrects it; secrets go only
 * into confirmed or trusted columns; a step marked manual is left alone.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Catalog, DEFAULT_CATALOG, MAPPING, readMappingOverride } from "../providers/cup/catalog";
import { CupClient, type CupConnection, cupConnectionSchema } from "../providers/cup/client";
import { CucmPublisher } from "../providers/cup/cucmPublisher";
import { DeskPhoneControl } from "../providers/cup/deskPhoneControl";
import { IncomingAcl } from "../providers/cup/incomingAcl";
import { type LiveCatalog, checkCatalog, preflight, typeProblem } from "../providers/cup/preflight";
import * as sql from "../providers/cup/sql";
import { type CupSim, type SchemaVariant, startCupSim } from "../src/labsim/cup";
import { checked, failure, quiet, withStderr } from "./support/kinds";

const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-preflight-"));
const sims: CupSim[] = [];
afterAll(async () => {
  for (const s of sims) await s.stop();
  fs.rmSync(caDir, { recursive: true, force: true });
});

async function start(schemaVariant?: SchemaVariant): Promise<CupSim> {
  const sim = await startCupSim({ caDir, sshPort: false, users: { axl: "Axl-Pa55" }, ...(schemaVariant ? { schemaVariant } : {}) });
  sims.push(sim);
  return sim;
}
const connectionTo = (sim: CupSim, extra: Partial<CupConnection> = {}): CupConnection =>
  cupConnectionSchema.parse({ host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release: "7.0", tls: { caPem: sim.caPem }, retries: 0, ...extra });
const writes = (sim: CupSim): number => sim.requests.filter((r) => r.operation === "executeSQLUpdate").length;

describe("the mapping file", () => {
  it("gives every item its evidence, every table a guide step and an admin page; nothing is confirmed without a source", () => {
    for (const t of Object.values(DEFAULT_CATALOG.tables)) {
      expect(t.step, t.key).toMatch(/^C[2-7]$/);
      expect(t.page, t.key).toMatch(/ > /);
      expect(["confirmed", "assumed"]).toContain(t.evidence.status);
      expect(t.evidence.source.length).toBeGreaterThan(10);
      for (const c of Object.values(t.columns)) expect(c.evidence.source.length, `${t.key}.${c.name}`).toBeGreaterThan(10);
    }
    // The secrets rcclab may write are marked: C2's AXL password, C4's application password.
    const secrets = Object.values(DEFAULT_CATALOG.tables).flatMap((t) => Object.values(t.columns).filter((c) => c.secret).map((c) => `${t.table}.${c.name}`));
    expect(secrets.sort()).toEqual(["cupsystemcfg.ccmaxlpassword", "ucctigatewayprofile.applicationpassword"]);
    // C3 is the guide's incoming and destination ACL entries: no static route table in the mapping.
    expect(DEFAULT_CATALOG.tablesOf("C3").map((t) => t.table).sort()).toEqual(["incomingacl", "outgoingacl"]);
    expect(MAPPING.steps.C3!.page).toMatch(/Outgoing ACL/);
  });

  it("an override renames tables and columns, records evidence and marks steps manual; the SQL follows", () => {
    const c = new Catalog({
      override: { tables: { incomingAcl: { name: "sipincomingacl", columns: { address: { name: "ipaddress", evidence: { status: "confirmed", source: "syscolumns on our CUP 7.0.3" } } } } }, manual: ["C7"] },
    });
    expect(sql.aclByAddress("ocs.lab").render(c)).toBe("SELECT pkid, ipaddress AS address, description FROM sipincomingacl WHERE ipaddress = 'ocs.lab'");
    expect(sql.update("incomingAcl", { address: "x" }, { pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000001" }).render(c)).toBe(
      "UPDATE sipincomingacl SET ipaddress = 'x' WHERE pkid = '5e0c6a4e-1b7d-4c3f-8a52-0a11ce000001'",
    );
    expect(c.table("incomingAcl").columns.address!.evidence.status).toBe("confirmed");
    expect(c.isManual("C7")).toBe(true);
    // The published mapping is untouched.
    expect(sql.aclByAddress("ocs.lab").sql).toBe("SELECT pkid, address, description FROM incomingacl WHERE address = 'ocs.lab'");
  });

  it("refuses a bad override file with one error per problem, by its path in the file", () => {
    const file = path.join(caDir, "cup-mapping.bad.yaml");
    fs.writeFileSync(
      file,
      ["tables:", "  incomingAcl:", "    columns:", "      adress: { name: ipaddress }", "  staticRoute: { name: x }", "  outgoingAcl:", "    name: \"out; DROP\"", "manual: [C1, C9]"].join("\n"),
    );
    const r = readMappingOverride(file);
    expect(r.override).toBeUndefined();
    const byPath = Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
    expect(byPath["tables.incomingAcl.columns"]).toMatch(/unknown key\(s\) adress .*known: pkid, address, description/);
    expect(byPath["tables"]).toMatch(/unknown key\(s\) staticRoute/);
    expect(byPath["tables.outgoingAcl.name"]).toMatch(/plain SQL name/);
    expect(Object.keys(byPath).filter((p) => p.startsWith("manual"))).toHaveLength(2);
  });
});

describe("preflight against the simulator", () => {
  it("passes on the simulator as it ships", async () => {
    const sim = await start();
    const c = new CupClient(connectionTo(sim), quiet);
    const r = await preflight(c);
    expect(r.problems).toEqual([]);
    expect(r.version).toMatch(/^7\.0\./);
    expect(r.checked.tables).toBe(Object.keys(DEFAULT_CATALOG.tables).length);
    c.close();
  });

  it("a renamed column: one problem naming the step, the column, what CUP has, and the admin page; the client writes nothing", async () => {
    const sim = await start({ renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } });
    const c = new CupClient(connectionTo(sim), quiet);
    const r = await preflight(c);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ step: "C3", table: "incomingacl", column: "address" });
    expect(r.problems[0]!.message).toMatch(/^C3 .*: column incomingacl\.address is not in CUP's database \(incomingacl has pkid, ipaddress, description\)\. Do C3 by hand \(System > Security > Incoming ACL/);
    // A kind's first statement meets the same check: nothing is written.
    const before = writes(sim);
    const e = await failure(IncomingAcl.runtime.create(checked(IncomingAcl, { address: "ocsfe1.lab.example.com", connection: connectionTo(sim) })));
    expect(e.code).toBe("SchemaMismatch");
    expect(e.message).toMatch(/incomingacl\.address/);
    expect(writes(sim)).toBe(before);
    c.close();
  });

  it("a missing table: one problem for the table; an override that maps the renamed column passes", async () => {
    const dropped = await start({ dropTable: "outgoingacl" });
    const d = new CupClient(connectionTo(dropped), quiet);
    const r = await preflight(d);
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^C3 .*: table outgoingacl is not in CUP's database\. Do C3 by hand \(.*Outgoing ACL/)]);
    d.close();
    // Marking C3 manual leaves its tables out of the check (and its kinds alone).
    const manual = new CupClient(connectionTo(dropped, { mapping: { manual: ["C3"] } }), quiet);
    expect((await preflight(manual)).problems).toEqual([]);
    manual.close();

    const renamed = await start({ renameColumn: { table: "incomingacl", from: "address", to: "ipaddress" } });
    const conn = connectionTo(renamed, { mapping: { tables: { incomingAcl: { columns: { address: { name: "ipaddress" } } } } } });
    const c = new CupClient(conn, quiet);
    expect((await preflight(c)).problems).toEqual([]);
    const created = await IncomingAcl.runtime.create(checked(IncomingAcl, { address: "ocsfe1.lab.example.com", connection: conn }));
    expect(renamed.rows("incomingacl").find((x) => x.pkid === created.outs.pkid)).toMatchObject({ address: "ocsfe1.lab.example.com" });
    expect((await IncomingAcl.runtime.read(created.id, created.outs)).inputs).toMatchObject({ address: "ocsfe1.lab.example.com" });
    await IncomingAcl.runtime.delete(created.id, created.outs);
    c.close();
  });

  it("another release: one C1 problem, nothing else read", async () => {
    const sim = await start();
    const c = new CupClient(connectionTo(sim, { release: "8.0" }), quiet);
    const r = await preflight(c);
    expect(r.problems).toEqual([expect.objectContaining({ step: "C1", message: expect.stringMatching(/runs 7\.0\..*declares release 8\.0 \(cup\.release\)/) })]);
    c.close();
  });
});

describe("preflight's type checks", () => {
  const spec = (t: string, c: string) => DEFAULT_CATALOG.table(t).columns[c]!;
  const col = (coltype: number, collength: number, extendedId = 0) => ({ name: "x", coltype, collength, extendedId });
  it("accepts what can hold the values and refuses what cannot", () => {
    expect(typeProblem(spec("incomingAcl", "address"), col(13 + 256, 255))).toBeUndefined();
    expect(typeProblem(spec("incomingAcl", "address"), col(13, 64))).toMatch(/is VARCHAR\(64\), where rcclab's mapping reads and writes text of up to 255 characters/);
    expect(typeProblem(spec("incomingAcl", "address"), col(2, 4))).toMatch(/is INTEGER/);
    expect(typeProblem(spec("ctiGatewayProfile", "heartbeatinterval"), col(1, 2))).toBeUndefined();
    expect(typeProblem(spec("ctiGatewayProfile", "sessiontimer"), col(1, 2))).toMatch(/SMALLINT.*integer up to 86400/);
    expect(typeProblem(spec("ucProxyProfile", "allowautoapproval"), col(41 + 256, 1, 5))).toBeUndefined();
    expect(typeProblem(spec("ucProxyProfile", "allowautoapproval"), col(0, 1))).toMatch(/is CHAR\(1\), where .* a BOOLEAN/);
    expect(typeProblem(spec("endUserCfg", "fkucctigatewayprofile"), col(0 + 256, 36))).toMatch(/NOT NULL, where rcclab's mapping writes NULL/);
    expect(typeProblem(spec("endUser", "pkid"), col(0 + 256, 32))).toMatch(/GUID/);
  });

  it("checkCatalog: one problem per column, none for a step done by hand", () => {
    const live: LiveCatalog = new Map([["incomingacl", new Map([["pkid", col(256, 36)], ["address", col(13, 255)]])]]);
    const problems = checkCatalog(new Catalog({ override: { manual: ["C2", "C4", "C5", "C6", "C7"] } }), live);
    expect(problems.map((p) => `${p.table}.${p.column ?? ""}`)).toEqual(["incomingacl.description", "outgoingacl."]);
  });
});

describe("secrets go only into confirmed or trusted columns", () => {
  const base = { applicationUsername: "rcc-cti", applicationPassword: "Cti-Pa55-word", ctiGateways: ["cucm1.lab.example.com"] };

  it("untrusted: C4 writes everything but the application password and names the page; C2 likewise for the AXL password", async () => {
    const sim = await start();
    const connection = connectionTo(sim);
    const run = await withStderr(() => DeskPhoneControl.runtime.create(checked(DeskPhoneControl, { ...base, connection })));
    expect(sim.rows("ucctigatewayprofile")[0]).toMatchObject({ applicationusername: "rcc-cti", applicationpassword: "" });
    expect(sim.rows("ucctigatewayhost").map((h) => h.address)).toEqual(["cucm1.lab.example.com"]);
    expect(run.log).toMatch(/C4: rcclab does not write the password into ucctigatewayprofile\.applicationpassword: no source confirms .*Application > Deskphone Control > Settings.*cup\.trustAssumedMapping: true/);
    expect(run.log).not.toContain("Cti-Pa55-word");
    expect(sim.requests.map((r) => r.sql ?? "").join("\n")).not.toContain("Cti-Pa55-word");

    const pub = await withStderr(() => CucmPublisher.runtime.create(checked(CucmPublisher, { address: "cucm1.lab.example.com", axlUsername: "axladmin", axlPassword: "Axl-Secret-1", connection })));
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmpublisheraddress: "cucm1.lab.example.com", ccmaxlusername: "axladmin", ccmaxlpassword: "" });
    expect(pub.log).toMatch(/C2: .*System > CUCM Publisher/);
  });

  it("confirmed by the lab's override, or trusted: the password is written", async () => {
    const sim = await start();
    const confirmed = { status: "confirmed" as const, source: "read back on our CUP 7.0.3 after setting it in the page" };
    const connection = connectionTo(sim, { mapping: { tables: { ctiGatewayProfile: { evidence: confirmed, columns: { applicationpassword: { evidence: confirmed } } } } } });
    await DeskPhoneControl.runtime.create(checked(DeskPhoneControl, { ...base, connection }));
    expect(sim.rows("ucctigatewayprofile")[0]).toMatchObject({ applicationpassword: "Cti-Pa55-word" });
    const trusted = connectionTo(sim, { trustAssumedMapping: true });
    await CucmPublisher.runtime.create(checked(CucmPublisher, { address: "cucm1.lab.example.com", axlUsername: "axladmin", axlPassword: "Axl-Secret-1", connection: trusted }));
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmaxlpassword: "Axl-Secret-1" });
  });
});

describe("a step marked manual", () => {
  it("is left alone: create and delete write nothing and say where to do it; read shows no drift", async () => {
    const sim = await start();
    const connection = connectionTo(sim, { mapping: { manual: ["C3"] } });
    const input = checked(IncomingAcl, { address: "ocsfe1.lab.example.com", connection });
    const before = writes(sim);
    const run = await withStderr(() => IncomingAcl.runtime.create(input));
    expect(run.log).toMatch(/C3 is done by hand in this lab .*System > Security > Incoming ACL/);
    const read = await IncomingAcl.runtime.read(run.result.id, run.result.outs);
    expect(IncomingAcl.runtime.changedFields(read.props!, input)).toEqual([]);
    await withStderr(() => IncomingAcl.runtime.delete(run.result.id, run.result.outs));
    expect(writes(sim)).toBe(before);
    expect(sim.rows("incomingacl").some((r) => r.address === "ocsfe1.lab.example.com")).toBe(false);
  });
});
