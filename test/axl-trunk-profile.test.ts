/**
 * B2: the SIP trunk security profile for the trunk to CUP (a copy of the stock "Non Secure SIP Trunk
 * Profile" accepting presence subscription, out-of-dialog REFER, unsolicited notification and the
 * Replaces header), through the SipTrunkSecurityProfile kind against the simulator over HTTPS, in
 * AXL 7.0 (…SIPTrunkSecurityProfile) and 14.0 (…SipTrunkSecurityProfile): create, read, update,
 * drift, import, delete; the stock profile; unique names; a trunk naming it (and one naming a profile
 * that does not exist); a profile in use cannot be removed. Every request is validated against
 * Cisco's schema at the end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { SipTrunk } from "../providers/cucm/sipTrunk";
import { SipTrunkSecurityProfile } from "../providers/cucm/sipTrunkSecurityProfile";
import { type CucmSim, startCucmSim } from "../src/labsim/cucm";
import { validateAxlRequests } from "./support/axl-schema";
import { checked, failure, quiet } from "./support/kinds";

const PROFILE = "CUP Non Secure SIP Trunk Profile";

describe.each(["7.0", "14.0"] as AxlRelease[])("SIP trunk security profile over AXL %s", (release) => {
  let sim: CucmSim;
  let connection: AxlConnection;
  let axl: AxlClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rcclab-tsp-${release}-`));
  const op = (verb: string) => `${verb}${release === "7.0" ? "SIPTrunkSecurityProfile" : "SipTrunkSecurityProfile"}`;

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: path.join(dir, "ca"), users: { axl: "Tsp-Pa55" } });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Tsp-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    axl = new AxlClient(connection, quiet);
  });
  afterAll(async () => {
    axl?.close();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a fresh CUCM has the stock Non Secure SIP Trunk Profile: non-secure, TCP out, nothing accepted", async () => {
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, "Non Secure SIP Trunk Profile")).toMatchObject({
      securityMode: "Non Secure",
      incomingTransport: "TCP+UDP",
      outgoingTransport: "TCP",
      incomingPort: 5060,
      acceptPresenceSubscription: false,
      acceptOutOfDialogRefer: false,
      acceptUnsolicitedNotification: false,
      allowReplaceHeader: false,
    });
    const stock = await failure(axl.remove(axl.adapter.sipTrunkSecurityProfile, "Non Secure SIP Trunk Profile"));
    expect(stock.code).toBe("InvalidRequest");
    expect(stock.message).toMatch(/cannot be deleted/);
  });

  it("create (a copy of the stock profile accepting what CUP needs), read, update, drift, import, delete", async () => {
    const inputs = checked(SipTrunkSecurityProfile, { name: PROFILE, description: "Non Secure SIP Trunk Profile for CUP", connection });
    expect(inputs).toMatchObject({
      securityMode: "Non Secure",
      incomingTransport: "TCP+UDP",
      outgoingTransport: "TCP",
      incomingPort: 5060,
      acceptPresenceSubscription: true,
      acceptOutOfDialogRefer: true,
      acceptUnsolicitedNotification: true,
      allowReplaceHeader: true,
    });
    const created = await SipTrunkSecurityProfile.runtime.create(inputs);
    expect(created.id).toBe(PROFILE);
    expect(created.outs.uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    const sent = sim.requests.filter((r) => r.operation === op("add")).at(-1)!.body;
    for (const flag of ["acceptPresenceSubscription", "acceptOutOfDialogRefer", "acceptUnsolicitedNotification", "allowReplaceHeader"]) {
      expect(sent).toContain(`<${flag}>true</${flag}>`);
    }
    expect(sent).toContain("<outgoingTransport>TCP</outgoingTransport>");
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, PROFILE)).toMatchObject({ acceptPresenceSubscription: true, allowReplaceHeader: true, outgoingTransport: "TCP" });

    const read = await SipTrunkSecurityProfile.runtime.read(created.id, created.outs);
    expect(SipTrunkSecurityProfile.runtime.changedFields(read.props!, inputs)).toEqual([]);

    const news = { ...inputs, description: "to CUP", incomingTransport: "TCP" };
    expect(SipTrunkSecurityProfile.runtime.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await SipTrunkSecurityProfile.runtime.update(created.id, created.outs, news);
    expect(updated.outs.uuid).toBe(created.outs.uuid);
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, PROFILE)).toMatchObject({ description: "to CUP", incomingTransport: "TCP", acceptOutOfDialogRefer: true });
    expect(SipTrunkSecurityProfile.runtime.diff(created.id, updated.outs, { ...news, name: "Other" }).replaces).toEqual(["name"]);

    // Drift: the Replaces header turned off and the mode made secure by hand; up puts both back.
    const live = (await axl.get(axl.adapter.sipTrunkSecurityProfile, PROFILE))!;
    for (const req of axl.adapter.sipTrunkSecurityProfile.update(live, { ...live, allowReplaceHeader: false, securityMode: "Authenticated", outgoingTransport: "TLS" })) await axl.execute(req);
    const drift = await SipTrunkSecurityProfile.runtime.read(created.id, updated.outs);
    expect(SipTrunkSecurityProfile.runtime.changedFields(drift.props!, news).sort()).toEqual(["allowReplaceHeader", "outgoingTransport", "securityMode"]);
    const repaired = await SipTrunkSecurityProfile.runtime.update(created.id, drift.props! as never, news);
    expect(SipTrunkSecurityProfile.runtime.changedFields((await SipTrunkSecurityProfile.runtime.read(created.id, repaired.outs)).props!, news)).toEqual([]);

    const imported = await SipTrunkSecurityProfile.runtime.read(PROFILE, { connection });
    expect(imported.inputs).toMatchObject({ name: PROFILE, description: "to CUP", incomingTransport: "TCP", outgoingTransport: "TCP", acceptPresenceSubscription: true });

    await SipTrunkSecurityProfile.runtime.delete(created.id, repaired.outs);
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, PROFILE)).toBeUndefined();
    await SipTrunkSecurityProfile.runtime.delete(created.id, repaired.outs); // already gone: not an error
    expect(await SipTrunkSecurityProfile.runtime.read(created.id, repaired.outs)).toEqual({});
  });

  it("refuses a duplicate name (-239), a name a phone security profile has, and bad values before any call", async () => {
    const inputs = checked(SipTrunkSecurityProfile, { name: "Dup Profile", connection });
    const created = await SipTrunkSecurityProfile.runtime.create(inputs);
    const dup = await failure(SipTrunkSecurityProfile.runtime.create(inputs));
    expect([dup.code, (dup as { systemCode?: number }).systemCode]).toEqual(["AlreadyExists", -239]);
    const phoneProfile = await failure(SipTrunkSecurityProfile.runtime.create(checked(SipTrunkSecurityProfile, { name: "Cisco 7975 - Standard SCCP Non-Secure Profile", connection })));
    expect(phoneProfile.code).toBe("AlreadyExists");
    await SipTrunkSecurityProfile.runtime.delete(created.id, created.outs);
    const bad = SipTrunkSecurityProfile.runtime.check({}, { name: "x", outgoingTransport: "TLS", securityMode: "Encrypted", incomingPort: 80, connection });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["incomingPort", "outgoingTransport", "securityMode"]);
  });

  it("the trunk to CUP names it; a trunk naming a profile that does not exist is refused; a profile in use stays", async () => {
    const profile = await SipTrunkSecurityProfile.runtime.create(checked(SipTrunkSecurityProfile, { name: PROFILE, connection }));
    const trunkIn = checked(SipTrunk, { name: "CUP-SIP-Trunk", securityProfileName: PROFILE, destinationAddress: "cup.lab.example.com", connection });
    const trunk = await SipTrunk.runtime.create(trunkIn);
    expect((await axl.get(axl.adapter.sipTrunk, "CUP-SIP-Trunk"))?.securityProfileName).toBe(PROFILE);

    const missing = await failure(SipTrunk.runtime.create(checked(SipTrunk, { ...trunkIn, name: "CUP-SIP-Trunk-2", securityProfileName: "No Such Profile" })));
    expect(missing.code).toBe("InvalidRequest");
    expect(missing.message).toMatch(/SIP Trunk Security Profile \(No Such Profile\)/);
    const inUse = await failure(SipTrunkSecurityProfile.runtime.delete(profile.id, profile.outs));
    expect((inUse as { systemCode?: number }).systemCode).toBe(-692);
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, PROFILE)).toBeDefined();

    // Back to the stock profile, then the profile can go.
    await SipTrunk.runtime.update(trunk.id, trunk.outs, { ...trunkIn, securityProfileName: "Non Secure SIP Trunk Profile" });
    await SipTrunkSecurityProfile.runtime.delete(profile.id, profile.outs);
    await SipTrunk.runtime.delete(trunk.id, trunk.outs);
  });

  it("every request rcclab sent validates against Cisco's AXL schema", () => {
    const bodies = sim.requests.filter((r) => r.soapAction?.includes(`ver=${release} `)).map((r) => r.envelope);
    expect(bodies.filter((b) => b.includes("TrunkSecurityProfile")).length).toBeGreaterThan(10);
    expect(validateAxlRequests(release, bodies)).toEqual([]);
  });
});
