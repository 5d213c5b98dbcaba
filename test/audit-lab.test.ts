/**
 * `rcclab audit` end to end on the embedded simulators: the lab built by `rcclab up`, then audited by
 * the real CLI (exit 0, every check passed but the one no simulator can answer: C4's password login
 * test), then broken by hand — through the systems' own protocols, as an admin would — with at least
 * one breakage per check family on every system; the audit names each by its check id, object and
 * fix, and nothing else, exit 2. `rcclab up` repairs the lab and the audit passes again.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { first } from "../providers/ad/client";
import { CTI_MANAGER } from "../providers/cucm/serviceActivation";
import { assignedUsers, deskPhoneControlProfile, parseAssignments, remove, setUserAssignment, update } from "../providers/cup/sql";
import { INCOMING_ACL } from "../providers/cup/catalog";
import type { Finding } from "../src/audit/types";
import type { Lab } from "../src/labsim/lab";
import { chromiumPath, findAll, renderInChromium } from "./support/chromium";
import { loadStackConfig } from "../src/engine/stackConfig";
import { PASSPHRASE, runCliInTerminal, startTestLab, type TestLab } from "./support/lab";
import { labClients } from "./support/snapshot";

const chromium = chromiumPath();

type Doc = { ok: boolean; outcome: string; exitCode: number; summary: Record<string, number>; findings: Finding[]; problems: Finding[]; users: { userid: string }[] };

const HOSTILE = `John <img src=x onerror=alert(1)> "Doe" & Sons`;

describe("rcclab audit on the embedded lab", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-audit-"));
  let lab: Lab;
  let t: TestLab;
  let clients: ReturnType<typeof labClients>;
  const audit = async (...args: string[]) => {
    const r = await t.rcclab("audit", "--json", ...args);
    return { code: r.code, doc: JSON.parse(r.out) as Doc, err: r.err };
  };

  beforeAll(async () => {
    t = await startTestLab(tmp);
    lab = t.lab;
    clients = labClients(lab);
    const up = await t.rcclab("up");
    expect(up.code, up.err + up.out).toBe(0);
  });
  afterAll(async () => {
    await clients?.close();
    await lab?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("passes on the lab rcclab built: exit 0, every check passed (C4's password by a login test on CUCM)", async () => {
    const { code, doc, err } = await audit();
    expect(code, err).toBe(0);
    expect(doc).toMatchObject({ ok: true, outcome: "ready", exitCode: 0, problems: [] });
    expect(doc.users.map((u) => u.userid)).toEqual(["asmith", "bjones", "cwu", "dlee", "eng"]);
    const notPassed = doc.findings.filter((f) => f.status !== "pass").map((f) => `${f.status} ${f.check} ${f.user ?? f.object}`);
    // The 7931 check applies to cwu's phone only.
    expect(notPassed.sort()).toEqual(["na cucm.callsPerLine asmith", "na cucm.callsPerLine bjones", "na cucm.callsPerLine dlee", "na cucm.callsPerLine eng"]);
    // On a terminal: a status line while the lab is read (cleared), then the answer.
    const tty = await runCliInTerminal(["audit", ...t.stackArgs]);
    expect(tty.code).toBe(0);
    expect(tty.out).toMatch(/\r\x1b\[2Kchecking \d+(\/\d+)?  cucm: phones  \d+s/);
    expect(tty.out).toMatch(/Stack local: ready for remote call control\. 5 RCC users; 67 passed, 0 failed, 0 not verifiable, 4 not applicable/);
    const pw = doc.findings.find((f) => f.check === "cup.ctiPassword")!;
    expect(pw.message).toMatch(/^CUCM accepts rcclab:cti\.password for rcc-cti \(AXL doAuthenticateUser\)/);
    // Every check family has passing findings on the built lab.
    const passed = new Set(doc.findings.filter((f) => f.status === "pass").map((f) => f.check));
    for (const id of ["ad.lineUri", "ad.rcc", "ad.lineServer", "ad.homePool", "ad.sipDomain", "cucm.userGroups", "cucm.presenceLicense", "cucm.ctiControl", "cucm.callsPerLine", "cucm.ctiAppUser", "cucm.ctiManager", "cucm.trunk", "cup.userAssigned", "cup.ctiUser", "cup.incomingAcl", "ocs.staticRoute", "ocs.hostAuthorization", "dns.srv", "dns.a", "dns.ptr"]) {
      expect(passed, id).toContain(id);
    }
  });

  it("names each deliberate breakage (every check family, every system) by check, object and fix, and exits 2; up repairs, audit passes again", async () => {
    const { ldap, axl, cup, ocs, dns } = clients;
    // AD (LDAP), as an admin in AD Users and Computers.
    const dnOf = async (sam: string) => (await ldap.findUser(sam, ["distinguishedName"]))!.dn;
    const asmith = (await ldap.findUser("asmith", ["msRTCSIP-OptionFlags"]))!;
    await ldap.modify(asmith.dn, [{ operation: "replace", type: "msRTCSIP-OptionFlags", values: [String(Number(first(asmith, "msRTCSIP-OptionFlags")) & ~16)] }]);
    await ldap.modify(await dnOf("bjones"), [{ operation: "replace", type: "msRTCSIP-Line", values: ["tel:+14085550000"] }]);
    await ldap.modify(await dnOf("cwu"), [{ operation: "replace", type: "msRTCSIP-PrimaryUserAddress", values: ["sip:cwu@other.example.org"] }]);
    await ldap.modify(await dnOf("dlee"), [{ operation: "replace", type: "msRTCSIP-LineServer", values: ["sip:dlee@cup-old.lab.example.com"] }]);
    await ldap.modify(await dnOf("eng"), [{ operation: "replace", type: "msRTCSIP-PrimaryHomeServer", values: ["CN=Users,DC=lab,DC=example,DC=com"] }]);

    // CUCM (AXL and Serviceability), as in CUCM Administration.
    await axl.update(axl.adapter.endUser, "asmith", ({ uuid: _u, ...e }) => ({ ...e, userGroups: e.userGroups.filter((g) => g !== "Standard CTI Enabled") }));
    await axl.update(axl.adapter.licenses, "bjones", ({ uuid: _u, ...l }) => ({ ...l, enableUps: false }));
    await axl.update(axl.adapter.appUser, "rcc-cti", ({ uuid: _u, ...a }) => ({
      ...a,
      // Neither a controlled device nor controlled through the all-devices group.
      associatedDevices: a.associatedDevices.filter((d) => d !== "SEP001E4AAABB04"),
      userGroups: a.userGroups.filter((g) => g !== "Standard CTI Allow Control of All Devices"),
      // And its password changed on CUCM only: desk phone control can no longer sign in.
      password: "Changed-by-hand-1",
    }));
    await axl.update(axl.adapter.phone, "SEP001E4AAABB03", ({ uuid: _u, ...p }) => ({ ...p, lines: p.lines.map((l) => ({ ...l, maxNumCalls: 4, busyTrigger: 2 })) }));
    await axl.update(axl.adapter.sipTrunk, "CUP-SIP-Trunk", ({ uuid: _u, ...tr }) => ({ ...tr, destinationAddress: "10.0.0.99" }));
    await axl.serviceability().deploy("127.0.0.1", CTI_MANAGER, false);

    // CUP (its database), as in CUP Administration.
    await cup.write(update("ctiGatewayProfile", { applicationusername: "someone-else" }, { name: "DeskPhoneControl" }));
    const profile = (await cup.query(deskPhoneControlProfile()))[0]!;
    const eng = parseAssignments(await cup.queryRaw(assignedUsers(String(profile.pkid)))).find((a) => a.userid === "eng")!;
    await cup.write(setUserAssignment(eng.cfgPkid, null));
    await cup.write(remove(INCOMING_ACL, { address: "ocsfe2.lab.example.com" }));

    // OCS (WMI on each pool's front end).
    const route = (await ocs[1]!.getRoute("cup.lab.example.com"))!;
    await ocs[1]!.deleteRoute(route.matchUri);
    await ocs[1]!.createRoute({ matchUri: "cup2.lab.example.com", nextHop: route.nextHop, port: route.port, transport: "TCP", replaceHostInRequestUri: route.replaceHostInRequestUri, enabled: true });
    await ocs[0]!.deleteHost("127.0.0.1");

    // DNS (RFC 2136).
    await dns.update("lab.example.com", [
      { op: "delete", name: "_sipinternaltls._tcp.lab.example.com", type: "SRV", rdata: "0 0 5061 pool1.lab.example.com." },
      { op: "delete", name: "ocsfe1.lab.example.com", type: "A", rdata: "127.0.0.11" },
    ]);
    await dns.update("0.0.127.in-addr.arpa", [{ op: "delete", name: "12.0.0.127.in-addr.arpa", type: "PTR", rdata: "ocsfe2.lab.example.com." }]);

    const { code, doc, err } = await audit();
    expect(code, err).toBe(2);
    expect(doc.outcome).toBe("problems");
    const got = doc.problems.map((p) => ({ check: p.check, object: p.object, user: p.user, fix: p.fix }));
    const expected: { check: string; object: string; user?: string; fix: RegExp }[] = [
      { check: "ad.lineUri", object: "AD user bjones", user: "bjones", fix: /^rcclab:users\[1\]\.e164 \(rcclab up applies it\), or by hand: Active Directory Users and Computers > Bob Jones \(bjones\) > Properties > Communications > Configure > Telephony > Line URI/ },
      { check: "ad.rcc", object: "AD user asmith", user: "asmith", fix: /^rcclab:users\[0\]\.rcc .*Enable remote call control$/ },
      { check: "ad.lineServer", object: "AD user dlee", user: "dlee", fix: /^rcclab:cup\.host .*Server URI sip:dlee@cup\.lab\.example\.com$/ },
      { check: "ad.homePool", object: "AD user eng", user: "eng", fix: /^rcclab:users\[4\]\.pool .*Server or pool/ },
      { check: "ad.sipDomain", object: "AD user cwu", user: "cwu", fix: /^rcclab:lab\.sipDomain .*Sign-in name: sip:cwu@lab\.example\.com$/ },
      { check: "cucm.userGroups", object: "CUCM end user asmith", user: "asmith", fix: /^rcclab:users\[0\]\.userGroups .*End User > asmith > Permissions Information > Add to User Group: Standard CTI Enabled$/ },
      { check: "cucm.presenceLicense", object: "CUCM end user bjones", user: "bjones", fix: /^rcclab:users\[1\]\.presence .*Capabilities Assignment > bjones: Enable CUP and Enable CUPC$/ },
      { check: "cucm.ctiControl", object: "phone SEP001E4AAABB04", user: "dlee", fix: /^rcclab:users\[3\]\.rcc .*Application User > rcc-cti > Device Information > Controlled Devices: add SEP001E4AAABB04$/ },
      { check: "cucm.callsPerLine", object: "phone SEP001E4AAABB03", user: "cwu", fix: /^rcclab:users\[2\]\.callsPerLine .*Maximum Number of Calls 1, Busy Trigger 1/ },
      { check: "cucm.ctiManager", object: "CTIManager on 127.0.0.1", fix: /^rcclab:cucm\.ctiManagers .*Service Activation \(127\.0\.0\.1\): Cisco CTIManager/ },
      { check: "cucm.trunk", object: "SIP trunk CUP-SIP-Trunk", fix: /^rcclab:trunk .*Device > Trunk > CUP-SIP-Trunk: Destination Address cup\.lab\.example\.com, port 5060$/ },
      { check: "cup.userAssigned", object: "CUP user eng", user: "eng", fix: /^rcclab:users\[4\]\.rcc .*Deskphone Control > User Assignment: assign eng$/ },
      { check: "cup.ctiUser", object: "CUP desk phone control", fix: /^rcclab:cti\.userid .*Deskphone Control > Settings: Application Username rcc-cti$/ },
      { check: "cup.ctiPassword", object: "CUP desk phone control", fix: /^set rcclab:cti\.password to rcc-cti's password on CUCM .*Application User > rcc-cti: Password, and the same in CUP Administration > Application > Deskphone Control > Settings: Application Password$/ },
      { check: "cup.incomingAcl", object: "OCS front end ocsfe2.lab.example.com", fix: /^rcclab:cup\.acl .*Incoming ACL > Add New: ocsfe2\.lab\.example\.com$/ },
      { check: "ocs.staticRoute", object: "OCS pool pool2.lab.example.com", fix: /Enterprise pools > pool2\.lab\.example\.com > Front End Properties > Routing > Add: Matching URI cup\.lab\.example\.com, Next hop 127\.0\.0\.1 port 5060 TCP$/ },
      { check: "ocs.hostAuthorization", object: "OCS pool pool1.lab.example.com", fix: /pool1\.lab\.example\.com > Front End Properties > Host Authorization > Add: 127\.0\.0\.1, Throttle as server, Treat as authenticated$/ },
      { check: "dns.srv", object: "SRV _sipinternaltls._tcp.lab.example.com", fix: /^rcclab:dns\.zone .*Service Location \(SRV\): _sipinternaltls, port 5061, host pool1\.lab\.example\.com$/ },
      { check: "dns.a", object: "A ocsfe1.lab.example.com", fix: /^rcclab:dns\.zone .*New Host \(A\): ocsfe1\.lab\.example\.com → 127\.0\.0\.11$/ },
      { check: "dns.ptr", object: "PTR 12.0.0.127.in-addr.arpa", fix: /^rcclab:dns\.reverseZone .*New Pointer \(PTR\): 12\.0\.0\.127\.in-addr\.arpa → ocsfe2\.lab\.example\.com\.$/ },
    ];
    expect(got.map((g) => `${g.check} ${g.object}`).sort()).toEqual(expected.map((e) => `${e.check} ${e.object}`).sort());
    for (const e of expected) {
      const g = got.find((x) => x.check === e.check && x.object === e.object)!;
      expect(g.user, e.check).toBe(e.user);
      expect(g.fix, e.check).toMatch(e.fix);
    }
    // What was found, for a few: the message says what is wrong.
    const msg = (check: string) => doc.problems.find((p) => p.check === check)!.message;
    expect(msg("ad.lineUri")).toBe("msRTCSIP-Line is tel:+14085550000, but the numbers on bjones's phones are +14085551002 (SEP001E4AAABB02)");
    expect(msg("cucm.callsPerLine")).toBe("SEP001E4AAABB03 line 1 takes 4 calls, busy trigger 2 (must be 1/1)");
    expect(msg("cucm.ctiManager")).toBe("Cisco CTIManager is not activated on 127.0.0.1");
    expect(msg("ocs.staticRoute")).toBe("no static route matches CUP's FQDN cup.lab.example.com (routes: gw01.lab.example.com → 192.0.2.10:5060, cup2.lab.example.com → 127.0.0.1:5060)");
    expect(msg("cup.ctiUser")).toBe("desk phone control signs in as someone-else, not as the CTI application user rcc-cti");
    expect(msg("cup.ctiPassword")).toBe(
      "CUCM refuses rcclab:cti.password for the CTI application user rcc-cti (doAuthenticateUser; it accepts application user rcclab-axl): desk phone control cannot sign in with it",
    );

    // The text answer: each problem and its fix, the summary; exit 2.
    const text = await t.rcclab("audit");
    expect(text.code).toBe(2);
    expect(text.out).toContain("❌ cucm.trunk  SIP trunk CUP-SIP-Trunk: CUP-SIP-Trunk points at 10.0.0.99:5060, not at CUP (cup.lab.example.com)");
    expect(text.out).toMatch(/^ {3}fix: rcclab:trunk \(rcclab up applies it\)/m);
    expect(text.out).toMatch(/Stack local: not ready: problems found\. 5 RCC users; \d+ passed, 20 failed, 0 not verifiable, \d+ not applicable/);

    // rcclab up puts the lab back, all but the password it never re-sends unchanged; the audit agrees.
    const up = await t.rcclab("up");
    expect(up.code, up.err + up.out).toBe(0);
    const after = await audit();
    expect(after.doc.problems.map((p) => p.check)).toEqual(["cup.ctiPassword"]);
    const cti = loadStackConfig(path.join(t.stacksDir, "Pulumi.local.yaml"), { passphrase: PASSPHRASE }).config["rcclab:cti"] as { password: string };
    await axl.update(axl.adapter.appUser, "rcc-cti", ({ uuid: _u, ...a }) => ({ ...a, password: cti.password }));
    const again = await audit();
    expect(again.doc.problems).toEqual([]);
    expect(again.code).toBe(0);
  });

  it("audits what rcclab did not build: a user enabled for RCC by hand in AD is a row of its own, its fixes on the admin pages; the HTML report read back from headless Chromium", async () => {
    // jdoe: in CUCM and AD before rcclab ran (the lab's seed), enabled for RCC by hand in AD; not in the stack.
    const home = first((await clients.ldap.findUser("asmith", ["msRTCSIP-PrimaryHomeServer"]))!, "msRTCSIP-PrimaryHomeServer")!;
    const jdoeDn = (await clients.ldap.findUser("jdoe", ["distinguishedName"]))!.dn;
    const set = (type: string, value: string) => ({ operation: "replace" as const, type, values: [value] });
    await clients.ldap.modify(jdoeDn, [
      set("displayName", HOSTILE),
      set("msRTCSIP-UserEnabled", "TRUE"),
      set("msRTCSIP-PrimaryUserAddress", "sip:jdoe@lab.example.com"),
      set("msRTCSIP-PrimaryHomeServer", home),
      set("msRTCSIP-Line", "tel:+14085550100"),
      set("msRTCSIP-LineServer", "sip:jdoe@cup.lab.example.com"),
      set("msRTCSIP-OptionFlags", "272"),
    ]);
    const report = path.join(tmp, "report.html");
    const audited = await audit("--report", report);
    // jdoe back as seeded (not an RCC user), for the tests that follow.
    await clients.ldap.modify(jdoeDn, [
      { operation: "delete", type: "msRTCSIP-Line", values: [] },
      { operation: "delete", type: "msRTCSIP-LineServer", values: [] },
      set("msRTCSIP-OptionFlags", "256"),
    ]);
    const { code, doc, err } = audited;
    expect(code, err).toBe(2);
    expect(doc.users.map((u) => u.userid)).toEqual(["asmith", "bjones", "cwu", "dlee", "eng", "jdoe"]);
    // Its problems, fixed on the admin pages (the stack has no key for a user it does not list).
    expect(doc.problems.filter((p) => p.user === "jdoe").map((p) => `${p.check}: ${p.message} | ${p.fix}`)).toEqual([
      "ad.lineUri: msRTCSIP-Line is tel:+14085550100, but CUCM end user jdoe has no associated phone with a line | by hand: CUCM Administration > User Management > End User > jdoe > Device Information > Device Association",
      "cucm.userGroups: not in Standard CTI Enabled and Standard CCM End Users (groups: none); RCC does not work otherwise | by hand: CUCM Administration > User Management > End User > jdoe > Permissions Information > Add to User Group: Standard CTI Enabled, Standard CCM End Users",
      "cucm.presenceLicense: Cisco Unified Presence (UPS) and Unified Personal Communicator (UPC) not enabled | by hand: CUCM Administration > System > Licensing > Capabilities Assignment > jdoe: Enable CUP and Enable CUPC",
      "cucm.ctiControl: jdoe has no associated phone (Device Association): there is nothing to control | by hand: CUCM Administration > User Management > End User > jdoe > Device Information > Device Association",
      "cup.userAssigned: jdoe is not assigned to desk phone control | by hand: CUP Administration > Application > Deskphone Control > User Assignment: assign jdoe",
    ]);
    // AD's side of jdoe is right.
    expect(doc.findings.filter((f) => f.user === "jdoe" && f.system === "ad" && f.status === "pass").map((f) => f.check)).toEqual(["ad.rcc", "ad.lineServer", "ad.homePool", "ad.sipDomain"]);
    expect(doc.problems.filter((p) => p.user !== "jdoe")).toEqual([]);

    if (!chromium) return;
    const dom = renderInChromium(chromium, report);
    expect(findAll(dom, (e) => e.tag === "script")).toEqual([]);
    const table = findAll(dom, (e) => e.tag === "table" && e.attrs.id === "users")[0]!;
    const rows = findAll(table, (e) => e.tag === "tr" && !!e.attrs["data-user"]);
    expect(rows.map((r) => r.attrs["data-user"])).toEqual(["asmith", "bjones", "cwu", "dlee", "eng", "jdoe"]);
    expect(rows[5]!.children[0]!.text).toBe(`${HOSTILE} (jdoe; ad)`);
    const header = findAll(table, (e) => e.tag === "th" && !!e.attrs["data-check"]).map((h) => h.attrs["data-check"]);
    expect(header).toEqual(["ad.lineUri", "ad.rcc", "ad.lineServer", "ad.homePool", "ad.sipDomain", "cucm.userGroups", "cucm.presenceLicense", "cucm.ctiControl", "cucm.callsPerLine", "cup.userAssigned"]);
    const marks = rows.map((r) => `${r.attrs["data-user"]} ${r.children.filter((c) => c.tag === "td").map((c) => c.text).join("")}`);
    expect(marks).toEqual(["asmith ✅✅✅✅✅✅✅✅–✅", "bjones ✅✅✅✅✅✅✅✅–✅", "cwu ✅✅✅✅✅✅✅✅✅✅", "dlee ✅✅✅✅✅✅✅✅–✅", "eng ✅✅✅✅✅✅✅✅–✅", "jdoe ❌✅✅✅✅❌❌❌–❌"]);
    const cell = (user: number, check: string) => rows[user]!.children.find((c) => c.attrs["data-check"] === check)!;
    expect(cell(5, "cup.userAssigned").attrs.title).toBe("CUP user jdoe: jdoe is not assigned to desk phone control — fix: by hand: CUP Administration > Application > Deskphone Control > User Assignment: assign jdoe");
    expect(cell(2, "cucm.callsPerLine").attrs.title).toBe("phone SEP001E4AAABB03: SEP001E4AAABB03: one call per line (1/1), No Rollover");
    // The system sections: the CUP section counts jdoe's problem; the summary line says so.
    const cupSection = findAll(dom, (e) => e.tag === "section" && e.attrs["data-system"] === "cup")[0]!;
    expect(findAll(cupSection, (e) => e.tag === "h2")[0]!.text).toBe("CUP 1 problem");
    expect(findAll(dom, (e) => e.attrs.id === "summary")[0]!.text).toMatch(/^Stack local: not ready: problems found\. 6 RCC users; \d+ passed, 5 failed, 0 not verifiable, 5 not applicable$/);
  });

  it("a bad stack is refused before any system is called: each problem by its YAML path, exit 1", async () => {
    const before = { cucm: lab.cucm.requests.length };
    t.editStack((c) => {
      (c["rcclab:cup"] as Record<string, unknown>).host = "not a host";
      (c["rcclab:users"] as Record<string, unknown>[])[1]!.e164 = "555-1234";
    });
    try {
      const r = await t.rcclab("audit");
      expect(r.code).toBe(1);
      expect(r.err).toContain("rcclab:cup.host: must be a fully qualified domain name, e.g. cup.lab.example.com");
      expect(r.err).toContain("rcclab:users[1].e164: must be E.164, e.g. +14085551001");
      expect(r.err).toContain("rcclab: stack local: 2 config problems; nothing was read");
      const j = await t.rcclab("audit", "--json");
      expect(j.code).toBe(1);
      expect(JSON.parse(j.out)).toEqual({ ok: false, error: { message: "stack local: 2 config problems; nothing was read", exitCode: 1 } });
      expect(lab.cucm.requests.length).toBe(before.cucm);
    } finally {
      t.editStack((c) => {
        (c["rcclab:cup"] as Record<string, unknown>).host = "cup.lab.example.com";
        (c["rcclab:users"] as Record<string, unknown>[])[1]!.e164 = "+14085551002";
      });
    }
  });

  it("a system that does not answer: the audit says what was not read and why, its checks not verifiable, exit 1 (never ready)", async () => {
    let port = 0;
    t.editStack((c) => {
      const winrm = (c["rcclab:ocs"] as Record<string, any>).winrm as Record<string, unknown>;
      port = winrm.port as number;
      winrm.port = 1; // nothing listens there
    });
    try {
      const r = await t.rcclab("audit");
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/^not read: ocs /m);
      expect(r.out).toMatch(/^❔ ocs\.staticRoute  OCS pool pool1\.lab\.example\.com: pool pool1\.lab\.example\.com not read: WinRM connection to 127\.0\.0\.11:1 failed \(ECONNREFUSED\)$/m);
      expect(r.out).toMatch(/Stack local: incomplete: part of the lab could not be read\./);
    } finally {
      t.editStack((c) => (((c["rcclab:ocs"] as Record<string, any>).winrm as Record<string, unknown>).port = port));
    }
  });
});
