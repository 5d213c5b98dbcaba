/**
 * The rest of the guide's CUCM steps (B5–B7, B9, B11) against the CUCM simulator over HTTPS, in AXL
 * 7.0 (where dial rules and IP phone services go through SQL) and 14.0: create / read / update /
 * replace / delete / import, drift, secrets, SQL escaping, and every request validated against
 * Cisco's schema at the end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxlClient, type AxlConnection } from "../providers/cucm/axl/client";
import type { AxlRelease } from "../providers/cucm/axl/model";
import { DeviceProfile } from "../providers/cucm/deviceProfile";
import { ApplicationDialRule } from "../providers/cucm/dialRule";
import { EndUser } from "../providers/cucm/endUser";
import { IpPhoneService, emServiceUrl } from "../providers/cucm/ipPhoneService";
import { LicenseCapabilities } from "../providers/cucm/licenseCapabilities";
import { Line } from "../providers/cucm/line";
import { MeetMe } from "../providers/cucm/meetMe";
import { Phone } from "../providers/cucm/phone";
import { ServiceActivation } from "../providers/cucm/serviceActivation";
import { startCucmSim } from "../src/labsim/cucm";
import { startCucmPlatform } from "../src/labsim/cucm-platform";
import { validateAxlRequests } from "./support/axl-schema";
import { checked, failure, quiet } from "./support/kinds";


describe.each(["7.0", "14.0"] as AxlRelease[])("CUCM kinds B5–B11 over AXL %s", (release) => {
  let sim: Awaited<ReturnType<typeof startCucmSim>>;
  let platform: Awaited<ReturnType<typeof startCucmPlatform>>;
  let connection: AxlConnection;
  let axl: AxlClient;

  beforeAll(async () => {
    sim = await startCucmSim({ release, caDir: fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-b-")), users: { axl: "Axl-Pa55" } });
    connection = {
      host: "127.0.0.1", port: sim.port, username: "axl", password: "Axl-Pa55", release,
      tls: { caPem: sim.caPem, insecureSkipVerify: false }, timeoutMs: 5_000, retries: 2, minRetryDelayMs: 5, maxRetryDelayMs: 20,
    };
    axl = new AxlClient(connection, quiet);
    platform = await startCucmPlatform({ sim, sshPort: false, serverNames: ["127.0.0.1"] });
    for (const p of ["+14085557001", "+14085557002"]) await Line.runtime.create(checked(Line, { pattern: p, connection }));
  });
  afterAll(async () => {
    await platform?.stop();
    await sim?.stop();
  });

  it("B11 step 1: activates Cisco Extension Mobility; a deactivation by hand reads as gone; delete undoes only its own activation", async () => {
    const svc = axl.serviceability();
    expect((await svc.status("Cisco Extension Mobility")).activated).toBe(false);
    const input = checked(ServiceActivation, { service: "Cisco Extension Mobility", node: "127.0.0.1", connection });
    const act = await ServiceActivation.runtime.create(input);
    expect(act.id).toBe("127.0.0.1/Cisco Extension Mobility");
    expect(act.outs).toMatchObject({ activatedByRcclab: true });
    expect((await svc.status("Cisco Extension Mobility")).activated).toBe(true);
    expect((await ServiceActivation.runtime.read(act.id, act.outs)).id).toBe(act.id);

    await svc.deploy("127.0.0.1", "Cisco Extension Mobility", false); // an admin deactivates it
    expect(await ServiceActivation.runtime.read(act.id, act.outs)).toEqual({});
    const again = await ServiceActivation.runtime.create(input);
    await ServiceActivation.runtime.delete(again.id, again.outs);
    expect((await svc.status("Cisco Extension Mobility")).activated).toBe(false);

    // Active before rcclab: adopted, and left active on delete.
    await svc.deploy("127.0.0.1", "Cisco Extension Mobility", true);
    const adopted = await ServiceActivation.runtime.create(input);
    expect(adopted.outs).toMatchObject({ activatedByRcclab: false });
    await ServiceActivation.runtime.delete(adopted.id, adopted.outs);
    expect((await svc.status("Cisco Extension Mobility")).activated).toBe(true);
    await svc.deploy("127.0.0.1", "Cisco Extension Mobility", false);
  });

  it("B11: the EM IP phone service, a device profile subscribed to it, a phone subscribed to it", async () => {
    const svcIn = checked(IpPhoneService, { name: "Extension Mobility", url: emServiceUrl("cucm.lab.example.com"), connection });
    const svc = await IpPhoneService.runtime.create(svcIn);
    expect(await axl.get(axl.adapter.ipPhoneService, "Extension Mobility")).toMatchObject({ url: emServiceUrl("cucm.lab.example.com"), enabled: true });
    const svcUp = await IpPhoneService.runtime.update(svc.id, svc.outs, { ...svcIn, description: "EM for the lab" });
    expect((await IpPhoneService.runtime.read("Extension Mobility", { connection })).inputs).toMatchObject({ name: "Extension Mobility", description: "EM for the lab" });
    const svcRead = await IpPhoneService.runtime.read(svc.id, svcUp.outs);
    expect(IpPhoneService.runtime.changedFields(svcRead.props!, { ...svcIn, description: "EM for the lab" })).toEqual([]);

    const subs = [{ serviceName: "Extension Mobility", name: "Extension Mobility" }];
    const profIn = checked(DeviceProfile, { name: "EM-alice-7975", model: "7975", protocol: "SCCP", lines: [{ index: 1, pattern: "+14085557001", label: "Alice" }], services: subs, connection });
    const prof = await DeviceProfile.runtime.create(profIn);
    const live = await axl.get(axl.adapter.deviceProfile, "EM-alice-7975");
    expect(live).toMatchObject({ product: "Cisco 7975", protocol: "SCCP", services: [expect.objectContaining({ serviceName: "Extension Mobility" })] });
    expect(live!.lines[0]!.dirn.pattern).toBe("\\+14085557001");
    expect(DeviceProfile.runtime.diff(prof.id, prof.outs, { ...profIn, protocol: "SIP" })).toEqual({ changes: true, replaces: ["protocol"], deleteBeforeReplace: true });
    const refreshed = await DeviceProfile.runtime.read(prof.id, prof.outs);
    expect(DeviceProfile.runtime.changedFields(refreshed.props!, profIn)).toEqual([]);
    const imported = await DeviceProfile.runtime.read("EM-alice-7975", { connection });
    expect(imported.inputs).toMatchObject({ name: "EM-alice-7975", model: "7975", protocol: "SCCP" });

    const phoneIn = checked(Phone, { name: "SEP001E4AAACC01", model: "7975", protocol: "SCCP", enableExtensionMobility: true, lines: [{ index: 1, pattern: "+14085557001" }], services: subs, connection });
    const phone = await Phone.runtime.create(phoneIn);
    expect(await axl.get(axl.adapter.phone, "SEP001E4AAACC01")).toMatchObject({ enableExtensionMobility: true, services: [expect.objectContaining({ serviceName: "Extension Mobility" })] });

    // A subscribed service cannot go first.
    const inUse = await failure(IpPhoneService.runtime.delete(svc.id, svcUp.outs));
    expect(inUse.message).toMatch(/Extension Mobility|referenced|subscri/i);

    await Phone.runtime.delete(phone.id, phone.outs);
    await DeviceProfile.runtime.delete(prof.id, prof.outs);
    await IpPhoneService.runtime.delete(svc.id, svcUp.outs);
    expect(await axl.get(axl.adapter.ipPhoneService, "Extension Mobility")).toBeUndefined();
  });

  it("B5, B6: an end user with devices, groups, controlled profiles and secrets; licences restored on delete", async () => {
    await Phone.runtime.create(checked(Phone, { name: "SEP001E4AAACC02", model: "7970", protocol: "SIP", lines: [{ index: 1, pattern: "+14085557002" }], connection }));
    const userIn = checked(EndUser, {
      userid: "bob", firstName: "Bob", lastName: "Jones", telephoneNumber: "+14085557002", password: "Bob-S3cret", pin: "12345",
      associatedDevices: ["SEP001E4AAACC02"], primaryExtension: { pattern: "+14085557002" }, userGroups: ["Standard CTI Enabled", "Standard CCM End Users"], connection,
    });
    const user = await EndUser.runtime.create(userIn);
    const live = await axl.get(axl.adapter.endUser, "bob");
    expect(live).toMatchObject({ lastName: "Jones", telephoneNumber: "+14085557002", associatedDevices: ["SEP001E4AAACC02"] });
    expect([...live!.userGroups].sort()).toEqual(["Standard CCM End Users", "Standard CTI Enabled"]);
    expect(live!.password).toBeUndefined();

    const lic = await LicenseCapabilities.runtime.create(checked(LicenseCapabilities, { userid: "bob", connection }));
    expect(await axl.get(axl.adapter.licenses, "bob")).toMatchObject({ enableUps: true });
    // An end-user update leaves the licences alone.
    const userUp = await EndUser.runtime.update(user.id, user.outs, { ...userIn, userGroups: ["Standard CTI Enabled"] });
    expect((await axl.get(axl.adapter.endUser, "bob"))!.userGroups).toEqual(["Standard CTI Enabled"]);
    expect(await axl.get(axl.adapter.licenses, "bob")).toMatchObject({ enableUps: true });

    const read = await EndUser.runtime.read(user.id, userUp.outs);
    expect(read.props).toMatchObject({ password: "Bob-S3cret", pin: "12345" });
    expect(EndUser.runtime.changedFields(read.props!, { ...userIn, userGroups: ["Standard CTI Enabled"] })).toEqual([]);
    const dup = await failure(EndUser.runtime.create(userIn));
    expect(dup.message).not.toMatch(/Bob-S3cret|12345/);

    // Import by userid.
    expect((await EndUser.runtime.read("bob", { connection })).inputs).toMatchObject({ userid: "bob", lastName: "Jones", associatedDevices: ["SEP001E4AAACC02"] });
    expect((await LicenseCapabilities.runtime.read("bob", { connection })).inputs).toMatchObject({ userid: "bob", enableUps: true });

    await LicenseCapabilities.runtime.delete(lic.id, lic.outs);
    expect(await axl.get(axl.adapter.licenses, "bob")).toMatchObject({ enableUps: false, enableUpc: false });
    await EndUser.runtime.delete(user.id, userUp.outs);
    expect(await axl.get(axl.adapter.endUser, "bob")).toBeUndefined();
  });

  it("B7: a Meet-Me number", async () => {
    const input = checked(MeetMe, { pattern: "+14085559000", description: "Meet-Me", connection });
    const mm = await MeetMe.runtime.create(input);
    expect(mm.id).toBe("\\+14085559000");
    expect(await axl.get(axl.adapter.meetMe, { pattern: "\\+14085559000" })).toMatchObject({ description: "Meet-Me", minimumSecurityLevel: "Non Secure" });
    expect((await MeetMe.runtime.read("\\+14085559000", { connection })).inputs).toMatchObject({ pattern: "\\+14085559000", description: "Meet-Me" });
    const up = await MeetMe.runtime.update(mm.id, mm.outs, { ...input, minimumSecurityLevel: "Authenticated" });
    expect((await axl.get(axl.adapter.meetMe, { pattern: "\\+14085559000" }))!.minimumSecurityLevel).toBe("Authenticated");
    await MeetMe.runtime.delete(mm.id, up.outs);
    expect(await axl.get(axl.adapter.meetMe, { pattern: "\\+14085559000" })).toBeUndefined();
  });

  it("B9: an application dial rule, values with quotes and semicolons stored exactly", async () => {
    const tricky = "O'Brien's rule; DROP TABLE device --";
    const input = checked(ApplicationDialRule, { name: "E164-NANP", description: tricky, numberBeginsWith: "1", numberOfDigits: 11, digitsToBeRemoved: 0, prefixPattern: "+", connection });
    const rule = await ApplicationDialRule.runtime.create(input);
    expect(await axl.get(axl.adapter.dialRule, "E164-NANP")).toMatchObject({ description: tricky, numberOfDigits: 11, prefixPattern: "+" });
    expect((await axl.sql<{ name: string }>("select name from device")).length).toBeGreaterThan(0); // nothing dropped
    const up = await ApplicationDialRule.runtime.update(rule.id, rule.outs, { ...input, digitsToBeRemoved: 1, prefixPattern: "+1" });
    const read = await ApplicationDialRule.runtime.read(rule.id, up.outs);
    expect(read.props).toMatchObject({ digitsToBeRemoved: 1, prefixPattern: "+1", description: tricky });
    expect((await ApplicationDialRule.runtime.read("E164-NANP", { connection })).inputs).toMatchObject({ name: "E164-NANP", numberOfDigits: 11, description: tricky });
    const bad = ApplicationDialRule.runtime.check({}, { name: "x", numberBeginsWith: "1';--", numberOfDigits: 3, digitsToBeRemoved: 4, connection });
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["digitsToBeRemoved", "numberBeginsWith"]);
    await ApplicationDialRule.runtime.delete(rule.id, up.outs);
    expect(await axl.get(axl.adapter.dialRule, "E164-NANP")).toBeUndefined();
    await ApplicationDialRule.runtime.delete(rule.id, up.outs); // already gone
  });

  it("every request the client sent validates against Cisco's AXL schema", () => {
    const bodies = sim.requests.filter((r) => r.soapAction?.includes(`ver=${release} `)).map((r) => r.envelope);
    expect(bodies.length).toBeGreaterThan(20);
    expect(validateAxlRequests(release, bodies)).toEqual([]);
  });
});
