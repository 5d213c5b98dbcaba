/**
 * The AXL client's transport behaviour against the CUCM simulator: session cookie reuse and
 * re-authentication, timeouts, AXL's -1 memory throttling, faults that must not be retried, and
 * the warning when TLS verification is turned off.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, axlConnectionSchema, rowsChanged, type AxlConnection } from "../providers/cucm/axl/client";
import { adapterFor } from "../providers/cucm/axl/adapters";
import { defaultProfileSql } from "../providers/cucm/axl/adapters/sql";
import { DeviceProfile } from "../providers/cucm/deviceProfile";
import { ApplicationDialRule } from "../providers/cucm/dialRule";
import { EndUser } from "../providers/cucm/endUser";
import { Line } from "../providers/cucm/line";
import { startCucmSim } from "../src/labsim/cucm";
import { checked, failure, quiet, withStderr } from "./support/kinds";


describe("AXL client transport", () => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let base: AxlConnection;
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (m: string) => void warnings.push(m) };

  beforeAll(async () => {
    sim = await startCucmSim({ release: "14.0", caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-axlc-")), users: { u: "P4ss-word" } });
    base = axlConnectionSchema.parse({
      host: "127.0.0.1", port: sim.port, username: "u", password: "P4ss-word", release: "14.0",
      tls: { caPem: sim.caPem }, timeoutMs: 2_000, retries: 3, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    });
  });
  afterAll(async () => sim?.stop());

  it("authenticates once with Basic, then rides CUCM's session cookie", async () => {
    const client = new AxlClient(base, log);
    const from = sim.requests.length;
    for (let i = 0; i < 3; i++) await client.version();
    const auths = sim.requests.slice(from).map((r) => r.auth);
    expect(auths).toEqual(["basic", "cookie", "cookie"]);
  });

  it("authenticates again when the session expired", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    sim.expireSessions();
    const from = sim.requests.length;
    expect(await client.version()).toBe("14.0.1.11900-132");
    expect(sim.requests.slice(from).map((r) => r.auth)).toEqual(["basic"]);
  });

  it("gives up on a request that outlives its timeout, with a clear message", async () => {
    const client = new AxlClient({ ...base, timeoutMs: 150, retries: 0 }, log);
    sim.inject({ kind: "delay", ms: 600, times: 1 });
    const err = await failure(client.version());
    expect(err.code).toBe("Timeout");
    expect(err.message).toContain("no answer");
  });

  it("retries AXL's -1 'Maximum AXL Memory Allocation Consumed' as throttling", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    sim.inject({ kind: "axl-1", operation: "addLine", times: 2 });
    const uuid = await client.add(client.adapter.line, { pattern: "8001" }, { pattern: "8001" });
    expect(uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(sim.requests.filter((r) => r.operation === "addLine" && r.injected === "axl-1")).toHaveLength(2);
  });

  it("does not retry a request CUCM rejected as invalid", async () => {
    const client = new AxlClient(base, log);
    await client.version();
    const from = sim.requests.length;
    const err = await failure(client.add(client.adapter.line, { pattern: "8002", routePartitionName: "PT_Missing" }, { pattern: "8002", routePartitionName: "PT_Missing" }));
    expect(err.code).toBe("InvalidRequest");
    expect(sim.requests.slice(from).filter((r) => r.operation === "addLine")).toHaveLength(1);
  });

  it("gives up after the configured retries when throttling persists", async () => {
    const client = new AxlClient({ ...base, retries: 2 }, log);
    await client.version();
    sim.inject({ kind: "503", operation: "addLine", times: 10 });
    const err = await failure(client.add(client.adapter.line, { pattern: "8003" }, { pattern: "8003" }));
    expect(err.code).toBe("Throttled");
    sim.clearInjections();
    expect(sim.requests.filter((r) => r.operation === "addLine" && r.injected === "503").length).toBe(3);
  });

  it("says loudly when TLS verification is off", async () => {
    const client = new AxlClient({ ...base, tls: { insecureSkipVerify: true } }, log);
    await client.version();
    expect(warnings.some((w) => /TLS verification is OFF/.test(w))).toBe(true);
  });
});

/**
 * No write is sent twice (AXL 7.0, where dial rules, IP phone services and a user's default profile
 * are SQL): after a lost answer (the simulator commits, then drops the connection), a retry first
 * reads whether the write took effect, and sends it again only when it did not.
 */
describe("AXL client: a write whose answer was lost is checked before it is sent again", () => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;
  let axl: AxlClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-axlw-"));
  process.env.RCCLAB_CREATE_INTENTS = path.join(dir, "create-intents.json");

  beforeAll(async () => {
    sim = await startCucmSim({ release: "7.0", caDir: path.join(dir, "ca"), users: { u: "P4ss-word" } });
    connection = axlConnectionSchema.parse({
      host: "127.0.0.1", port: sim.port, username: "u", password: "P4ss-word", release: "7.0",
      tls: { caPem: sim.caPem }, timeoutMs: 3_000, retries: 5, minRetryDelayMs: 2, maxRetryDelayMs: 10,
    });
    axl = new AxlClient(connection, quiet);
    await axl.version();
  });
  afterAll(async () => sim?.stop());

  /** The requests CUCM processed (committed, answered or not), of an operation whose SQL or body matches. */
  const processed = (operation: string, match: RegExp = /./) =>
    sim.requests.filter((r) => r.operation === operation && (r.injected === undefined || r.injected === "reset-after" || r.injected === "delay") && match.test(r.body));
  const rule = (name: string, more: Record<string, unknown> = {}) => ({ name, numberBeginsWith: "1", numberOfDigits: 11, digitsToBeRemoved: 0, prefixPattern: "+", ...more });

  it("a dial rule's SQL insert whose answer is lost is applied once, and the create succeeds (with a visible retry)", async () => {
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    const { result, log } = await withStderr(() => ApplicationDialRule.runtime.create(checked(ApplicationDialRule, { ...rule("DR-lost"), connection })));
    expect(result.id).toBe("DR-lost");
    expect(result.outs.uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(processed("executeSQLUpdate", /insert into applicationdialrule[\s\S]*DR-lost/)).toHaveLength(1);
    expect(await axl.sql("select pkid from applicationdialrule where name = 'DR-lost'")).toHaveLength(1);
    const warnings = log.split("\n").filter((l) => l.includes("WARNING"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^\[rcclab\] WARNING rcclab:cucm:ApplicationDialRule "DR-lost": create: executeSQLUpdate: attempt 1\/6 failed \(executeSQLUpdate: connection to https:\/\/127\.0\.0\.1:\d+\/axl\/ failed \(.+\)\); retrying in \d+ ms$/,
    );
    expect(log).not.toContain("P4ss-word");
  });

  it("in a storm (lost answer, then 503s on the read-back), the insert is still never sent again", async () => {
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    sim.inject({ kind: "503", operation: "executeSQLQuery", times: 2 });
    const warnings: string[] = [];
    const client = new AxlClient(connection, { info: () => {}, warn: (m) => void warnings.push(m) });
    const uuid = await client.add(client.adapter.dialRule, rule("DR-storm"), "DR-storm");
    expect(uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(processed("executeSQLUpdate", /DR-storm/)).toHaveLength(1);
    expect(await axl.sql("select pkid from applicationdialrule where name = 'DR-storm'")).toHaveLength(1);
    // Every retry visible, one line each, through the client's logger (no provider operation here);
    // each throttle also slows the client down (adaptive concurrency), in a line of its own.
    const slower = warnings.filter((w) => /slowing down/.test(w));
    expect(slower).toHaveLength(2);
    expect(slower[0]).toMatch(/throttles AXL \(executeSQLQuery\): slowing down to \d+ requests? in flight \(was \d+\)$/);
    const retries = warnings.filter((w) => !/slowing down/.test(w));
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/^executeSQLUpdate: attempt 1\/6 failed \(executeSQLUpdate: connection to .* failed/);
    expect(retries[1]).toMatch(/^executeSQLUpdate: attempt 2\/6 failed \(executeSQLQuery: CUCM is throttling AXL \(HTTP 503\)\); retrying in \d+ ms$/);
  });

  it("an insert that never reached CUCM (reset before) is sent again, once", async () => {
    sim.inject({ kind: "reset-before", operation: "executeSQLUpdate" });
    const before = sim.requests.length;
    await axl.add(axl.adapter.dialRule, rule("DR-again"), "DR-again");
    const inserts = sim.requests.slice(before).filter((r) => r.operation === "executeSQLUpdate");
    expect(inserts.map((r) => r.injected ?? "sent")).toEqual(["reset-before", "sent"]);
    expect(await axl.sql("select pkid from applicationdialrule where name = 'DR-again'")).toHaveLength(1);
  });

  it("an SQL update and an SQL delete whose answers are lost are not sent again", async () => {
    await axl.add(axl.adapter.dialRule, rule("DR-upd"), "DR-upd");
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    await axl.update(axl.adapter.dialRule, "DR-upd", rule("DR-upd", { description: "changed", prefixPattern: "+1" }));
    expect(processed("executeSQLUpdate", /update applicationdialrule[\s\S]*DR-upd/)).toHaveLength(1);
    expect(await axl.get(axl.adapter.dialRule, "DR-upd")).toMatchObject({ description: "changed", prefixPattern: "+1" });

    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate" });
    expect(await axl.remove(axl.adapter.dialRule, "DR-upd")).toBe(true);
    expect(processed("executeSQLUpdate", /delete from applicationdialrule[\s\S]*DR-upd/)).toHaveLength(1);
    expect(await axl.get(axl.adapter.dialRule, "DR-upd")).toBeUndefined();
    // Gone already: false, as before.
    expect(await axl.remove(axl.adapter.dialRule, "DR-upd")).toBe(false);
  });

  it("an end user's group membership and default profile (AXL and SQL after the add) are each applied once", async () => {
    await Line.runtime.create(checked(Line, { pattern: "+14085558001", connection }));
    await DeviceProfile.runtime.create(checked(DeviceProfile, { name: "EM-lost", model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085558001" }], connection }));
    sim.inject({ kind: "reset-after", operation: "updateUserGroup" });
    sim.inject({ kind: "reset-after", operation: "executeSQLUpdate", times: 2 });
    const user = await EndUser.runtime.create(
      checked(EndUser, { userid: "lost", lastName: "Answer", userGroups: ["Standard CTI Enabled"], controlledProfiles: ["EM-lost"], defaultProfile: "EM-lost", connection }),
    );
    expect(user.id).toBe("lost");
    expect(processed("addUser", /lost/)).toHaveLength(1);
    expect(processed("updateUserGroup", /lost/)).toHaveLength(1);
    expect(processed("executeSQLUpdate", /enduserdevicemap[\s\S]*userid = (?:'|&apos;)lost/)).toHaveLength(2);
    expect((await axl.get(axl.adapter.endUser, "lost"))!.userGroups).toEqual(["Standard CTI Enabled"]);
    const rows = await axl.sql<{ defaultprofile: string }>(
      "select defaultprofile from enduserdevicemap where fkenduser = (select pkid from enduser where userid = 'lost') and fkdevice = (select pkid from device where name = 'EM-lost')",
    );
    expect(rows.map((r) => r.defaultprofile)).toEqual(["t"]);

    // An update whose group change loses its answer: not sent again either (CUCM would refuse a second add as "already a member").
    sim.inject({ kind: "reset-after", operation: "updateUserGroup" });
    const from = sim.requests.length;
    await EndUser.runtime.update(user.id, user.outs, { ...user.outs, userGroups: ["Standard CCM End Users", "Standard CTI Enabled"] });
    expect(sim.requests.slice(from).filter((r) => r.operation === "updateUserGroup" && r.injected !== "503")).toHaveLength(1);
    expect([...(await axl.get(axl.adapter.endUser, "lost"))!.userGroups].sort()).toEqual(["Standard CCM End Users", "Standard CTI Enabled"]);
  });
});

describe("AXL 7.0's SQL writes carry their read-back", () => {
  const a = adapterFor("7.0");
  const dr = { name: "R", numberBeginsWith: "1", numberOfDigits: 11, digitsToBeRemoved: 0, prefixPattern: "+" };
  const svc = { name: "S", url: "http://x/", enabled: true };

  it("every executeSQLUpdate the 7.0 adapter builds says how to read whether it took effect", () => {
    const writes = [
      a.dialRule.add(dr),
      ...a.dialRule.update({ ...dr, uuid: "{X}" }, { ...dr, prefixPattern: "+1" }),
      a.dialRule.remove("R"),
      a.ipPhoneService.add(svc),
      ...a.ipPhoneService.update({ ...svc, uuid: "{X}" }, { ...svc, url: "http://y/" }),
      a.ipPhoneService.remove("S"),
      ...defaultProfileSql("u", "EM-u"),
    ];
    expect(writes).toHaveLength(8);
    for (const w of writes) {
      expect(w.operation).toBe("executeSQLUpdate");
      expect(w.readBack?.sql).toMatch(/^select /);
    }
    // An insert is found again by the pkid it gives the row; an update or delete by its own WHERE.
    const ins = a.dialRule.add(dr);
    const pkid = /values \('([0-9a-f-]{36})'/.exec(ins.body.sql as string)![1];
    expect(ins.readBack).toEqual({ kind: "insert", sql: `select pkid from applicationdialrule where pkid = '${pkid}'` });
    expect(a.dialRule.remove("R").readBack).toEqual({ kind: "change", sql: "select * from applicationdialrule where name = 'R'" });
    // The read-back is never sent: the request body is the statement alone.
    expect(Object.keys(ins.body)).toEqual(["sql"]);
  });

  it("counts rows gone or different", () => {
    const r = (pkid: string, v: string) => ({ pkid, v });
    expect(rowsChanged([r("1", "a"), r("2", "b")], [r("1", "a"), r("2", "b")])).toBe(0);
    expect(rowsChanged([r("1", "a"), r("2", "b")], [r("2", "b"), r("1", "a")])).toBe(0);
    expect(rowsChanged([r("1", "a"), r("2", "b")], [r("1", "x")])).toBe(2);
    expect(rowsChanged([r("1", "a")], [])).toBe(1);
  });
});
