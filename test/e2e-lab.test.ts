/**
 * End to end, as a user runs it: the embedded lab, the real `rcclab` CLI (compiled), the local
 * engine, Pulumi's provider host. Everything is asserted through the simulators' own protocols
 * (AXL), never through internal objects:
 * up from empty builds the lab; a second up changes nothing; a change made behind rcclab's back
 * makes `drift` exit 2 naming the resource and field; up repairs it; destroy leaves only what the
 * lab was seeded with (pre-existing objects untouched); rebuild works twice in a row.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdClient, first } from "../providers/ad/client";
import type { AxlClient } from "../providers/cucm/axl/client";
import { CTI_GATEWAY_PROFILE as UC_CTI_GATEWAY_PROFILE, INCOMING_ACL, OUTGOING_ACL } from "../providers/cup/catalog";
import type { CupClient } from "../providers/cup/client";
import { remove, select } from "../providers/cup/sql";
import type { DnsClient } from "../providers/dns/client";
import type { OcsClient } from "../providers/ocs/client";
import { loadStackConfig, writeStackConfig } from "../src/engine/stackConfig";
import { LAB, type Lab } from "../src/labsim/lab";
import { PASSPHRASE, SECRETS, runCli, startTestLab, type TestLab } from "./support/lab";
import { type Snapshot, labClients } from "./support/snapshot";

const root = path.resolve(__dirname, "..");

// The whole lab (A, B and C: about 75 resources) runs several times: generous per-test time.
describe("the lab end to end on the embedded simulators", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-e2e-"));
  let stacksDir: string;
  let lab: Lab;
  let axl: AxlClient;
  let ldap: AdClient;
  let dns: DnsClient;
  let ocs: OcsClient[];
  let cup: CupClient;
  let seeded: Snapshot;
  let snapshot: () => Promise<Snapshot>;
  let closeClients: () => Promise<void>;

  let stateDir: string;
  let rcclab: TestLab["rcclab"];

  beforeAll(async () => {
    const t = await startTestLab(tmp);
    ({ lab, stateDir, rcclab } = t);
    stacksDir = t.stacksDir;
    ({ ldap, dns, ocs, cup, axl, snapshot, close: closeClients } = labClients(lab));
    seeded = await snapshot();
  });
  afterAll(async () => {
    await closeClients?.();
    await lab?.stop();
  });

  it("validate checks the config without touching any system", async () => {
    const before = lab.cucm.requests.length;
    const r = await rcclab("validate");
    expect(r.code, r.err).toBe(0);
    expect(lab.cucm.requests.length).toBe(before);
  });

  it("up from empty builds A, B and C: DNS, OCS, AD; CUCM trunk, phones, users, EM; CUP incoming and outgoing ACLs, desk phone control", async () => {
    const r = await rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain("+ create rcclab:cucm:Phone cucm-phone-SEP001E4AAABB01");

    const now = await snapshot();
    expect(now.devices).toEqual(
      // Phones, the trunk and the EM device profiles (device profiles are devices in CUCM's database).
      [...seeded.devices, "CUP-SIP-Trunk", "EM-asmith-7975", "EM-dlee-7970", "SEP001E4AAABB01", "SEP001E4AAABB02", "SEP001E4AAABB03", "SEP001E4AAABB04", "SEP001E4AAABB05"].sort(),
    );
    const trunk = await axl.get(axl.adapter.sipTrunk, "CUP-SIP-Trunk");
    expect(trunk).toMatchObject({ destinationAddress: "cup.lab.example.com", destinationPort: 5060, securityProfileName: "CUP Non Secure SIP Trunk Profile" });
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, "CUP Non Secure SIP Trunk Profile")).toMatchObject({
      securityMode: "Non Secure",
      outgoingTransport: "TCP",
      acceptPresenceSubscription: true,
      acceptOutOfDialogRefer: true,
      acceptUnsolicitedNotification: true,
      allowReplaceHeader: true,
    });
    const sip = await axl.get(axl.adapter.phone, "SEP001E4AAABB02");
    expect(sip).toMatchObject({ product: "Cisco 7971", protocol: "SIP" });
    expect(sip!.lines[0]).toMatchObject({ index: 1, dirn: { pattern: "\\+14085551002" }, maxNumCalls: 4, busyTrigger: 2 });
    const cti = await axl.get(axl.adapter.appUser, "rcc-cti");
    expect([...cti!.associatedDevices].sort()).toEqual(["SEP001E4AAABB01", "SEP001E4AAABB02", "SEP001E4AAABB03", "SEP001E4AAABB04", "SEP001E4AAABB05"]);
    expect([...cti!.userGroups].sort()).toEqual(["Standard CTI Allow Control of All Devices", "Standard CTI Enabled"]);

    // B5–B7, B9, B11.
    const alice = await axl.get(axl.adapter.endUser, "asmith");
    expect(alice).toMatchObject({ lastName: "Smith", telephoneNumber: "+14085551001", associatedDevices: ["SEP001E4AAABB01"], controlledProfiles: ["EM-asmith-7975"] });
    expect([...alice!.userGroups].sort()).toEqual(["Standard CCM End Users", "Standard CTI Enabled"]);
    expect(await axl.get(axl.adapter.licenses, "bjones")).toMatchObject({ enableUps: true, enableUpc: true });
    expect(await axl.get(axl.adapter.meetMe, { pattern: "\\+14085559000" })).toMatchObject({ description: "Meet-Me conference" });
    expect(await axl.get(axl.adapter.dialRule, "E164-NANP")).toMatchObject({ numberBeginsWith: "1", numberOfDigits: 11, prefixPattern: "+" });
    expect(await axl.get(axl.adapter.ipPhoneService, "Extension Mobility")).toMatchObject({ url: expect.stringContaining("/emapp/EMAppServlet") });
    expect(await axl.get(axl.adapter.deviceProfile, "EM-dlee-7970")).toMatchObject({ services: [expect.objectContaining({ serviceName: "Extension Mobility" })] });
    expect(await axl.get(axl.adapter.phone, "SEP001E4AAABB04")).toMatchObject({ enableExtensionMobility: true, services: [expect.objectContaining({ serviceName: "Extension Mobility" })] });
    expect((await axl.serviceability().status("Cisco Extension Mobility")).activated).toBe(true);
    // RCC runs over CTI: Cisco CTIManager activated on the publisher (the lab's one CTI node).
    expect((await axl.serviceability().status("Cisco CTIManager")).activated).toBe(true);
    // The 7931G takes one call per line, whatever the lab-wide limit (4 / 2) says.
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAABB03"))!.lines[0]).toMatchObject({ maxNumCalls: 1, busyTrigger: 1 });

    // A2 went over WinRM (WS-Management Create on each pool's front end), not SSH.
    for (const w of lab.ocsWinRm) expect(w.requests.filter((q) => /Create$/.test(q.action) && q.status === 200).length).toBeGreaterThanOrEqual(2);
    // A1–A3.
    expect((await dns.getRRset("lab.example.com", "cup.lab.example.com", "A"))?.records).toEqual(["127.0.0.1"]);
    expect((await dns.getRRset("lab.example.com", "_sipinternaltls._tcp.lab.example.com", "SRV"))?.records).toEqual(["0 0 5061 pool1.lab.example.com."]);
    expect((await dns.getRRset("0.0.127.in-addr.arpa", "11.0.0.127.in-addr.arpa", "PTR"))?.records).toEqual(["ocsfe1.lab.example.com."]);
    const aliceAd = (await ldap.findUser("asmith", ["msRTCSIP-Line", "msRTCSIP-LineServer", "msRTCSIP-PrimaryUserAddress", "msRTCSIP-OptionFlags", "msRTCSIP-PrimaryHomeServer"]))!;
    const attr = (n: string) => first(aliceAd, n);
    expect(attr("msRTCSIP-Line")).toBe("tel:+14085551001");
    expect(attr("msRTCSIP-LineServer")).toBe("sip:asmith@cup.lab.example.com");
    expect(attr("msRTCSIP-PrimaryUserAddress")).toBe("sip:asmith@lab.example.com");
    expect(Number(attr("msRTCSIP-OptionFlags")) & 16).toBe(16);
    expect(attr("msRTCSIP-PrimaryHomeServer")).toMatch(/^CN=LC Services,CN=Microsoft,CN=pool1,CN=Pools,CN=RTC Service,/i);
    for (const c of ocs) {
      expect(await c.getRoute("cup.lab.example.com")).toMatchObject({ nextHop: "127.0.0.1", port: 5060, transport: "TCP", enabled: true });
      expect(await c.getHost("127.0.0.1")).toMatchObject({ treatAsAuthenticated: true, throttleAsServer: true, outboundOnly: false });
    }

    // C1–C7, over CUP's AXL: incoming and outgoing ACL entries for the OCS front ends and pools (no
    // static route on CUP), desk phone control with B3's user and password (the local stack trusts the
    // assumed mapping, so the password is written).
    expect(r.out).toMatch(/CUP at cup\.lab\.example\.com \(7\.0[^)]*\): preflight passed/);
    const ocsSide = ["ocsfe1.lab.example.com", "ocsfe2.lab.example.com", "pool1.lab.example.com", "pool2.lab.example.com"];
    const acl = (await cup.query(select(INCOMING_ACL))).map((r) => String(r.address));
    expect(acl).toEqual(expect.arrayContaining(ocsSide));
    expect((await cup.query(select(OUTGOING_ACL))).map((r) => String(r.address)).sort()).toEqual(ocsSide);
    expect(lab.cup.rows("staticroute")).toEqual([]);
    const profile = (await cup.query(select(UC_CTI_GATEWAY_PROFILE)))[0]!;
    expect(profile).toMatchObject({ applicationusername: "rcc-cti", applicationpassword: "Lab-Cti-Pa55" });
    expect(lab.cup.restarts.length).toBeGreaterThan(0);

    // No secret in plain text in the state.
    const state = fs.readFileSync(path.join(stateDir, "local.state.json"), "utf8");
    for (const s of [LAB.cucm.password, "Lab-Cti-Pa55", LAB.cup.password, LAB.cup.cliPassword, LAB.directory.password, "Lab-User-Pa55!", LAB.dns.tsig.secret, LAB.ocs.password]) expect(state).not.toContain(s);
  });

  it("a second up changes nothing and writes nothing to CUCM", async () => {
    const before = lab.cucm.requests.length;
    const r = await rcclab("up");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("no changes");
    const writes = lab.cucm.requests.slice(before).filter((q) => /^(add|update|remove)/.test(q.operation));
    expect(writes).toEqual([]);
  });

  it("a second stack on the same lab takes over nothing of the first, and its destroy deletes nothing of it", async () => {
    const built = await snapshot();
    // Another lab engineer's stack: other users, numbers and phones, pointed at the same systems,
    // allowed to adopt DNS records that already hold exactly what it needs.
    const { config } = loadStackConfig(path.join(stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE });
    const users = config["rcclab:users"] as Record<string, any>[];
    config["rcclab:users"] = users.map((u, i) => ({
      ...u,
      userid: `other${i}`,
      firstName: "Other",
      lastName: `User${i}`,
      e164: `+1415555200${i}`,
      phone: { ...u.phone, mac: `00:1E:4A:CC:DD:0${i}` },
    }));
    (config["rcclab:dns"] as Record<string, unknown>).adopt = true;
    writeStackConfig(path.join(stacksDir, "Pulumi.other.yaml"), config, { passphrase: PASSPHRASE, secrets: SECRETS });
    const other = (...args: string[]) => runCli([...args, "--stack", "other", "--engine", "local", "--stacks-dir", stacksDir, "--state-dir", stateDir, "--yes"]);

    // Its up stops at the first object the first stack made (an OCS entry for CUP), naming it and
    // how to adopt it; the DNS records were adopted, being exactly what it needs.
    const up = await other("up");
    expect(up.code).toBe(1);
    expect(up.err).toMatch(/rcclab:ocs:(StaticRoute|HostAuthorization) ".*already exists.*rcclab does not take over an entry it did not create/);
    // Its destroy removes what it made itself and nothing of the first stack's.
    expect((await other("destroy")).code).toBe(0);
    expect(await snapshot()).toEqual(built);
    // The first stack sees no drift.
    expect((await rcclab("drift")).code).toBe(0);
  });

  it("drift exits 2 naming the resource and field changed behind rcclab's back; up repairs it", async () => {
    expect((await rcclab("drift")).code).toBe(0);
    // A phone's line label edited over AXL, as an admin would in the CUCM pages.
    const phone = (await axl.get(axl.adapter.phone, "SEP001E4AAABB02"))!;
    const { uuid: _uuid, ...spec } = phone;
    for (const req of axl.adapter.phone.update(phone, { ...spec, lines: [{ ...spec.lines[0]!, label: "edited by hand" }] })) await axl.execute(req);

    const d = await rcclab("drift");
    expect(d.code).toBe(2);
    expect(d.out).toMatch(/~ rcclab:cucm:Phone cucm-phone-SEP001E4AAABB02 \(SEP001E4AAABB02\): lines/);
    expect(d.out).toMatch(/1 of \d+ resources drifted/);
    const json = JSON.parse((await rcclab("drift", "--json")).out);
    expect(json.resources).toEqual([expect.objectContaining({ name: "cucm-phone-SEP001E4AAABB02", fields: [expect.objectContaining({ field: "lines" })] })]);

    // An msRTCSIP attribute changed over LDAP, and a DNS record changed over RFC 2136.
    const bob = (await ldap.findUser("bjones", ["distinguishedName"]))!;
    await ldap.modify(bob.dn, [{ operation: "replace", type: "msRTCSIP-Line", values: ["tel:+14085550000"] }]);
    await dns.update("lab.example.com", [
      { op: "delete", name: "cup.lab.example.com", type: "A", rdata: "127.0.0.1" },
      { op: "add", name: "cup.lab.example.com", type: "A", ttl: 3600, rdata: "127.0.0.99" },
    ]);
    // And a CUP ACL entry removed over SQL, and pool2's static route to CUP re-pointed on its front end.
    await cup.write(remove(INCOMING_ACL, { address: "ocsfe2.lab.example.com" }));
    const route = (await ocs[1]!.getRoute("cup.lab.example.com"))!;
    await ocs[1]!.updateRoute({ matchUri: route.matchUri, nextHop: route.nextHop, port: 5070, transport: "TCP", replaceHostInRequestUri: true, enabled: true });
    const d2 = await rcclab("drift");
    expect(d2.code).toBe(2);
    expect(d2.out).toMatch(/~ rcclab:ad:RccSettings microsoft-rcc-settings-bjones \(bjones\): e164/);
    expect(d2.out).toMatch(/~ rcclab:dns:RecordSet microsoft-dns-a-cup\.lab\.example\.com \(cup\.lab\.example\.com\/A\): records/);
    expect(d2.out).toMatch(/- rcclab:cup:IncomingAcl cup-incoming-acl-ocsfe2\.lab\.example\.com \(ocsfe2\.lab\.example\.com\): gone/);
    expect(d2.out).toMatch(/~ rcclab:ocs:StaticRoute microsoft-static-route-pool2 \(cup\.lab\.example\.com\): port/);

    const repaired = await rcclab("up");
    expect(repaired.code, repaired.err).toBe(0);
    expect(repaired.out).toMatch(/~ update rcclab:cucm:Phone cucm-phone-SEP001E4AAABB02/);
    expect((await axl.get(axl.adapter.phone, "SEP001E4AAABB02"))!.lines[0]!.label).toBe("Bob Jones");
    expect((await dns.getRRset("lab.example.com", "cup.lab.example.com", "A"))?.records).toEqual(["127.0.0.1"]);
    const bobAgain = (await ldap.findUser("bjones", ["msRTCSIP-Line"]))!;
    expect(first(bobAgain, "msRTCSIP-Line")).toBe("tel:+14085551002");
    expect((await cup.query(select(INCOMING_ACL))).map((r) => String(r.address))).toContain("ocsfe2.lab.example.com");
    expect((await ocs[1]!.getRoute("cup.lab.example.com"))?.port).toBe(5060);
    expect((await rcclab("drift")).code).toBe(0);
  });

  it("destroy leaves every simulator with only what it was seeded with", async () => {
    const r = await rcclab("destroy");
    expect(r.code, r.err).toBe(0);
    expect(await snapshot()).toEqual(seeded);
    // Extension Mobility was activated by rcclab, so destroy deactivated it.
    expect((await axl.serviceability().status("Cisco Extension Mobility")).activated).toBe(false);
    expect((await axl.serviceability().status("Cisco CTIManager")).activated).toBe(false);
    expect(await axl.get(axl.adapter.sipTrunkSecurityProfile, "CUP Non Secure SIP Trunk Profile")).toBeUndefined();
    // The pre-existing phone kept its line and its controlling application user.
    expect((await axl.get(axl.adapter.appUser, "existing-app"))!.associatedDevices).toEqual(["SEP00AA00BB0001"]);
  });

  it("rebuild works twice in a row", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await rcclab("rebuild");
      expect(r.code, r.err).toBe(0);
      expect((await snapshot()).devices).toContain("SEP001E4AAABB05");
      expect((await rcclab("drift")).code).toBe(0);
    }
    expect((await rcclab("destroy")).code).toBe(0);
    expect(await snapshot()).toEqual(seeded);
  });

  it("a new CTI password in the stack reaches CUCM's application user and CUP's desk phone control (C4 = B3)", async () => {
    expect((await rcclab("up")).code).toBe(0);
    const file = path.join(stacksDir, "Pulumi.local.yaml");
    const { config } = loadStackConfig(file, { passphrase: PASSPHRASE });
    (config["rcclab:cti"] as Record<string, unknown>).password = "Rotated-Cti-Pa55";
    writeStackConfig(file, config, { passphrase: PASSPHRASE, secrets: SECRETS });
    const restartsBefore = lab.cup.restarts.length;
    const r = await rcclab("up");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/~ update rcclab:cucm:AppUser cucm-cti-app-user/);
    expect(r.out).toMatch(/~ update rcclab:cup:DeskPhoneControl cup-desk-phone-control/);
    const profile = (await cup.query(select(UC_CTI_GATEWAY_PROFILE)))[0]!;
    expect(profile.applicationpassword).toBe("Rotated-Cti-Pa55");
    expect(lab.cup.restarts.length).toBeGreaterThan(restartsBefore); // the SIP proxy reloads it
    expect(fs.readFileSync(path.join(stateDir, "local.state.json"), "utf8")).not.toContain("Rotated-Cti-Pa55");
    expect((await rcclab("destroy")).code).toBe(0);
    expect(await snapshot()).toEqual(seeded);
  });

  it("a bad stack fails before any call, naming each problem by its YAML path", async () => {
    const { config } = loadStackConfig(path.join(stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE });
    (config["rcclab:users"] as Record<string, unknown>[])[3]!.e164 = "4085551004";
    const bad = path.join(tmp, "bad-stacks");
    writeStackConfig(path.join(bad, "Pulumi.local.yaml"), config, { passphrase: PASSPHRASE, secrets: SECRETS });
    const before = lab.cucm.requests.length;
    const r = await runCli(["up", "--stack", "local", "--engine", "local", "--stacks-dir", bad, "--state-dir", stateDir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("rcclab:users[3].e164: must be E.164, e.g. +14085551001");
    expect(r.err).not.toContain(LAB.cucm.password);
    expect(lab.cucm.requests.length).toBe(before);
  });
});
