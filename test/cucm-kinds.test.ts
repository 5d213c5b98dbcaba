/**
 * The CUCM kinds (B1–B4, B8) against the CUCM simulator over real HTTPS with TLS verified, in both
 * AXL release families: create / read / update / replace / delete / import, fault mapping,
 * retries under injected 503s and connection resets, and no duplicate after a lost response.
 * Every request the client sends is kept and validated against Cisco's schema at the end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { AppUser } from "../providers/cucm/appUser";
import { CallPerLineLimit } from "../providers/cucm/callPerLineLimit";
import { Line } from "../providers/cucm/line";
import { Phone } from "../providers/cucm/phone";
import { SipTrunk } from "../providers/cucm/sipTrunk";
import { CucmVersion } from "../providers/cucm/version";
import { startCucmSim } from "../src/labsim/cucm";
import { validateAxlRequests } from "./support/axl-schema";
import { checked, failure, quiet } from "./support/kinds";

const PASSWORD = "Axl-P4ss;<&>'\"";



describe.each([
  ["7.0", "7.0.2.20000-5"],
  ["14.0", "14.0.1.11900-132"],
] as [AxlRelease, string][])("CUCM kinds over AXL %s", (release, version) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let connection: AxlConnection;
  let axl: AxlClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rcclab-cucm-${release}-`));

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: path.join(dir, "ca"), users: { axladmin: PASSWORD } });
    connection = {
      host: "127.0.0.1",
      port: sim.port,
      username: "axladmin",
      password: PASSWORD,
      release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false },
      timeoutMs: 5_000,
      retries: 4,
      minRetryDelayMs: 5,
      maxRetryDelayMs: 40,
    };
    axl = new AxlClient(connection, quiet);
  });
  afterAll(async () => sim?.stop());

  /** Requests of an operation that CUCM processed (not refused by an injected 503 or reset). */
  const sent = (operation: string) =>
    sim.requests.filter((r) => r.operation === operation && r.injected !== "503" && r.injected !== "reset-before").length;

  it("B1: checks the CUCM version, failing clearly on a mismatch", async () => {
    const ok = await CucmVersion.runtime.create(checked(CucmVersion, { expected: release, connection }));
    expect(ok.outs.version).toBe(version);
    const bad = await failure(CucmVersion.runtime.create(checked(CucmVersion, { expected: "9.1", connection })));
    expect(bad.message).toContain(`runs ${version}; the stack expects 9.1`);
    expect(bad.message).not.toContain(PASSWORD);
  });

  it("B1: a client whose declared release differs from CUCM's refuses to change anything", async () => {
    const other: AxlConnection = { ...connection, release: release === "7.0" ? "12.5" : "7.0" };
    const before = sim.requests.length;
    const err = await failure(Line.runtime.create(checked(Line, { pattern: "+14085550999", connection: other })));
    // CUCM answers a release it does not serve with HTTP 599, listing the ones it serves.
    expect(err.code).toBe("VersionMismatch");
    expect(err.message).toContain(`does not serve the configured AXL release ${other.release} (cucm.release) (HTTP 599); it serves ${release}`);
    expect(sim.requests.slice(before).some((r) => r.operation === "addLine")).toBe(false);
  });

  it("B4: lines: create, read, update in place, replace on pattern, delete, import", async () => {
    const inputs = checked(Line, { pattern: "+14085551001", routePartitionName: undefined, description: "Alice", alertingName: "Alice Ng", connection });
    expect(inputs.pattern).toBe("\\+14085551001");
    const created = await Line.runtime.create(inputs);
    expect(created.id).toBe("\\+14085551001");
    expect(created.outs.uuid).toMatch(/^\{?[0-9A-F-]{36}\}?$/i);

    const live = await axl.get(axl.adapter.line, { pattern: "\\+14085551001" });
    expect(live).toMatchObject({ pattern: "\\+14085551001", description: "Alice", alertingName: "Alice Ng" });

    const read = await Line.runtime.read(created.id, created.outs);
    expect(Line.runtime.changedFields(read.props!, inputs)).toEqual([]);

    const news = { ...inputs, description: "Alice (desk)" };
    expect(Line.runtime.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await Line.runtime.update(created.id, created.outs, news);
    expect(updated.outs.uuid).toBe(created.outs.uuid);
    expect((await axl.get(axl.adapter.line, { pattern: "\\+14085551001" }))?.description).toBe("Alice (desk)");

    expect(Line.runtime.diff(created.id, updated.outs, { ...news, pattern: "\\+14085551002" }).replaces).toEqual(["pattern"]);

    const imported = await Line.runtime.read("\\+14085551001", { connection });
    expect(imported.inputs).toMatchObject({ pattern: "\\+14085551001", description: "Alice (desk)" });

    await Line.runtime.delete(created.id, updated.outs);
    expect(await axl.get(axl.adapter.line, { pattern: "\\+14085551001" })).toBeUndefined();
    await Line.runtime.delete(created.id, updated.outs); // already gone: not an error
    expect(await Line.runtime.read(created.id, updated.outs)).toEqual({});
  });

  it("B4: a line in a missing partition is refused with CUCM's fault", async () => {
    const err = await failure(Line.runtime.create(checked(Line, { pattern: "+14085551009", routePartitionName: "PT_Nowhere", connection })));
    expect(err.code).toBe("InvalidRequest");
    expect(err.message).toMatch(/PT_Nowhere/);
  });

  it("B4, B8: SCCP and SIP phones with E.164 lines, call-per-line limits, replace on protocol", async () => {
    for (const p of ["+14085552001", "+14085552002", "+14085552003"]) await Line.runtime.create(checked(Line, { pattern: p, connection }));
    const sccp = checked(Phone, {
      name: "SEP001E4AAABB01",
      model: "7975",
      protocol: "SCCP",
      description: "Alice 7975",
      lines: [
        { index: 1, pattern: "+14085552001", label: "Alice", display: "Alice Ng" },
        { index: 2, pattern: "+14085552002" },
      ],
      connection,
    });
    expect(sccp).toMatchObject({ securityProfileName: "Cisco 7975 - Standard SCCP Non-Secure Profile", phoneTemplateName: "Standard 7975 SCCP" });
    const phone = await Phone.runtime.create(sccp);
    const live = await axl.get(axl.adapter.phone, "SEP001E4AAABB01");
    expect(live).toMatchObject({ product: "Cisco 7975", protocol: "SCCP", devicePoolName: "Default" });
    expect(live!.lines.map((l) => l.dirn.pattern)).toEqual(["\\+14085552001", "\\+14085552002"]);

    const sip = await Phone.runtime.create(
      checked(Phone, { name: "SEP001E4AAABB02", model: "7971", protocol: "SIP", lines: [{ index: 1, pattern: "+14085552003" }], connection }),
    );
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAABB02"))?.sipProfileName).toBe("Standard SIP Profile");

    // B8 on line 1 of the SCCP phone.
    const limitInputs = checked(CallPerLineLimit, { phoneName: "SEP001E4AAABB01", lineIndex: 1, maxNumCalls: 6, busyTrigger: 3, connection });
    const before = (await axl.get(axl.adapter.phone, "SEP001E4AAABB01"))!.lines[0]!;
    const limit = await CallPerLineLimit.runtime.create(limitInputs);
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAABB01"))!.lines[0]).toMatchObject({ maxNumCalls: 6, busyTrigger: 3 });
    expect(limit.outs).toMatchObject({ previousMaxNumCalls: before.maxNumCalls ?? null });

    // A phone update keeps the limits CallPerLineLimit owns.
    const phoneNews = { ...sccp, description: "Alice's 7975" };
    await Phone.runtime.update(phone.id, phone.outs, phoneNews);
    const after = (await axl.get(axl.adapter.phone, "SEP001E4AAABB01"))!;
    expect(after.description).toBe("Alice's 7975");
    expect(after.lines[0]).toMatchObject({ maxNumCalls: 6, busyTrigger: 3 });

    // Out-of-band change of the limit shows as drift on exactly that field.
    const limitRead = await CallPerLineLimit.runtime.read(limit.id, limit.outs);
    expect(CallPerLineLimit.runtime.changedFields(limitRead.props!, { ...limitInputs, busyTrigger: 2 })).toEqual(["busyTrigger"]);
    const limitUpdated = await CallPerLineLimit.runtime.update(limit.id, limit.outs, { ...limitInputs, maxNumCalls: 8, busyTrigger: 4 });
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAABB01"))!.lines[0]).toMatchObject({ maxNumCalls: 8, busyTrigger: 4 });
    await CallPerLineLimit.runtime.delete(limit.id, limitUpdated.outs);
    const restored = (await axl.get(axl.adapter.phone, "SEP001E4AAABB01"))!.lines[0]!;
    expect([restored.maxNumCalls, restored.busyTrigger]).toEqual([before.maxNumCalls, before.busyTrigger]);

    // Protocol change: replacement, deleted first because the name stays.
    const toSip = { ...phoneNews, protocol: "SIP" };
    const sipChecked = checked(Phone, { ...toSip, securityProfileName: undefined, phoneTemplateName: undefined });
    expect(Phone.runtime.diff(phone.id, phone.outs, sipChecked)).toEqual({ changes: true, replaces: ["protocol"], deleteBeforeReplace: true });

    // Drift: a line label edited over AXL behind rcclab's back.
    const current = (await axl.get(axl.adapter.phone, "SEP001E4AAABB02"))!;
    const { uuid: _u, ...spec } = current;
    for (const req of axl.adapter.phone.update(current, { ...spec, lines: [{ ...spec.lines[0]!, label: "changed by hand" }] })) await axl.execute(req);
    const drift = await Phone.runtime.read(sip.id, sip.outs);
    expect(Phone.runtime.changedFields(drift.props!, sip.outs)).toEqual(["lines"]);

    // Import by natural key.
    const imported = await Phone.runtime.read("SEP001E4AAABB01", { connection });
    expect(imported.inputs).toMatchObject({ name: "SEP001E4AAABB01", model: "7975", protocol: "SCCP" });

    await Phone.runtime.delete(sip.id, sip.outs);
    await Phone.runtime.delete(phone.id, phone.outs);
    expect(await axl.get(axl.adapter.phone, "SEP001E4AAABB01")).toBeUndefined();
  });

  it("B4: a 7931 is sent and kept in No Rollover outbound call rollover mode (CTI controls it only so); another value is drift, up repairs it", async () => {
    await Line.runtime.create(checked(Line, { pattern: "+14085552931", connection }));
    const inputs = checked(Phone, { name: "SEP001E4AAA7931", model: "7931", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085552931" }], connection });
    expect(inputs.outboundCallRollover).toBe("No Rollover");
    const created = await Phone.runtime.create(inputs);
    const add = sim.requests.filter((r) => r.operation === "addPhone").at(-1)!.body;
    expect(add).toContain("<outboundCallRollover>No Rollover</outboundCallRollover>");
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAA7931"))?.outboundCallRollover).toBe("No Rollover");
    expect(Phone.runtime.changedFields((await Phone.runtime.read(created.id, created.outs)).props!, inputs)).toEqual([]);

    // Someone sets the phone to roll over; refresh shows it; up puts No Rollover back.
    const live = (await axl.get(axl.adapter.phone, "SEP001E4AAA7931"))!;
    for (const req of axl.adapter.phone.update(live, { ...live, outboundCallRollover: "Rollover to any line" })) await axl.execute(req);
    const drift = await Phone.runtime.read(created.id, created.outs);
    expect(drift.props!.outboundCallRollover).toBe("Rollover to any line");
    expect(Phone.runtime.changedFields(drift.props!, inputs)).toEqual(["outboundCallRollover"]);
    expect(Phone.runtime.diff(created.id, drift.props! as never, inputs)).toMatchObject({ changes: true, replaces: [] });
    const repaired = await Phone.runtime.update(created.id, drift.props! as never, inputs);
    expect(sim.requests.filter((r) => r.operation === "updatePhone").at(-1)!.body).toContain("<outboundCallRollover>No Rollover</outboundCallRollover>");
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAA7931"))?.outboundCallRollover).toBe("No Rollover");
    expect(Phone.runtime.changedFields((await Phone.runtime.read(created.id, repaired.outs)).props!, inputs)).toEqual([]);

    // Import reports it; a stack cannot ask a 7931 for another mode; other models are left alone unless given.
    expect((await Phone.runtime.read("SEP001E4AAA7931", { connection })).inputs).toMatchObject({ model: "7931", outboundCallRollover: "No Rollover" });
    const refused = Phone.runtime.check({}, { ...inputs, outboundCallRollover: "Rollover Within Same DN" });
    expect(refused.failures.map((f) => [f.property, f.reason])).toEqual([["outboundCallRollover", 'CTI (and so RCC) controls a 7931 only in "No Rollover" mode']]);
    const other = checked(Phone, { name: "SEP001E4AAA7975", model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085552931" }], connection });
    expect(other.outboundCallRollover).toBeUndefined();
    const otherPhone = await Phone.runtime.create(other);
    expect(sim.requests.filter((r) => r.operation === "addPhone").at(-1)!.body).not.toContain("outboundCallRollover");
    expect((await Phone.runtime.read(otherPhone.id, otherPhone.outs)).props!.outboundCallRollover).toBeUndefined();
    await Phone.runtime.delete(otherPhone.id, otherPhone.outs);
    await Phone.runtime.delete(created.id, repaired.outs);
  });

  it("B4: config errors name the field before any call", () => {
    const r = Phone.runtime.check({}, { name: "SEP1234", model: "7931", protocol: "SIP", lines: [{ index: 1, pattern: "+1 408" }, { index: 1, pattern: "1001" }], connection });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["lines[0].pattern", "lines[1].index", "name", "protocol"]);
    expect(r.failures.find((f) => f.property === "protocol")!.reason).toContain("7931 does not support SIP");
  });

  it("B4: duplicate names and missing references come back as typed faults", async () => {
    await Line.runtime.create(checked(Line, { pattern: "+14085553001", connection }));
    const inputs = checked(Phone, { name: "SEP001E4AAABB03", model: "7970", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085553001" }], connection });
    const created = await Phone.runtime.create(inputs);
    const dup = await failure(Phone.runtime.create(inputs));
    expect(dup.code).toBe("AlreadyExists");
    const missing = await failure(Phone.runtime.create(checked(Phone, { ...inputs, name: "SEP001E4AAABB04", devicePoolName: "DP_Missing" })));
    expect(missing.code).toBe("InvalidRequest");
    expect(missing.message).toContain("DP_Missing");
    await Phone.runtime.delete(created.id, created.outs);
  });

  it("B2: the SIP trunk to CUP", async () => {
    const inputs = checked(SipTrunk, { name: "CUP-Trunk", description: "to CUP", destinationAddress: "cup.lab.example.com", destinationPort: 5060, connection });
    const created = await SipTrunk.runtime.create(inputs);
    expect(await axl.get(axl.adapter.sipTrunk, "CUP-Trunk")).toMatchObject({ destinationAddress: "cup.lab.example.com", destinationPort: 5060, securityProfileName: "Non Secure SIP Trunk Profile" });
    const updated = await SipTrunk.runtime.update(created.id, created.outs, { ...inputs, destinationPort: 5070 });
    expect((await axl.get(axl.adapter.sipTrunk, "CUP-Trunk"))?.destinationPort).toBe(5070);
    const read = await SipTrunk.runtime.read(created.id, updated.outs);
    expect(SipTrunk.runtime.changedFields(read.props!, { ...inputs, destinationPort: 5070 })).toEqual([]);
    const imported = await SipTrunk.runtime.read("CUP-Trunk", { connection });
    expect(imported.inputs).toMatchObject({ name: "CUP-Trunk", destinationAddress: "cup.lab.example.com", destinationPort: 5070, devicePoolName: "Default" });
    expect(SipTrunk.runtime.diff(created.id, updated.outs, { ...inputs, name: "CUP-Trunk-2" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    await SipTrunk.runtime.delete(created.id, updated.outs);
    expect(await axl.get(axl.adapter.sipTrunk, "CUP-Trunk")).toBeUndefined();
  });

  it("B3: the CTI application user: groups and devices reconciled, password secret", async () => {
    await Line.runtime.create(checked(Line, { pattern: "+14085554001", connection }));
    for (const n of ["SEP001E4AAABB11", "SEP001E4AAABB12"]) {
      await Phone.runtime.create(checked(Phone, { name: n, model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085554001" }], connection }));
    }
    const inputs = checked(AppUser, {
      userid: "rcc-cti",
      password: "Cti-S3cret!",
      associatedDevices: ["SEP001E4AAABB12", "SEP001E4AAABB11"],
      userGroups: ["Standard CTI Enabled", "Standard CTI Allow Control of All Devices"],
      connection,
    });
    const created = await AppUser.runtime.create(inputs);
    const live = await axl.get(axl.adapter.appUser, "rcc-cti");
    expect([...live!.associatedDevices].sort()).toEqual(["SEP001E4AAABB11", "SEP001E4AAABB12"]);
    expect([...live!.userGroups].sort()).toEqual(["Standard CTI Allow Control of All Devices", "Standard CTI Enabled"]);

    const news = { ...inputs, associatedDevices: ["SEP001E4AAABB11"], userGroups: ["Standard CTI Enabled"] };
    const updated = await AppUser.runtime.update(created.id, created.outs, news);
    const after = await axl.get(axl.adapter.appUser, "rcc-cti");
    expect(after!.associatedDevices).toEqual(["SEP001E4AAABB11"]);
    expect(after!.userGroups).toEqual(["Standard CTI Enabled"]);

    const read = await AppUser.runtime.read(created.id, updated.outs);
    expect(read.props!.password).toBe("Cti-S3cret!"); // kept from state: CUCM never returns it
    expect(AppUser.runtime.changedFields(read.props!, news)).toEqual([]);
    expect(AppUser.runtime.diff(created.id, updated.outs, { ...news, password: "New-S3cret!" })).toMatchObject({ changes: true, replaces: [] });

    const dup = await failure(AppUser.runtime.create(inputs));
    expect(dup.message).not.toContain("Cti-S3cret!");
    expect(dup.message).not.toContain(PASSWORD);

    const badDevice = await failure(AppUser.runtime.update(created.id, updated.outs, { ...news, associatedDevices: ["SEP00000000DEAD"] }));
    expect(badDevice.message).toContain("SEP00000000DEAD");

    // Import: everything but the write-only password comes from CUCM; the first up then sets it.
    const imported = await AppUser.runtime.read("rcc-cti", { connection });
    expect(imported.inputs).toMatchObject({ userid: "rcc-cti", associatedDevices: ["SEP001E4AAABB11"], userGroups: ["Standard CTI Enabled"] });
    expect(AppUser.runtime.changedFields(imported.props!, news)).toEqual(["password"]);

    await AppUser.runtime.delete(created.id, updated.outs);
    expect(await axl.get(axl.adapter.appUser, "rcc-cti")).toBeUndefined();
  });

  it("retries HTTP 503 throttling with backoff", async () => {
    sim.inject({ kind: "503", times: 2 });
    const before = sent("addLine");
    const created = await Line.runtime.create(checked(Line, { pattern: "+14085555001", connection }));
    expect(created.id).toBe("\\+14085555001");
    expect(sent("addLine") - before).toBe(1); // the two 503s were refused before processing
  });

  it("an add whose response was lost is not sent again (no duplicate)", async () => {
    sim.inject({ kind: "reset-after", operation: "addLine", times: 1 });
    const before = sent("addLine");
    const created = await Line.runtime.create(checked(Line, { pattern: "+14085555002", connection }));
    expect(created.outs.uuid).toBeTruthy();
    expect(sent("addLine") - before).toBe(1);
    const rows = await axl.sql<{ dnorpattern: string }>("select dnorpattern from numplan where dnorpattern = '\\+14085555002'");
    expect(rows).toHaveLength(1);
  });

  it("retries a connection reset before processing", async () => {
    sim.inject({ kind: "reset-before", times: 1 });
    const created = await Line.runtime.create(checked(Line, { pattern: "+14085555003", connection }));
    expect(created.id).toBe("\\+14085555003");
  });

  it("does not retry bad credentials, and never shows the password", async () => {
    const before = sim.requests.length;
    const err = await failure(Line.runtime.create(checked(Line, { pattern: "+14085555004", connection: { ...connection, password: "wrong-Pa55" } })));
    expect(err.code).toBe("Unauthorized");
    expect(err.message).not.toContain("wrong-Pa55");
    expect(sim.requests.length - before).toBeLessThanOrEqual(1);
  });

  it("verifies TLS: an unknown CA is refused, a pinned fingerprint is accepted, a wrong pin refused", async () => {
    const noCa = await failure(Line.runtime.create(checked(Line, { pattern: "+14085555005", connection: { ...connection, tls: {} } })));
    expect(noCa.code).toBe("Tls");
    const pinned = await Line.runtime.create(checked(Line, { pattern: "+14085555006", connection: { ...connection, tls: { fingerprint256: sim.fingerprint256 } } }));
    expect(pinned.id).toBe("\\+14085555006");
    const wrongPin = "AA:" + sim.fingerprint256.slice(3);
    const bad = await failure(Line.runtime.create(checked(Line, { pattern: "+14085555007", connection: { ...connection, tls: { fingerprint256: wrongPin === sim.fingerprint256 ? "BB:" + sim.fingerprint256.slice(3) : wrongPin } } })));
    expect(bad.code).toBe("Tls");
  });

  it("every request the client sent validates against Cisco's AXL schema", () => {
    // The B1 test sent one request in another release's namespace on purpose.
    const bodies = sim.requests.filter((r) => r.soapAction?.includes(`ver=${release} `)).map((r) => r.envelope);
    expect(bodies.length).toBeGreaterThan(20);
    expect(validateAxlRequests(release, bodies)).toEqual([]);
  });
});
