/**
 * The audit's checks as pure functions of a stack config and a live inventory (fixtures, no network):
 * a lab that holds passes; each rule's edge (wildcard ACLs, the all-devices CTI group, 12.5's one IM
 * and Presence flag, a stopped CTIManager, a route on the wrong transport, an SRV to a stranger);
 * who counts as an RCC user; a system that could not be read (incomplete, exit 1, never "ready");
 * and C4's password login test with its application-user control.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { aclCovers } from "../src/audit/checks/cup";
import { doAuthenticateUser, probeCtiPassword } from "../src/audit/probes";
import { axlConnectionSchema } from "../providers/cucm/axl/client";
import { startCucmSim } from "../src/labsim/cucm";
import { validateAxlRequests } from "./support/axl-schema";
import { auditLab } from "../src/audit/run";
import { exitCodeOf } from "../src/audit/types";
import { guideRecordSets } from "../providers/dns/guide";
import { type LabConfig, requireConfig } from "../src/config";
import { loadStackConfig } from "../src/engine/stackConfig";
import type { LabInventory } from "../src/inventory/types";

const root = path.resolve(__dirname, "..");

/** The local stack, cut down to one user (asmith) on a 7931. */
function config(): LabConfig {
  const cfg = requireConfig(loadStackConfig(path.join(root, "stacks/Pulumi.local.yaml"), { passphrase: "rcclab-local" }).config);
  const asmith = { ...cfg.users[0]!, phone: { model: "7931" as const, protocol: "SCCP" as const, mac: "001E4AAABB01" } };
  return { ...cfg, users: [asmith] };
}

const RTC = "CN=RTC Service,CN=Services,CN=Configuration,DC=lab,DC=example,DC=com";
const lcServices = (pool: string) => `CN=LC Services,CN=Microsoft,CN=${pool},CN=Pools,${RTC}`;

/** A live lab that holds, as the inventory reads it. */
function inventory(cfg: LabConfig): LabInventory {
  const { recordSets } = guideRecordSets({
    zone: cfg.dns.zone,
    reverseZone: cfg.dns.reverseZone,
    sipDomain: cfg.lab.sipDomain,
    cup: { fqdn: cfg.cup.host, address: cfg.cup.address },
    pools: cfg.ocs.pools,
  });
  return {
    readAt: "2026-12-02T15:00:00.000Z",
    unread: [],
    ad: {
      pools: cfg.ocs.pools.map((p) => ({ name: p.name, fqdn: p.fqdn, dn: `CN=${p.name},CN=Pools,${RTC}` })),
      users: [
        {
          dn: "CN=Alice Smith,CN=Users,DC=lab,DC=example,DC=com",
          sAMAccountName: "asmith",
          displayName: "Alice Smith",
          sipAddress: "sip:asmith@lab.example.com",
          lineUri: "tel:+14085551001",
          lineServer: "sip:asmith@cup.lab.example.com",
          homeServerDn: lcServices("pool1"),
          pool: "pool1",
          optionFlags: 272,
          enabled: true,
        },
        // Enabled for OCS, not for RCC: not an RCC user.
        { dn: "CN=jdoe,CN=Users,DC=lab,DC=example,DC=com", sAMAccountName: "jdoe", sipAddress: "sip:jdoe@lab.example.com", optionFlags: 256, enabled: true },
      ],
    },
    cucm: {
      version: "7.0.2.20000-5",
      phones: [{ name: "SEP001E4AAABB01", model: "7931", protocol: "SCCP", devicePoolName: "Default", locationName: "Hub_None", enableExtensionMobility: false, outboundCallRollover: "No Rollover", lines: [{ index: 1, pattern: "\\+14085551001" }] }],
      lines: [],
      callLimits: [{ phoneName: "SEP001E4AAABB01", lineIndex: 1, maxNumCalls: 1, busyTrigger: 1 }],
      endUsers: [{ userid: "asmith", lastName: "Smith", associatedDevices: ["SEP001E4AAABB01"], userGroups: ["Standard CCM End Users", "Standard CTI Enabled"], controlledProfiles: [] }],
      licenses: [{ userid: "asmith", enableUps: true, enableUpc: true }],
      appUsers: [{ userid: "rcc-cti", associatedDevices: ["SEP001E4AAABB01"], userGroups: ["Standard CTI Enabled"] }],
      trunks: [{ name: "CUP-SIP-Trunk", destinationAddress: "cup.lab.example.com", destinationPort: 5060, securityProfileName: "CUP Profile", devicePoolName: "Default", locationName: "Hub_None", sipProfileName: "Standard SIP Profile" }],
      trunkSecurityProfiles: [{ name: "CUP Profile", acceptPresenceSubscription: true, acceptOutOfDialogRefer: true, acceptUnsolicitedNotification: true, allowReplaceHeader: true }],
      meetMe: [],
      dialRules: [],
      ipPhoneServices: [],
      deviceProfiles: [],
      services: [{ node: "127.0.0.1", service: "Cisco CTIManager", activated: true, running: true }],
    },
    cup: {
      version: "7.0.3.10000-11",
      incomingAcl: [{ address: "*.lab.example.com", description: "" }],
      outgoingAcl: [],
      deskPhoneControl: { applicationUsername: "rcc-cti", ctiGateways: ["127.0.0.1"], heartbeatInterval: 60, sessionTimer: 3600 },
      deskPhoneControlUsers: ["asmith"],
    },
    dns: { zone: cfg.dns.zone, reverseZone: cfg.dns.reverseZone, records: recordSets.map((r) => ({ name: `${r.fields.name}.`, type: r.fields.type, ttl: 3600, records: r.fields.records })) },
    ocs: {
      pools: cfg.ocs.pools.map((p) => ({
        pool: p.fqdn,
        frontEnd: p.frontEnds[0]!.fqdn,
        routes: [{ instanceId: "{1}", backend: "(local)\\rtc", matchUri: "cup.lab.example.com", nextHop: "127.0.0.1", port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: true }],
        hosts: [{ instanceId: "{2}", backend: "(local)\\rtc", server: "127.0.0.1", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true }],
      })),
    },
  } as unknown as LabInventory;
}

const fails = (r: ReturnType<typeof auditLab>) => r.findings.filter((f) => f.status === "fail").map((f) => `${f.check} ${f.object}: ${f.message}`);

describe("audit checks over a fixture inventory", () => {
  it("a lab that holds is ready: every check passes (the password: no login test was made here)", () => {
    const cfg = config();
    const r = auditLab("local", cfg, inventory(cfg));
    expect(fails(r)).toEqual([]);
    expect(r.outcome).toBe("ready");
    expect(exitCodeOf(r)).toBe(0);
    expect(r.users).toEqual([{ userid: "asmith", name: "Alice Smith", sources: ["stack", "ad"], stackIndex: 0 }]);
    expect(r.findings.filter((f) => f.status === "unverified").map((f) => `${f.check}: ${f.message}`)).toEqual(["cup.ctiPassword: password not verifiable: no login test was made"]);
    // Wildcard ACL covers both front ends; the 7931 at 1/1 passes.
    expect(r.findings.filter((f) => f.check === "cup.incomingAcl").map((f) => f.message)).toEqual(["covered by incoming ACL entry *.lab.example.com", "covered by incoming ACL entry *.lab.example.com"]);
    expect(r.findings.find((f) => f.check === "cucm.callsPerLine")!.status).toBe("pass");
  });

  it("RCC users: the stack's, and AD's with bit 16 or a Line URI (a lab rcclab did not build); OCS-only users are not", () => {
    const cfg = config();
    const inv = inventory(cfg);
    inv.ad!.users.push({ dn: "CN=Fay,CN=Users,DC=lab,DC=example,DC=com", sAMAccountName: "fay", givenName: "Fay", sn: "Green", optionFlags: 16 });
    inv.ad!.users.push({ dn: "CN=Gus,CN=Users,DC=lab,DC=example,DC=com", sAMAccountName: "gus", lineUri: "tel:+14085550999" });
    const r = auditLab("local", cfg, inv);
    expect(r.users.map((u) => `${u.userid} ${u.name} ${u.sources.join("+")}`)).toEqual(["asmith Alice Smith stack+ad", "fay Fay Green ad", "gus gus ad"]);
    // gus's RCC bit is off: that is a problem named on the AD page (no stack key for him).
    const gus = r.findings.find((f) => f.user === "gus" && f.check === "ad.rcc")!;
    expect(gus).toMatchObject({ status: "fail", message: "remote call control is off: msRTCSIP-OptionFlags is not set (bit 16 clear)" });
    expect(gus.fix).toBe("by hand: Active Directory Users and Computers > gus (gus) > Properties > Communications > Configure > Telephony > Enable remote call control");
  });

  it("a stack user missing from AD fails each AD check, naming the user", () => {
    const cfg = config();
    const inv = inventory(cfg);
    inv.ad!.users = [];
    const r = auditLab("local", cfg, inv);
    expect(fails(r).filter((f) => f.startsWith("ad."))).toEqual(
      ["ad.lineUri", "ad.rcc", "ad.lineServer", "ad.homePool", "ad.sipDomain"].map((c) => `${c} AD user asmith: AD has no user asmith (sAMAccountName) under rcclab:directory.usersDn`),
    );
  });

  it("a system that could not be read makes the audit incomplete (exit 1), its checks not verifiable with the reason; a failure elsewhere still wins (exit 2)", () => {
    const cfg = config();
    const inv = inventory(cfg);
    delete inv.cucm;
    inv.unread.push({ system: "cucm", what: "everything", message: "connect ECONNREFUSED 127.0.0.1:8443" });
    const r = auditLab("local", cfg, inv);
    expect(r.outcome).toBe("incomplete");
    expect(exitCodeOf(r)).toBe(1);
    expect(r.findings.find((f) => f.check === "cucm.trunk")!.message).toBe("CUCM not read (everything: connect ECONNREFUSED 127.0.0.1:8443)");
    expect(r.findings.find((f) => f.check === "ad.lineUri")).toMatchObject({ status: "unverified", message: "msRTCSIP-Line is tel:+14085551001; CUCM not read (everything: connect ECONNREFUSED 127.0.0.1:8443), so its phones are unknown" });
    inv.cup!.deskPhoneControlUsers = [];
    const r2 = auditLab("local", cfg, inv);
    expect(r2.outcome).toBe("problems");
    expect(exitCodeOf(r2)).toBe(2);
  });

  it("a failure that rests on a part not read (a phone, a DNS zone) is not verifiable, saying what was not read", () => {
    const cfg = config();
    const inv = inventory(cfg);
    inv.cucm!.phones = [];
    inv.unread.push({ system: "cucm", what: "phones SEP001E4AAABB01", message: "Timeout after 30000 ms" });
    inv.dns!.records = inv.dns!.records.filter((r) => !r.name.endsWith("in-addr.arpa."));
    inv.unread.push({ system: "dns", what: `zone ${cfg.dns.reverseZone}`, message: "zone transfer refused (REFUSED)" });
    const r = auditLab("local", cfg, inv);
    expect(fails(r)).toEqual([]);
    expect(r.outcome).toBe("incomplete");
    expect(r.findings.find((f) => f.check === "ad.lineUri")).toMatchObject({
      status: "unverified",
      message: "msRTCSIP-Line is tel:+14085551001, but CUCM end user asmith has no associated phone with a line — not certain: cucm phones SEP001E4AAABB01: Timeout after 30000 ms could not be read",
    });
    expect(r.findings.filter((f) => f.check === "dns.ptr").map((f) => f.status)).toEqual(["unverified", "unverified", "unverified"]);
    // The forward zone was read: its checks still pass.
    expect(r.findings.filter((f) => f.check === "dns.a").every((f) => f.status === "pass")).toBe(true);
  });

  it("CUCM: the 7931's limits and rollover, the all-devices group, 12.5's one IM and Presence flag, a stopped CTIManager, the trunk's port and profile", () => {
    const cfg = config();
    let inv = inventory(cfg);
    inv.cucm!.callLimits = [{ phoneName: "SEP001E4AAABB01", lineIndex: 1, maxNumCalls: 2, busyTrigger: 4 } as never];
    (inv.cucm!.phones[0] as { outboundCallRollover?: string }).outboundCallRollover = "Rollover to any line";
    inv.cucm!.appUsers = [{ userid: "rcc-cti", associatedDevices: [], userGroups: ["Standard CTI Enabled", "Standard CTI Allow Control of All Devices"] } as never];
    inv.cucm!.licenses = [{ userid: "asmith", enableUps: true, enableUpc: false } as never];
    inv.cucm!.services = [{ node: "127.0.0.1", service: "Cisco CTIManager", activated: true, running: false }];
    inv.cucm!.trunks[0]!.destinationPort = 5070;
    (inv.cucm!.trunkSecurityProfiles[0] as { acceptPresenceSubscription: boolean }).acceptPresenceSubscription = false;
    let r = auditLab("local", cfg, inv);
    expect(fails(r)).toEqual([
      "cucm.presenceLicense CUCM end user asmith: Unified Personal Communicator (UPC) not enabled",
      'cucm.callsPerLine phone SEP001E4AAABB01: SEP001E4AAABB01 line 1 takes 2 calls, busy trigger 4 (must be 1/1); SEP001E4AAABB01 outbound call rollover is "Rollover to any line" (must be No Rollover)',
      "cucm.ctiManager CTIManager on 127.0.0.1: Cisco CTIManager is activated but not running on 127.0.0.1",
      "cucm.trunk SIP trunk CUP-SIP-Trunk: CUP-SIP-Trunk → cup.lab.example.com:5070: destination port 5070, but CUP listens on 5060; its security profile CUP Profile does not Accept Presence Subscription",
    ]);
    expect(r.findings.find((f) => f.check === "cucm.ctiControl")!.message).toBe("rcc-cti is in Standard CTI Allow Control of All Devices: it controls SEP001E4AAABB01");
    // 12.5+: one IM and Presence flag (enableUps).
    inv = inventory(cfg);
    inv.cucm!.licenses = [{ userid: "asmith", enableUps: true, enableUpc: false } as never];
    r = auditLab("local", { ...cfg, cucm: { ...cfg.cucm, release: "12.5" } }, inv);
    expect(r.findings.find((f) => f.check === "cucm.presenceLicense")).toMatchObject({ status: "pass", message: "enabled for IM and Presence" });
  });

  it("CTIManager on every CTI node: a node whose Control Center did not answer is not verifiable (and the audit incomplete), not a failure", () => {
    const cfg = { ...config() };
    cfg.cucm = { ...cfg.cucm, ctiManagers: ["127.0.0.1", "cucm2.lab.example.com"] };
    const inv = inventory(cfg);
    inv.unread.push({ system: "cucm", what: "Cisco CTIManager on cucm2.lab.example.com", message: "getaddrinfo ENOTFOUND cucm2.lab.example.com" });
    const r = auditLab("local", cfg, inv);
    expect(r.findings.filter((f) => f.check === "cucm.ctiManager").map((f) => `${f.status} ${f.object}: ${f.message}`)).toEqual([
      "pass CTIManager on 127.0.0.1: Cisco CTIManager activated and running on 127.0.0.1",
      "unverified CTIManager on cucm2.lab.example.com: Cisco CTIManager on cucm2.lab.example.com not read: getaddrinfo ENOTFOUND cucm2.lab.example.com",
    ]);
    expect(exitCodeOf(r)).toBe(1);
  });

  it("OCS and DNS: a route on the wrong transport or disabled, a host not treated as authenticated, an SRV to a stranger, an A record with another address", () => {
    const cfg = config();
    const inv = inventory(cfg);
    Object.assign(inv.ocs!.pools[0]!.routes[0]!, { transport: "TLS", port: 5061, enabled: false });
    inv.ocs!.pools[1]!.hosts[0]!.treatAsAuthenticated = false;
    const srv = inv.dns!.records.find((r) => r.type === "SRV" && r.name.startsWith("_sipinternaltls"))!;
    srv.records = ["0 0 5061 evil.example.org."];
    inv.dns!.records.find((r) => r.type === "A" && r.name === "cup.lab.example.com.")!.records = ["127.0.0.99"];
    const r = auditLab("local", cfg, inv);
    expect(fails(r)).toEqual([
      "ocs.staticRoute OCS pool pool1.lab.example.com: static route cup.lab.example.com → 127.0.0.1:5061 TLS: port 5061, but CUP listens on 5060; transport TLS, but CUP listens on TCP; the route is disabled",
      "ocs.hostAuthorization OCS pool pool2.lab.example.com: authorized host 127.0.0.1 is not treated as authenticated",
      "dns.srv SRV _sipinternaltls._tcp.lab.example.com: _sipinternaltls._tcp.lab.example.com points at evil.example.org, not at an OCS pool (pool1.lab.example.com, pool2.lab.example.com)",
      "dns.a A cup.lab.example.com: cup.lab.example.com is 127.0.0.99; missing 127.0.0.1 (host record of CUP)",
    ]);
  });

  it("CUP's incoming ACL patterns: ALL, exact names and addresses, *.domain, octet wildcards, CIDR", () => {
    expect(aclCovers("ALL", "ocsfe1.lab.example.com")).toBe(true);
    expect(aclCovers("OCSFE1.lab.example.com", "ocsfe1.lab.example.com.")).toBe(true);
    expect(aclCovers("*.lab.example.com", "ocsfe1.lab.example.com")).toBe(true);
    expect(aclCovers("*.lab.example.com", "ocsfe1.other.com")).toBe(false);
    expect(aclCovers("10.1.*.*", "10.1.7.9")).toBe(true);
    expect(aclCovers("10.1.*.*", "10.2.7.9")).toBe(false);
    expect(aclCovers("10.1.0.0/16", "10.1.200.3")).toBe(true);
    expect(aclCovers("10.1.0.0/16", "10.0.200.3")).toBe(false);
    expect(aclCovers("pool2.lab.example.com", "ocsfe2.lab.example.com")).toBe(false);
  });
});

describe("C4's password login test (doAuthenticateUser)", () => {
  const cfg = config();
  const conn = { host: "cucm", port: 8443, username: "rcclab-axl", password: "axl-pw", release: "7.0" } as never;
  type Ask = Parameters<typeof probeCtiPassword>[3];
  const asks = (answers: Record<string, { authenticated: boolean } | { fault: string }>): NonNullable<Ask> => async (_c, userid) => answers[userid]!;

  it("accepted: passes, saying CUP's own copy is write-only", async () => {
    const p = await probeCtiPassword(cfg, conn, [], asks({ "rcc-cti": { authenticated: true } }));
    expect(p.status).toBe("pass");
    expect(p.message).toMatch(/^CUCM accepts rcclab:cti.password for rcc-cti \(AXL doAuthenticateUser\); CUP keeps its copy write-only/);
  });

  it("not answered: not verifiable, saying why", async () => {
    const p = await probeCtiPassword(cfg, conn, [], asks({ "rcc-cti": { fault: "Unmarshalling Error (HTTP 500)" } }));
    expect(p).toEqual({ status: "unverified", message: "password not verifiable: CUCM does not answer doAuthenticateUser (Unmarshalling Error (HTTP 500)), and CUP keeps its copy write-only, so CUP's own copy was not compared" });
  });

  it("refused: a problem only when CUCM is shown to authenticate application users (rcclab's AXL user, an application user, accepted)", async () => {
    const appUsers = [{ userid: "rcclab-axl" }];
    expect((await probeCtiPassword(cfg, conn, appUsers, asks({ "rcc-cti": { authenticated: false }, "rcclab-axl": { authenticated: true } }))).status).toBe("fail");
    const notShown = await probeCtiPassword(cfg, conn, appUsers, asks({ "rcc-cti": { authenticated: false }, "rcclab-axl": { authenticated: false } }));
    expect(notShown).toMatchObject({ status: "unverified", message: expect.stringMatching(/^password not verifiable: CUCM's doAuthenticateUser refuses application users/) });
    const endUserAxl = await probeCtiPassword(cfg, conn, [], asks({ "rcc-cti": { authenticated: false } }));
    expect(endUserAxl).toMatchObject({ status: "unverified", message: expect.stringMatching(/is not an application user to test it with\)$/) });
  });
});

describe("doAuthenticateUser on the wire", () => {
  it("goes through rcclab's AXL client to CUCM (the simulator), in Cisco's schema in 7.0 and 14.0; a password stays out of every message", async () => {
    for (const release of ["7.0", "14.0"] as const) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-auth-"));
      const sim = await startCucmSim({ release, caDir: dir, users: { axl: "axl-pw" }, seed: { appUsers: [{ userid: "rcc-cti", password: "p&w<1>" }] } });
      const conn = axlConnectionSchema.parse({ host: "127.0.0.1", port: sim.port, username: "axl", password: "axl-pw", release, tls: { caPem: sim.caPem }, timeoutMs: 5000, retries: 0 });
      try {
        expect(await doAuthenticateUser(conn, "rcc-cti", "p&w<1>")).toEqual({ authenticated: true });
        expect(await doAuthenticateUser(conn, "rcc-cti", "wrong")).toEqual({ authenticated: false });
        expect(await doAuthenticateUser(conn, "nobody", "x")).toEqual({ authenticated: false });
        const sent = sim.requests.filter((r) => r.operation === "doAuthenticateUser");
        expect(sent).toHaveLength(3);
        expect(sent[0]!.soapAction).toBe(`"CUCM:DB ver=${release} doAuthenticateUser"`);
        expect(validateAxlRequests(release, sent.map((r) => r.envelope))).toEqual([]);
        // CUCM unreachable: the fault says why, never the password.
        const down = await doAuthenticateUser({ ...conn, port: 1 }, "rcc-cti", "p&w<1>");
        expect("fault" in down && down.fault).toMatch(/./);
        expect(JSON.stringify(down)).not.toContain("p&w<1>");
      } finally {
        await sim.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
