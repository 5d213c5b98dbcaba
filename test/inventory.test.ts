/**
 * The live lab's inventory (src/inventory) on the embedded lab after the local stack is built with the
 * real CLI: what it reads equals what the stack declared, system by system (counts and key fields);
 * a system that does not answer lands in `unread` while the others are read; a connection that is not
 * valid is an error naming its path, before any network call.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guideRecordSets } from "../providers/dns/guide";
import { type LabConfig, parseConfig } from "../src/config";
import { cupAcl, deviceProfileName, phoneName, rccUsers } from "../src/derive";
import { loadStackConfig } from "../src/engine/stackConfig";
import { InventoryConnectionError, type LabInventory, connectionsOf, readInventory } from "../src/inventory";
import { LAB_SEED } from "../src/labsim/lab";
import { PASSPHRASE, startTestLab, type TestLab } from "./support/lab";

describe("the live lab's inventory on the embedded lab", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-inventory-"));
  let t: TestLab;
  let cfg: LabConfig;
  let inv: LabInventory;
  const progress: { system: string; what: string }[] = [];

  beforeAll(async () => {
    t = await startTestLab(tmp);
    const r = await t.rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    const { config } = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE });
    cfg = parseConfig(config).config!;
    inv = await readInventory(connectionsOf(cfg), { onProgress: (p) => progress.push(p) });
  });
  afterAll(async () => {
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("reads every system, with nothing unread, and reports progress per system", () => {
    expect(inv.unread).toEqual([]);
    expect(Object.keys(inv).sort()).toEqual(["ad", "cucm", "cup", "dns", "ocs", "readAt", "unread"]);
    expect(new Set(progress.map((p) => p.system))).toEqual(new Set(["cucm", "cup", "ad", "dns", "ocs"]));
  });

  it("CUCM: the stack's phones, lines, users, CTI user, trunk, Meet-Me, dial rules and EM objects, as their kinds read them (and the lab's own objects besides)", () => {
    const cucm = inv.cucm!;
    expect(cucm.version).toMatch(/^7\.0\.2\./);
    const seededPhones = LAB_SEED.phones!.map((p) => p.name);
    expect(cucm.phones.map((p) => p.name).sort()).toEqual([...cfg.users.map(phoneName), ...seededPhones].sort());
    for (const u of cfg.users) {
      const phone = cucm.phones.find((p) => p.name === phoneName(u))!;
      expect(phone).toMatchObject({ model: u.phone.model, protocol: u.phone.protocol, enableExtensionMobility: u.extensionMobility, description: `${u.firstName} ${u.lastName} ${u.phone.model} ${u.phone.protocol}` });
      expect(phone.lines).toEqual([{ index: 1, pattern: `\\${u.e164}`, label: `${u.firstName} ${u.lastName}`, display: `${u.firstName} ${u.lastName}` }]);
      expect(cucm.lines.find((l) => l.pattern === `\\${u.e164}`)).toMatchObject({ description: `${u.firstName} ${u.lastName}`, alertingName: `${u.firstName} ${u.lastName}` });
      const endUser = cucm.endUsers.find((e) => e.userid === u.userid)!;
      expect(endUser).toMatchObject({ firstName: u.firstName, lastName: u.lastName, telephoneNumber: u.e164, associatedDevices: [phoneName(u)], userGroups: [...u.userGroups].sort() });
      expect(endUser.controlledProfiles).toEqual(u.extensionMobility ? [deviceProfileName(u)] : []);
      expect(cucm.licenses.find((l) => l.userid === u.userid)).toMatchObject({ enableUps: true, enableUpc: true });
      // B8: the lab's 4/2, the 7931's 1/1.
      const limit = cucm.callLimits.find((l) => l.phoneName === phoneName(u) && l.lineIndex === 1)!;
      expect([limit.maxNumCalls, limit.busyTrigger]).toEqual(u.phone.model === "7931" ? [1, 1] : [4, 2]);
      expect("password" in endUser).toBe(false);
    }
    expect(cucm.lines).toHaveLength(cfg.users.length + LAB_SEED.lines!.length);
    expect(cucm.endUsers.map((e) => e.userid).sort()).toEqual([...cfg.users.map((u) => u.userid), ...LAB_SEED.endUsers!.map((e) => e.userid)].sort());
    const cti = cucm.appUsers.find((a) => a.userid === cfg.cti.userid)!;
    expect(cti.associatedDevices).toEqual(rccUsers(cfg).map(phoneName).sort());
    expect(cti.userGroups).toEqual([...cfg.cti.userGroups].sort());
    expect("password" in cti).toBe(false);
    expect(cucm.appUsers.map((a) => a.userid).sort()).toEqual([...LAB_SEED.appUsers!.map((a) => a.userid), cfg.cti.userid].sort());
    expect(cucm.trunks).toEqual([expect.objectContaining({ name: cfg.trunk.name, destinationAddress: cfg.cup.host, destinationPort: 5060, securityProfileName: cfg.trunk.securityProfile.name })]);
    expect(cucm.trunkSecurityProfiles).toEqual([expect.objectContaining({ name: cfg.trunk.securityProfile.name })]);
    expect(cucm.meetMe).toEqual([expect.objectContaining({ pattern: "\\+14085559000", description: "Meet-Me conference", minimumSecurityLevel: "Non Secure" })]);
    expect(cucm.dialRules).toEqual([expect.objectContaining({ ...cfg.dialRules[0], priority: undefined })]);
    expect(cucm.ipPhoneServices.map((s) => s.name)).toEqual([cfg.extensionMobility.serviceName]);
    expect(cucm.deviceProfiles.map((p) => p.name).sort()).toEqual(cfg.users.filter((u) => u.extensionMobility).map(deviceProfileName).sort());
    expect(cucm.services).toEqual(
      expect.arrayContaining([
        { node: cfg.cucm.host, service: "Cisco CTIManager", activated: true, running: true },
        { node: cfg.cucm.host, service: "Cisco Extension Mobility", activated: true, running: true },
      ]),
    );
  });

  it("CUP: the publisher, ACLs, desk phone control (no password) and its users, presence settings", () => {
    const cup = inv.cup!;
    expect(cup.version).toMatch(/^7\.0\.3/);
    expect(cup.publisher).toEqual({ address: cfg.cucm.address ?? cfg.cucm.host, axlUsername: cfg.cucm.username });
    const ours = (acl: { address: string; description?: string }[]) => acl.filter((a) => a.description === "OCS (rcclab)").map((a) => a.address).sort();
    expect(ours(cup.incomingAcl)).toEqual([...cupAcl(cfg)].sort());
    expect(ours(cup.outgoingAcl)).toEqual([...cupAcl(cfg)].sort());
    // The lab's own entry, which rcclab did not make, is read too.
    expect(cup.incomingAcl.map((a) => a.address)).toContain("sipgw.lab.example.com");
    expect(cup.deskPhoneControl).toMatchObject({ applicationUsername: cfg.cti.userid, ctiGateways: [cfg.cucm.host], heartbeatInterval: 60, sessionTimer: 3600 });
    expect(cup.deskPhoneControl && "applicationPassword" in cup.deskPhoneControl).toBe(false);
    expect([...cup.deskPhoneControlUsers].sort()).toEqual(rccUsers(cfg).map((u) => u.userid).sort());
    expect(cup.presence).toMatchObject({ proxyDomain: cfg.lab.sipDomain, availabilitySharing: true, maxWatchers: 200 });
  });

  it("AD: the OCS pools and every user, with the RCC users' msRTCSIP attributes", () => {
    const ad = inv.ad!;
    expect(ad.pools.map((p) => p.name)).toEqual(cfg.ocs.pools.map((p) => p.name));
    for (const u of rccUsers(cfg)) {
      expect(ad.users.find((a) => a.sAMAccountName === u.userid)).toMatchObject({
        givenName: u.firstName,
        sn: u.lastName,
        sipAddress: `sip:${u.userid}@${cfg.lab.sipDomain}`,
        lineUri: `tel:${u.e164}`,
        lineServer: `sip:${u.userid}@${cfg.cup.host}`,
        pool: u.pool,
        enabled: true,
        optionFlags: 16 | 256,
      });
    }
    // The lab's own user, not enabled for OCS.
    const jdoe = ad.users.find((a) => a.sAMAccountName === "jdoe")!;
    expect(jdoe.lineUri).toBeUndefined();
    expect(jdoe.pool).toBeUndefined();
  });

  it("DNS: every record set of both zones, the guide's among them with the stack's values", () => {
    const dns = inv.dns!;
    const { recordSets } = guideRecordSets({ zone: cfg.dns.zone, reverseZone: cfg.dns.reverseZone, ttl: cfg.dns.ttl, sipDomain: cfg.lab.sipDomain, cup: { fqdn: cfg.cup.host, address: cfg.cup.address }, pools: cfg.ocs.pools });
    for (const r of recordSets) {
      const live = dns.records.find((x) => x.name === r.fields.name && x.type === r.fields.type);
      expect(live, `${r.fields.name} ${r.fields.type}`).toBeDefined();
      expect([...live!.records].sort()).toEqual([...r.fields.records].sort());
      expect(live!.ttl).toBe(cfg.dns.ttl);
    }
    // The domain controller's records, made before rcclab, are there too.
    expect(dns.records.some((r) => r.name === "dc1.lab.example.com" && r.type === "A")).toBe(true);
  });

  it("OCS: each pool's static route to CUP and CUP's host authorization (and the lab's gateway)", () => {
    const ocs = inv.ocs!;
    expect(ocs.pools.map((p) => p.pool)).toEqual(cfg.ocs.pools.map((p) => p.fqdn));
    for (const p of ocs.pools) {
      expect(p.routes).toContainEqual(expect.objectContaining({ matchUri: cfg.cup.host, nextHop: cfg.cup.address, port: cfg.cup.sipPort, transport: "TCP", enabled: true }));
      expect(p.hosts).toContainEqual(expect.objectContaining({ server: cfg.cup.address }));
      expect(p.routes.map((r) => r.matchUri).sort()).toEqual([cfg.cup.host, "gw01.lab.example.com"].sort());
    }
  });

  it("a system that does not answer is unread, with why; the others are still read", async () => {
    const conns = connectionsOf(cfg);
    // Nothing listens on port 1 of loopback.
    const got = await readInventory({ ...conns, cucm: { ...conns.cucm!, port: 1, retries: 0 }, dns: { ...conns.dns!, port: 1, retries: 0, timeoutMs: 300 } }, { only: ["cucm", "dns", "cup"] });
    expect(got.cucm).toBeUndefined();
    expect(got.dns).toBeUndefined();
    expect(got.cup?.deskPhoneControlUsers.length).toBe(rccUsers(cfg).length);
    expect(got.ad).toBeUndefined(); // not asked for
    expect(got.unread.map((u) => u.system)).toEqual(["cucm", "dns", "dns"]);
    expect(got.unread[0]).toMatchObject({ system: "cucm", what: "version" });
    expect(got.unread.filter((u) => u.system === "dns").map((u) => u.what)).toEqual([`zone ${cfg.dns.zone}`, `zone ${cfg.dns.reverseZone}`]);
    for (const u of got.unread) expect(u.message).not.toBe("");
  });

  it("a connection that is not valid is an error naming its path, before any network call", async () => {
    const conns = connectionsOf(cfg);
    const before = t.lab.cucm.requests.length;
    const bad = readInventory({ ...conns, cucm: { ...conns.cucm!, port: 0 }, ocs: [{ pool: conns.ocs![0]!.pool, connection: { ...conns.ocs![0]!.connection, host: "" } }] });
    await expect(bad).rejects.toBeInstanceOf(InventoryConnectionError);
    const e = (await bad.catch((x: InventoryConnectionError) => x)) as InventoryConnectionError;
    expect(e.errors.map((x) => x.path)).toEqual(["cucm.port", "ocs[0].connection.host"]);
    expect(e.message).toMatch(/cucm\.port: /);
    expect(t.lab.cucm.requests.length).toBe(before);
  });
});
