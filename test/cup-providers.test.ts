/**
 * The CUP kinds (C1–C7) against the CUP simulator: AXL over HTTPS (the lab CA) and the platform CLI
 * over SSH (host key pinned). Every kind × create / read / update / delete / import, SQL escaping,
 * service restarts only after a change (and once per operation), C4's password following B3's,
 * a version mismatch failing before anything is written, and secrets never in errors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CUP_SERVICES, TABLES, assumedItems } from "../providers/cup/catalog";
import { CupClient, type CupConnection, flushCupRestarts, parseActiveVersion, pendingRestarts, restartSucceeded } from "../providers/cup/client";
import { CucmPublisher } from "../providers/cup/cucmPublisher";
import { DeskPhoneControl } from "../providers/cup/deskPhoneControl";
import { DeskPhoneControlUsers } from "../providers/cup/deskPhoneControlUsers";
import { IncomingAcl } from "../providers/cup/incomingAcl";
import { PresenceSettings } from "../providers/cup/presenceSettings";
import * as sql from "../providers/cup/sql";
import { OutgoingAcl } from "../providers/cup/outgoingAcl";
import { CupVersion } from "../providers/cup/version";
import { type CupSim, PRE_EXISTING_ROWS, startCupSim } from "../src/labsim/cup";
import { cupSimCli, cupSimConnection } from "./support/cup";
import { checked, failure, quiet, withStderr } from "./support/kinds";

const AXL_PASSWORD = "Axl-Pa55'w0rd";
const CLI_PASSWORD = "Cli-Pa55;w0rd";

const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-cup-"));
// The journal of pending restarts: this test's own (the default is the project's .rcclab/).
process.env.RCCLAB_CUP_PENDING_RESTARTS = path.join(caDir, "cup-pending-restarts.json");
// Restarts are owed and done once writes stop for a while: here only when the test says (flushCupRestarts).
process.env.RCCLAB_CUP_RESTART_QUIET_MS = "600000";
let sim: CupSim;
let connection: CupConnection;
/** A client of the test's own (plays the admin who changes things by hand, and reads rows back). */
let admin: CupClient;

/** The restarts since `n`, once the restarts owed so far are done. */
const restartsSince = async (n: number): Promise<string[]> => {
  await flushCupRestarts();
  return sim.restarts.slice(n).map((r) => r.service);
};
const writesSince = (n: number): string[] =>
  sim.requests
    .slice(n)
    .filter((r) => r.operation === "executeSQLUpdate")
    .map((r) => r.sql ?? "");
const restartCommands = (since: number): string[] => sim.commands.slice(since).map((x) => x.line).filter((l) => l.startsWith("utils service restart"));
const row = (table: string, where: (r: Record<string, string | null>) => boolean) => sim.rows(table).find(where);

beforeAll(async () => {
  sim = await startCupSim({
    caDir,
    users: { axl: AXL_PASSWORD },
    cliUsers: { admin: CLI_PASSWORD },
    seed: {
      endUsers: [
        { userid: "alice", firstName: "Alice", lastName: "Able" },
        { userid: "bob", firstName: "Bob", lastName: "Baker" },
        { userid: "carol", firstName: "Carol", lastName: "Clark" },
        { userid: "dave", firstName: "Dave", lastName: "Dunn" },
      ],
      rows: PRE_EXISTING_ROWS,
    },
  });
  connection = cupSimConnection(sim, {
    password: AXL_PASSWORD,
    // The simulator's columns are the mapping's: the passwords go in (a test below covers the default).
    trustAssumedMapping: true,
    cli: cupSimCli(sim, CLI_PASSWORD),
  });
  admin = new CupClient({ ...connection, cli: undefined } as CupConnection, quiet);
});

afterEach(async () => {
  await flushCupRestarts();
});

afterAll(async () => {
  admin?.close();
  await sim?.stop();
});

describe("catalog and SQL mapping", () => {
  it("names every table once, with plain lower-case identifiers, and lists what is unconfirmed", () => {
    const names = TABLES.map((t) => t.table);
    expect(new Set(names).size).toBe(names.length);
    for (const t of TABLES) {
      expect(t.table).toMatch(/^[a-z][a-z0-9_]*$/);
      for (const c of Object.keys(t.columns)) expect(c).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    expect(assumedItems().some((u) => u.includes("incomingacl"))).toBe(true);
  });

  it("escapes every literal: quotes doubled, control characters and bad numbers refused, one statement whatever the value", () => {
    const t = TABLES.find((x) => x.table === "incomingacl")!;
    expect(sql.literal(t, "description", "it's; DROP TABLE incomingacl; --")).toBe("'it''s; DROP TABLE incomingacl; --'");
    expect(() => sql.literal(t, "description", "a\nb")).toThrow(/control characters/);
    expect(() => sql.literal(t, "description", "nul\u0000")).toThrow(/control characters/);
    expect(() => sql.literal(t, "description", "x".repeat(129))).toThrow(/at most 128/);
    const r = TABLES.find((x) => x.table === "ucctigatewayprofile")!;
    expect(() => sql.literal(r, "heartbeatinterval", 70000)).toThrow(/3600/);
    expect(() => sql.literal(r, "heartbeatinterval", 1.5)).toThrow();
    expect(() => sql.literal(r, "heartbeatinterval", "60; DELETE FROM ucctigatewayprofile" as unknown as number)).toThrow(/not a number/);
    expect(() => sql.literal(t, "pkid", "x' OR '1'='1")).toThrow(/GUID/);
    expect(() => sql.update(t, { description: "x" }, {})).toThrow(/WHERE/);
    expect(() => sql.remove(t, {})).toThrow(/WHERE/);
    expect(sql.select(t, { address: "o'hara" }).sql).toBe("SELECT pkid, address, description FROM incomingacl WHERE address = 'o''hara'");
  });

  it("parses the CLI's answers", () => {
    expect(parseActiveVersion(["Active Master Version: 7.0.3.10000-11", "Active Version Installed Software Options:"])).toBe("7.0.3.10000-11");
    const ok = ["Service Manager is running", "Cisco UP SIP Proxy[STOPPING]", "Cisco UP SIP Proxy[STARTING]", "Cisco UP SIP Proxy[STARTED]"];
    expect(restartSucceeded("Cisco UP SIP Proxy", ok)).toBe(true);
    expect(restartSucceeded("Cisco UP SIP Proxy", ["Service Manager is running", "Executed command unsuccessfully", "Invalid service name: x"])).toBe(false);
    expect(restartSucceeded("Cisco UP SIP Proxy", ["Service Manager is running", "Cisco UP SIP Proxy[STOPPED]  Service Not Activated"])).toBe(false);
  });
});

describe("CUP client", () => {
  it("reads the version over AXL and over the CLI (host key pinned); refuses another host key", async () => {
    const c = new CupClient(connection, quiet);
    expect(await c.version()).toBe(sim.version);
    expect(await c.cli!.activeVersion()).toBe(sim.version);
    const wrongKey = new CupClient({ ...connection, cli: { ...connection.cli!, hostKeySha256: `SHA256:${"A".repeat(43)}` } }, quiet);
    const e = await failure(wrongKey.cli!.activeVersion());
    expect(e.code).toBe("Tls");
    expect(e.message).toMatch(/not the pinned/);
  });

  it("maps CUP's faults: a duplicate key is AlreadyExists, an unknown table InvalidRequest, bad credentials Unauthorized", async () => {
    const dup = await failure(admin.insert(sql.insert(TABLES.find((t) => t.table === "incomingacl")!, { pkid: "5e0c6a4e-1b7d-4c3f-8a52-0a11ce000001", address: "dup.example.com", description: "" })));
    expect(dup.code).toBe("AlreadyExists");
    const t = TABLES.find((x) => x.table === "incomingacl")!;
    const unknown = await failure(admin.query({ kind: "query", table: t.key, sql: "SELECT pkid FROM nosuchtable", render: () => "SELECT pkid FROM nosuchtable" }));
    expect(unknown.code).toBe("InvalidRequest");
    const bad = new CupClient({ ...connection, password: "wrong-password", cli: undefined } as CupConnection, quiet);
    expect((await failure(bad.version())).code).toBe("Unauthorized");
  });

  it("retries a lost INSERT answer without doubling the row", async () => {
    const t = TABLES.find((x) => x.table === "incomingacl")!;
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    const c = new CupClient({ ...connection, cli: undefined } as CupConnection, quiet);
    const pkid = await c.insert(sql.insert(t, { address: "lost-answer.example.com", description: "" }));
    expect(sim.rows("incomingacl").filter((r) => r.address === "lost-answer.example.com")).toHaveLength(1);
    await c.write(sql.remove(t, { pkid }));
  });

  it("a lost DELETE answer: the retry reads whether it took effect; a row changed restarts once, nothing changed restarts nothing", async () => {
    const input = checked(OutgoingAcl, { address: "lost.lab.example.com", connection });
    // The entry is there: the lost DELETE took effect (read back), is not sent again, and the proxy restarts once.
    let c = await OutgoingAcl.runtime.create(input);
    let r0 = sim.restarts.length;
    let w0 = sim.requests.length;
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    await OutgoingAcl.runtime.delete(c.id, c.outs);
    expect(sim.rows("outgoingacl")).toEqual([]);
    expect(writesSince(w0).filter((x) => x.startsWith("DELETE"))).toHaveLength(1);
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.sipProxy]);

    // The entry was removed by hand: the lost DELETE changed nothing, and the retry's 0 rows mean no restart.
    c = await OutgoingAcl.runtime.create(input);
    await flushCupRestarts(); // the create's own restart
    await admin.write(sql.remove(TABLES.find((x) => x.table === "outgoingacl")!, { pkid: c.outs.pkid as string }));
    r0 = sim.restarts.length;
    w0 = sim.requests.length;
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    await OutgoingAcl.runtime.delete(c.id, c.outs);
    expect(writesSince(w0).filter((x) => x.startsWith("DELETE"))).toHaveLength(2);
    expect(await restartsSince(r0)).toEqual([]);
    expect(pendingRestarts("127.0.0.1")).toEqual({});
  });

  it("a lost UPDATE answer that took effect counts as the change it was (one restart), read back, not guessed", async () => {
    const t = TABLES.find((x) => x.table === "incomingacl")!;
    const c = new CupClient({ ...connection, cli: undefined } as CupConnection, quiet);
    const pkid = await c.insert(sql.insert(t, { address: "lost-update.example.com", description: "" }));
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    expect(await c.write(sql.update(t, { description: "changed" }, { pkid }))).toBe(1);
    // Unchanged row, lost answer: 0, whatever the retry's own count.
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    expect(await c.write(sql.remove(t, { pkid: "00000000-0000-0000-0000-000000000001" }))).toBe(0);
    await c.write(sql.remove(t, { pkid }));
    c.close();
  });
});

describe("C1 CUP version", () => {
  it("create checks the version; a mismatch fails early; an upgrade reads as drift", async () => {
    const ok = await CupVersion.runtime.create(checked(CupVersion, { expected: "7.0", connection }));
    expect(ok.outs).toMatchObject({ expected: "7.0", version: sim.version });
    const read = await CupVersion.runtime.read(ok.id, ok.outs);
    expect(CupVersion.runtime.changedFields(read.props!, { expected: "7.0" })).toEqual([]);
    const imported = await CupVersion.runtime.read("cup-version", { connection });
    expect(imported.inputs).toMatchObject({ expected: sim.version });
    await CupVersion.runtime.update(ok.id, ok.outs, checked(CupVersion, { expected: "7.0.3", connection }));

    const mismatch = await failure(CupVersion.runtime.create(checked(CupVersion, { expected: "8.0", connection })));
    expect(mismatch.code).toBe("VersionMismatch");
    expect(mismatch.message).toMatch(/runs 7\.0\.3\.10000-11; the stack expects 8\.0/);
    await CupVersion.runtime.delete(ok.id, ok.outs);

    // CUP upgraded: the version read back no longer matches, and every other kind refuses to write.
    const upgraded = await startCupSim({ caDir, version: "8.0.1.10000-2", sshPort: false, users: { axl: AXL_PASSWORD } });
    try {
      const conn8 = { ...connection, port: upgraded.port, cli: undefined };
      const drift = await CupVersion.runtime.read(ok.id, { ...ok.outs, connection: conn8 });
      expect(drift.props).toMatchObject({ expected: "8.0.1.10000-2" });
      expect(CupVersion.runtime.changedFields(drift.props!, { expected: "7.0" })).toEqual(["expected"]);
      const early = await failure(IncomingAcl.runtime.create(checked(IncomingAcl, { address: "ocs.lab.example.com", connection: conn8 })));
      expect(early.code).toBe("VersionMismatch");
      expect(early.message).toMatch(/declares CUP release 7\.0/);
      expect(upgraded.requests.filter((r) => r.operation.startsWith("executeSQL"))).toEqual([]);
    } finally {
      await upgraded.stop();
    }
  });
});

describe("C2 CUCM publisher", () => {
  it("create / read / update / import / delete; the Sync Agent restarts only after a change; delete restores", async () => {
    const r0 = sim.restarts.length;
    const input = checked(CucmPublisher, { address: "cucm1.lab.example.com", axlUsername: "cupaxl", axlPassword: "Pub'Secret;1", connection });
    const c = await CucmPublisher.runtime.create(input);
    expect(c.id).toBe("cucm-publisher");
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmpublisheraddress: "cucm1.lab.example.com", ccmaxlusername: "cupaxl", ccmaxlpassword: "Pub'Secret;1" });
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.syncAgent]);

    const read = await CucmPublisher.runtime.read(c.id, c.outs);
    expect(CucmPublisher.runtime.changedFields(read.props!, input)).toEqual([]);

    // No-op update (only the connection changed): nothing written, nothing restarted.
    const w1 = sim.requests.length;
    const r1 = sim.restarts.length;
    await CucmPublisher.runtime.update(c.id, c.outs, { ...input, connection: { ...connection, timeoutMs: 6_000 } });
    expect(writesSince(w1)).toEqual([]);
    expect(await restartsSince(r1)).toEqual([]);

    const moved = { ...input, address: "10.0.0.11" };
    await CucmPublisher.runtime.update(c.id, c.outs, moved);
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmpublisheraddress: "10.0.0.11", ccmaxlpassword: "Pub'Secret;1" });
    expect(await restartsSince(r1)).toEqual([CUP_SERVICES.syncAgent]);

    const imported = await CucmPublisher.runtime.read("cucm-publisher", { connection });
    expect(imported.inputs).toMatchObject({ address: "10.0.0.11", axlUsername: "cupaxl" });

    await CucmPublisher.runtime.delete(c.id, { ...c.outs, ...moved });
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmpublisheraddress: "", ccmaxlusername: "", ccmaxlpassword: "" });
  });
});

describe("C3 incoming and outgoing ACL entries", () => {
  it("incoming ACL: create / read / update / import / delete; pre-existing entries are left alone", async () => {
    const before = sim.rows("incomingacl").length;
    const r0 = sim.restarts.length;
    const input = checked(IncomingAcl, { address: "ocsfe1.lab.example.com", description: "OCS front end 1", connection });
    const c = await IncomingAcl.runtime.create(input);
    expect(c.id).toBe("ocsfe1.lab.example.com");
    expect(row("incomingacl", (r) => r.address === "ocsfe1.lab.example.com")).toMatchObject({ description: "OCS front end 1", pkid: c.outs.pkid });
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.sipProxy]);

    const read = await IncomingAcl.runtime.read(c.id, c.outs);
    expect(IncomingAcl.runtime.changedFields(read.props!, input)).toEqual([]);

    const r1 = sim.restarts.length;
    await IncomingAcl.runtime.update(c.id, c.outs, { ...input, description: "OCS FE 1 (pool ocspool)" });
    expect(row("incomingacl", (r) => r.address === "ocsfe1.lab.example.com")?.description).toBe("OCS FE 1 (pool ocspool)");
    expect(await restartsSince(r1)).toEqual([CUP_SERVICES.sipProxy]);

    // Changed by hand: drift on refresh.
    await admin.write(sql.update(TABLES.find((t) => t.table === "incomingacl")!, { description: "edited" }, { pkid: c.outs.pkid as string }));
    const drift = await IncomingAcl.runtime.read(c.id, c.outs);
    expect(IncomingAcl.runtime.changedFields(drift.props!, input)).toEqual(["description"]);

    const imported = await IncomingAcl.runtime.read("ocsfe1.lab.example.com", { connection });
    expect(imported.inputs).toMatchObject({ address: "ocsfe1.lab.example.com", description: "edited" });

    const dup = await failure(IncomingAcl.runtime.create(checked(IncomingAcl, { address: "sipgw.lab.example.com", connection })));
    expect(dup.code).toBe("AlreadyExists");
    expect(dup.message).toMatch(/already has an incoming ACL entry/);

    await IncomingAcl.runtime.delete(c.id, c.outs);
    expect(sim.rows("incomingacl")).toHaveLength(before);
    expect(row("incomingacl", (r) => r.address === "sipgw.lab.example.com")).toBeDefined();
    expect(await IncomingAcl.runtime.read(c.id, c.outs)).toEqual({});
    await IncomingAcl.runtime.delete(c.id, c.outs); // already gone: no error
  });

  it("a value with quotes and semicolons is stored exactly and runs nothing", async () => {
    const evil = "OCS pool 'A'; DELETE FROM incomingacl; -- \"x\" {y} /*z*/";
    const before = sim.rows("incomingacl").length;
    const q0 = sim.requests.length;
    const c = await IncomingAcl.runtime.create(checked(IncomingAcl, { address: "10.1.1.0/24", description: evil, connection }));
    expect(row("incomingacl", (r) => r.address === "10.1.1.0/24")?.description).toBe(evil);
    expect(sim.rows("incomingacl")).toHaveLength(before + 1);
    const read = await IncomingAcl.runtime.read(c.id, c.outs);
    expect(read.props).toMatchObject({ description: evil });
    expect(sim.requests.slice(q0).filter((r) => r.fault)).toEqual([]);
    const insertSql = writesSince(q0).find((x) => x.startsWith("INSERT"))!;
    expect(insertSql).toContain("'OCS pool ''A''; DELETE FROM incomingacl; -- \"x\" {y} /*z*/'");
    // Control characters are refused before anything is sent.
    expect(IncomingAcl.runtime.check({}, { address: "10.1.2.3", description: "a\nb", connection }).failures).toEqual([
      { property: "description", reason: "must not contain control characters" },
    ]);
    expect(IncomingAcl.runtime.check({}, { address: "x'; DROP TABLE incomingacl", connection }).failures[0]).toMatchObject({ property: "address" });
    await IncomingAcl.runtime.delete(c.id, c.outs);
    expect(sim.rows("incomingacl")).toHaveLength(before);
  });

  it("outgoing ACL (the guide's destination entries): create / read / update / import / delete, on its own table", async () => {
    const r0 = sim.restarts.length;
    const input = checked(OutgoingAcl, { address: "ocsfe1.lab.example.com", description: "to OCS", connection });
    const c = await OutgoingAcl.runtime.create(input);
    expect(c.id).toBe("ocsfe1.lab.example.com");
    expect(row("outgoingacl", (r) => r.address === "ocsfe1.lab.example.com")).toMatchObject({ description: "to OCS" });
    expect(sim.rows("incomingacl").some((r) => r.address === "ocsfe1.lab.example.com")).toBe(false);
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.sipProxy]);

    const read = await OutgoingAcl.runtime.read(c.id, c.outs);
    expect(OutgoingAcl.runtime.changedFields(read.props!, input)).toEqual([]);
    expect(OutgoingAcl.runtime.diff(c.id, c.outs, { ...input, address: "ocsfe2.lab.example.com" })).toMatchObject({ changes: true, replaces: ["address"] });
    await OutgoingAcl.runtime.update(c.id, c.outs, { ...input, description: "front end 1" });
    expect(row("outgoingacl", (r) => r.address === "ocsfe1.lab.example.com")).toMatchObject({ description: "front end 1" });
    const imported = await OutgoingAcl.runtime.read("ocsfe1.lab.example.com", { connection });
    expect(imported.inputs).toMatchObject({ address: "ocsfe1.lab.example.com", description: "front end 1" });
    expect((await failure(OutgoingAcl.runtime.create(input))).code).toBe("AlreadyExists");

    await OutgoingAcl.runtime.delete(c.id, c.outs);
    expect(sim.rows("outgoingacl")).toEqual([]);
  });
});

describe("C4 desk phone control", () => {
  const base = { applicationUsername: "rcc-cti", applicationPassword: "Cti'Pa55;1", ctiGateways: ["cucm1.lab.example.com", "10.0.0.12"], heartbeatInterval: 45, sessionTimer: 1800 };

  it("create / read / update / import / delete; one restart per changing operation; the password follows B3's", async () => {
    const r0 = sim.restarts.length;
    const input = checked(DeskPhoneControl, { ...base, connection });
    const c = await DeskPhoneControl.runtime.create(input);
    const profile = sim.rows("ucctigatewayprofile")[0]!;
    expect(profile).toMatchObject({ applicationusername: "rcc-cti", applicationpassword: "Cti'Pa55;1", heartbeatinterval: "45", sessiontimer: "1800" });
    expect(sim.rows("ucctigatewayhost").sort((a, b) => Number(a.priority) - Number(b.priority)).map((h) => [h.address, h.priority])).toEqual([
      ["cucm1.lab.example.com", "1"],
      ["10.0.0.12", "2"],
    ]);
    // Several rows written, one restart.
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.sipProxy]);
    expect(sim.commands.filter((x) => x.line.startsWith("utils service restart")).pop()?.line).toBe('utils service restart "Cisco UP SIP Proxy"');

    const read = await DeskPhoneControl.runtime.read(c.id, c.outs);
    expect(DeskPhoneControl.runtime.changedFields(read.props!, input)).toEqual([]);
    expect(read.props!.applicationPassword).toBe("Cti'Pa55;1");

    // No-op update: nothing written, nothing restarted.
    const w1 = sim.requests.length;
    const r1 = sim.restarts.length;
    await DeskPhoneControl.runtime.update(c.id, c.outs, { ...input, connection: { ...connection, retries: 1 } });
    expect(writesSince(w1)).toEqual([]);
    expect(await restartsSince(r1)).toEqual([]);

    // B3's password rotated: the program passes the new one; it is stored, and the SIP proxy restarts.
    const rotated = { ...input, applicationPassword: "New'Cti;Pa55" };
    const u = await DeskPhoneControl.runtime.update(c.id, c.outs, rotated);
    expect(sim.rows("ucctigatewayprofile")[0]!.applicationpassword).toBe("New'Cti;Pa55");
    expect(await restartsSince(r1)).toEqual([CUP_SERVICES.sipProxy]);

    // Reordered gateways and a timer change.
    const r2 = sim.restarts.length;
    const reordered = { ...rotated, ctiGateways: ["10.0.0.12", "cucm1.lab.example.com", "cucm3.lab.example.com"], heartbeatInterval: 30 };
    await DeskPhoneControl.runtime.update(c.id, { ...c.outs, ...u.outs }, reordered);
    expect(sim.rows("ucctigatewayhost").sort((a, b) => Number(a.priority) - Number(b.priority)).map((h) => h.address)).toEqual(["10.0.0.12", "cucm1.lab.example.com", "cucm3.lab.example.com"]);
    expect(await restartsSince(r2)).toEqual([CUP_SERVICES.sipProxy]);

    const imported = await DeskPhoneControl.runtime.read("desk-phone-control", { connection });
    expect(imported.inputs).toMatchObject({ applicationUsername: "rcc-cti", heartbeatInterval: 30, ctiGateways: ["10.0.0.12", "cucm1.lab.example.com", "cucm3.lab.example.com"] });

    // Validation.
    expect(DeskPhoneControl.runtime.check({}, { ...base, ctiGateways: [], connection }).failures[0]).toMatchObject({ property: "ctiGateways" });
    expect(DeskPhoneControl.runtime.check({}, { ...base, ctiGateways: Array.from({ length: 9 }, (_, i) => `10.0.0.${i + 1}`), connection }).failures[0]).toMatchObject({ property: "ctiGateways" });

    await DeskPhoneControl.runtime.delete(c.id, { ...c.outs, ...reordered });
    expect(sim.rows("ucctigatewayprofile")[0]).toMatchObject({ applicationusername: "", applicationpassword: "", heartbeatinterval: "60", sessiontimer: "3600" });
    expect(sim.rows("ucctigatewayhost")).toEqual([]);
  });

  it("a restart that fails is tried once, reported (service, guide step, command by hand) and left pending; the next run restarts it", async () => {
    sim.services.stop(CUP_SERVICES.sipProxy);
    // Deactivate the proxy so that a restart cannot bring it back.
    const svcRow = sim.db.services.find((s) => s.name === CUP_SERVICES.sipProxy)!;
    svcRow.activated = false;
    const c0 = sim.commands.length;
    let created: Awaited<ReturnType<typeof DeskPhoneControl.runtime.create>>;
    try {
      const run = await withStderr(async () => {
        const r = await DeskPhoneControl.runtime.create(checked(DeskPhoneControl, { ...base, connection: { ...connection, retries: 2 } }));
        await flushCupRestarts();
        return r;
      });
      created = run.result;
      // The change is saved and the operation succeeds; the failure is a warning saying what to do.
      expect(sim.rows("ucctigatewayprofile")[0]!.applicationusername).toBe("rcc-cti");
      expect(run.log).toMatch(/WARNING cup: the change to C4 desk phone control settings \(Application > Deskphone Control > Settings\) is saved in CUP's database, but restarting "Cisco UP SIP Proxy" on 127\.0\.0\.1 failed: .*not activated/);
      expect(run.log).toMatch(/the next rcclab up tries it again; to apply it now, on 127\.0\.0\.1's admin CLI run utils service restart "Cisco UP SIP Proxy"/);
      // One attempt, no retry loop.
      expect(restartCommands(c0)).toEqual(['utils service restart "Cisco UP SIP Proxy"']);
      // Pending where the next run sees it.
      expect(pendingRestarts("127.0.0.1")[CUP_SERVICES.sipProxy]?.steps).toEqual(["C4 desk phone control settings (Application > Deskphone Control > Settings)"]);
      // The same run does not try it again on every later operation.
      await DeskPhoneControl.runtime.read(created.id, { ...created.outs, connection: { ...connection, retries: 2 } });
      await flushCupRestarts();
      expect(restartCommands(c0)).toHaveLength(1);
    } finally {
      svcRow.activated = true;
      sim.services.start(CUP_SERVICES.sipProxy);
    }
    // The next run (a new process: a new client) reads the resource, as up does first: the restart happens and leaves the journal.
    const r1 = sim.restarts.length;
    const next = await withStderr(async () => {
      const r = await DeskPhoneControl.runtime.read(created.id, { ...created.outs, connection: { ...connection, retries: 3 } });
      await flushCupRestarts();
      return r;
    });
    expect(await restartsSince(r1)).toEqual([CUP_SERVICES.sipProxy]);
    expect(next.log).toMatch(/restarting "Cisco UP SIP Proxy" on 127\.0\.0\.1 so the change to C4 desk phone control/);
    expect(pendingRestarts("127.0.0.1")).toEqual({});
    // And only once: a later read restarts nothing.
    await DeskPhoneControl.runtime.read(created.id, { ...created.outs, connection: { ...connection, retries: 3 } });
    expect(await restartsSince(r1)).toHaveLength(1);
    // Clean up with a resource that knows the previous (fresh) settings.
    await DeskPhoneControl.runtime.delete("desk-phone-control", {
      ...checked(DeskPhoneControl, { ...base, connection }),
      previous: { applicationUsername: "", heartbeatInterval: 60, sessionTimer: 3600, ctiGateways: [], passwordWasEmpty: true },
    });
    expect(sim.rows("ucctigatewayhost")).toEqual([]);
  });

  it("a restart left pending by a run that stopped between the write and the restart is done by the next run", async () => {
    // What a crash right after the write leaves: the journal entry written before the write was sent.
    fs.writeFileSync(
      process.env.RCCLAB_CUP_PENDING_RESTARTS!,
      JSON.stringify({ "127.0.0.1": { [CUP_SERVICES.presenceEngine]: { since: new Date().toISOString(), steps: ["C7 presence settings (Presence > Settings)"] } } }),
    );
    const r0 = sim.restarts.length;
    await CupVersion.runtime.read("cup-version", { connection: { ...connection, retries: 4 } });
    expect(await restartsSince(r0)).toEqual([CUP_SERVICES.presenceEngine]);
    expect(pendingRestarts("127.0.0.1")).toEqual({});
    expect(fs.existsSync(process.env.RCCLAB_CUP_PENDING_RESTARTS!)).toBe(false);
  });
});

describe("C5–C6 desk phone control users", () => {
  const profilePkid = (): string => sim.rows("ucctigatewayprofile")[0]!.pkid!;
  const assignedNow = (): string[] => {
    const users = new Map(sim.rows("enduser").map((u) => [u.pkid, u.userid]));
    return sim
      .rows("ucendusercfg")
      .filter((c) => c.fkucctigatewayprofile === profilePkid())
      .map((c) => users.get(c.fkenduser)!)
      .sort();
  };

  beforeEach(async () => {
    // Dave was assigned by hand before rcclab took over (he has a per-user row already).
    if (!sim.rows("ucendusercfg").some((c) => c.fkenduser === sim.rows("enduser").find((u) => u.userid === "dave")!.pkid)) {
      await admin.insert(sql.insertUserConfig(sim.rows("enduser").find((u) => u.userid === "dave")!.pkid!, profilePkid()));
    }
  });

  it("exactly the stack's users are assigned; hand-made assignments are drift and go on update; delete undoes only rcclab's work", async () => {
    expect(assignedNow()).toEqual(["dave"]);
    const input = checked(DeskPhoneControlUsers, { userids: ["bob", "alice"], connection });
    expect(input.userids).toEqual(["alice", "bob"]);
    const c = await DeskPhoneControlUsers.runtime.create(input);
    expect(assignedNow()).toEqual(["alice", "bob"]);
    expect(c.outs).toMatchObject({ previouslyAssigned: ["dave"], createdConfigs: ["alice", "bob"] });

    const read = await DeskPhoneControlUsers.runtime.read(c.id, c.outs);
    expect(DeskPhoneControlUsers.runtime.changedFields(read.props!, input)).toEqual([]);

    // Carol assigned by hand: drift.
    await admin.insert(sql.insertUserConfig(sim.rows("enduser").find((u) => u.userid === "carol")!.pkid!, profilePkid()));
    const drift = await DeskPhoneControlUsers.runtime.read(c.id, c.outs);
    expect(drift.props!.userids).toEqual(["alice", "bob", "carol"]);
    expect(DeskPhoneControlUsers.runtime.changedFields(drift.props!, input)).toEqual(["userids"]);

    // Update: carol goes, dave... stays unassigned (not in the stack), alice and bob stay.
    const u = await DeskPhoneControlUsers.runtime.update(c.id, drift.props!, input);
    expect(assignedNow()).toEqual(["alice", "bob"]);

    // No-op update writes nothing.
    const w = sim.requests.length;
    await DeskPhoneControlUsers.runtime.update(c.id, { ...c.outs, ...u.outs }, input);
    expect(writesSince(w)).toEqual([]);

    const imported = await DeskPhoneControlUsers.runtime.read("desk-phone-control-users", { connection });
    expect(imported.inputs).toMatchObject({ userids: ["alice", "bob"] });

    // A user CUP does not know (not synced from CUCM) is named.
    const unknown = await failure(DeskPhoneControlUsers.runtime.update(c.id, { ...c.outs, ...u.outs }, checked(DeskPhoneControlUsers, { userids: ["alice", "zed"], connection })));
    expect(unknown.message).toMatch(/does not know end user\(s\) zed/);

    await DeskPhoneControlUsers.runtime.delete(c.id, { ...c.outs, ...u.outs });
    expect(assignedNow()).toEqual(["dave"]);
    // The per-user rows rcclab created are gone; carol's (made by hand) stays, unassigned.
    const cfgUsers = new Map(sim.rows("enduser").map((x) => [x.pkid, x.userid]));
    expect(sim.rows("ucendusercfg").map((x) => cfgUsers.get(x.fkenduser)).sort()).toEqual(["carol", "dave"]);
  });
});

describe("C7 presence settings", () => {
  it("create / read / update / import / delete restores the previous values; restarts SIP Proxy and Presence Engine only on change", async () => {
    const before = { ...sim.rows("ucproxyprofile")[0] };
    const r0 = sim.restarts.length;
    const input = checked(PresenceSettings, { proxyDomain: "lab.example.com", allowAutoApproval: true, connection });
    const c = await PresenceSettings.runtime.create(input);
    expect(sim.rows("ucproxyprofile")[0]).toMatchObject({ proxydomain: "lab.example.com", allowautoapproval: "t", maxwatchers: "200" });
    expect((await restartsSince(r0)).sort()).toEqual([CUP_SERVICES.presenceEngine, CUP_SERVICES.sipProxy].sort());

    const read = await PresenceSettings.runtime.read(c.id, c.outs);
    expect(PresenceSettings.runtime.changedFields(read.props!, input)).toEqual([]);

    const r1 = sim.restarts.length;
    await PresenceSettings.runtime.update(c.id, c.outs, { ...input, connection: { ...connection, timeoutMs: 7_000 } });
    expect(await restartsSince(r1)).toEqual([]);
    await PresenceSettings.runtime.update(c.id, c.outs, { ...input, maxWatchers: 500 });
    expect(sim.rows("ucproxyprofile")[0]!.maxwatchers).toBe("500");
    expect(await restartsSince(r1)).toHaveLength(2);

    const imported = await PresenceSettings.runtime.read("presence-settings", { connection });
    expect(imported.inputs).toMatchObject({ proxyDomain: "lab.example.com", maxWatchers: 500 });

    await PresenceSettings.runtime.delete(c.id, c.outs);
    expect(sim.rows("ucproxyprofile")[0]).toEqual(before);
  });

  it("without a CLI connection a needed restart is reported, not fatal", async () => {
    const warnings: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    (process.stderr as any).write = (chunk: unknown, ...rest: unknown[]) => {
      warnings.push(String(chunk));
      return true;
    };
    try {
      const conn = { ...connection, cli: undefined };
      const r0 = sim.restarts.length;
      const c = await PresenceSettings.runtime.create(checked(PresenceSettings, { proxyDomain: "other.example.com", connection: conn }));
      await PresenceSettings.runtime.delete(c.id, c.outs);
      expect(await restartsSince(r0)).toEqual([]);
      await flushCupRestarts();
    } finally {
      (process.stderr as any).write = origWrite;
    }
    expect(warnings.join("")).toMatch(/utils service restart "Cisco UP SIP Proxy"/);
  });
});

describe("secrets", () => {
  it("never appear in errors: AXL and CLI passwords, the publisher's AXL password, the CTI password", async () => {
    const ctiPassword = "Cti-Secret'9";
    // A CUP that echoes the statement (with the password in it) in its fault.
    sim.inject({ kind: "fault", operation: "executeSQLUpdate", axlcode: -201, message: `A syntax error has occurred near applicationpassword = '${ctiPassword}' (${AXL_PASSWORD}, ${CLI_PASSWORD})` });
    const e = await failure(DeskPhoneControl.runtime.create(checked(DeskPhoneControl, { applicationUsername: "rcc-cti", applicationPassword: ctiPassword, ctiGateways: ["10.0.0.1"], connection })));
    sim.clearInjections();
    expect(e.message).toMatch(/syntax error/);
    for (const s of [ctiPassword, AXL_PASSWORD, CLI_PASSWORD]) expect(e.message).not.toContain(s);
    expect(e.message).toContain("[secret]");
    // Put the profile back (the fault came after the first write, if any).
    await admin.write(
      sql.update(TABLES.find((t) => t.table === "ucctigatewayprofile")!, { applicationusername: "", applicationpassword: "", heartbeatinterval: 60, sessiontimer: 3600 }, { pkid: sim.rows("ucctigatewayprofile")[0]!.pkid! }),
    );
    for (const h of sim.rows("ucctigatewayhost")) await admin.write(sql.remove(TABLES.find((t) => t.table === "ucctigatewayhost")!, { pkid: h.pkid! }));

    const pub = "Pub-Secret'7";
    const badCli = { ...connection, cli: { ...connection.cli!, password: "Wrong-Cli-Secret" } };
    // The restart cannot log in: the change is saved, the restart is a warning (and stays pending), with no secret in it.
    const r2 = await withStderr(async () => {
      const r = await CucmPublisher.runtime.create(checked(CucmPublisher, { address: "cucm1.lab.example.com", axlUsername: "cupaxl", axlPassword: pub, connection: badCli }));
      await flushCupRestarts();
      return r;
    });
    expect(r2.log).toMatch(/saved in CUP's database, but restarting "Cisco UP Sync Agent" on 127\.0\.0\.1 failed: SSH login as admin refused/);
    for (const s of [pub, "Wrong-Cli-Secret", AXL_PASSWORD, CLI_PASSWORD]) expect(r2.log).not.toContain(s);
    expect(pendingRestarts("127.0.0.1")).toHaveProperty([CUP_SERVICES.syncAgent]);
    await CucmPublisher.runtime.delete("cucm-publisher", {
      ...checked(CucmPublisher, { address: "cucm1.lab.example.com", axlUsername: "cupaxl", axlPassword: pub, connection }),
      previous: { address: "", axlUsername: "", passwordWasEmpty: true },
    });
    expect(sim.rows("cupsystemcfg")[0]).toMatchObject({ ccmpublisheraddress: "", ccmaxlpassword: "" });
    // The delete's session (good credentials) also owed the pending restart, done with its own.
    await flushCupRestarts();
    expect(pendingRestarts("127.0.0.1")).toEqual({});

    // Check failures are scrubbed too.
    const check = CucmPublisher.runtime.check({}, { address: "not a host", axlUsername: "u", axlPassword: pub, connection });
    expect(JSON.stringify(check.failures)).not.toContain(pub);
  });
});
