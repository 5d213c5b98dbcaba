/**
 * `rcclab discover` end to end, with the real CLI (compiled) on the embedded lab: the lab is built
 * with the local stack, then discovered into a new stack. Its secrets filled in, that stack equals the
 * local one in substance, and the program planned from it declares the same resources with the same
 * inputs as the local stack's (the AD users adopted rather than created): the round trip `adopt`
 * builds on. A bad connection file is refused by path before any network call, nothing written; an
 * existing stack is never overwritten; objects made by hand that do not fit are listed and left out.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AxlClient } from "../providers/cucm/axl/client";
import type { PhoneSpec } from "../providers/cucm/axl/model";
import { type LabConfig, parseConfig } from "../src/config";
import { cupAcl } from "../src/derive";
import { type PlannedResource, planProgram } from "../src/engine/programCheck";
import { loadStackConfig, writeStackConfig } from "../src/engine/stackConfig";
import { lab as program } from "../src/program";
import { loadSource } from "../src/discover/connections";
import { type Access, inventoryToConfig } from "../src/discover/toConfig";
import { connectionsOf, type LabInventory, readInventory } from "../src/inventory";
import { PASSPHRASE, runCliInTerminal, runProcess, startTestLab, type TestLab } from "./support/lab";
import { labClients } from "./support/snapshot";

const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist/src/cli.js");

describe("rcclab discover on the embedded lab", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-discover-"));
  let t: TestLab;
  let axl: AxlClient;
  let closeClients: () => Promise<void>;
  let local: Record<string, any>;
  let inventory: LabInventory;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runProcess(process.execPath, [cli, ...args, "--stacks-dir", t.stacksDir], root, { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...env });
  const stackFile = (name: string) => path.join(t.stacksDir, `Pulumi.${name}.yaml`);

  /** Fill a discovered stack's secrets from the local stack's, as `pulumi config set --secret` would. */
  function fillSecrets(name: string, secrets: string[]): Record<string, any> {
    const { config } = loadStackConfig(stackFile(name));
    for (const p of secrets) {
      const [key, ...inner] = p.split(/\.(.*)/s).filter(Boolean) as [string, string?];
      const at = inner[0]!.split(".");
      const value = p === "rcclab:cti.password" ? local["rcclab:cti"].password : at.reduce((v: any, k) => v?.[k], local[key]);
      let target = config[key] as Record<string, any>;
      for (const k of at.slice(0, -1)) target = target[k] ??= {};
      target[at[at.length - 1]!] = value;
    }
    writeStackConfig(stackFile(name), config, { passphrase: PASSPHRASE, secrets });
    return loadStackConfig(stackFile(name), { passphrase: PASSPHRASE }).config;
  }

  beforeAll(async () => {
    t = await startTestLab(tmp);
    const r = await t.rcclab("up");
    expect(r.code, r.err + r.out).toBe(0);
    local = loadStackConfig(stackFile("local"), { passphrase: PASSPHRASE }).config;
    ({ axl, close: closeClients } = labClients(t.lab));
    inventory = await readInventory(connectionsOf(parseConfig(local).config!));
  });
  afterAll(async () => {
    await closeClients?.();
    await t?.lab.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("discover --from local writes a stack that, its secrets set, equals the local stack in substance and plans the same resource inputs", async () => {
    const r = await run(["discover", "--stack", "found", "--from", "local", "--json"]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, stack: "found", file: stackFile("found"), from: { kind: "stack", name: "local" }, counts: { users: 5, pools: 2, meetMe: 1, dialRules: 1 }, changes: [] });
    // Progress on stderr, one line per system read.
    expect(r.err).toMatch(/^CUCM 7\.0\.2\.\S+: 6 phones/m);
    expect(r.err).toMatch(/^OCS: pool1\.lab\.example\.com/m);

    // No secret in the file: the header says how to set each one.
    const text = fs.readFileSync(stackFile("found"), "utf8");
    for (const p of ["cucm.password", "cup.password", "cup.cli.password", "directory.password", "dns.tsig.secret", "ocs.winrm.password", "cti.password"]) {
      expect(text).toContain(`npx pulumi config set --stack found --secret --path 'rcclab:${p}' '…'`);
    }
    for (const secret of [local["rcclab:cucm"].password, local["rcclab:cti"].password, local["rcclab:directory"].password, local["rcclab:dns"].tsig.secret]) {
      expect(text).not.toContain(secret);
      expect(r.out).not.toContain(secret);
    }
    // Until they are set, the stack says which are missing.
    const unset = parseConfig(loadStackConfig(stackFile("found")).config);
    expect(unset.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["rcclab:cucm.password", "rcclab:cti.password"]));

    const found = fillSecrets("found", doc.secrets);
    const a = parseConfig(local).config!;
    const b = parseConfig(found).config!;
    expect(parseConfig(found).errors).toEqual([]);
    // In substance: the same lab.
    const substance = (c: LabConfig) => ({
      sipDomain: c.lab.sipDomain,
      users: c.users,
      pools: c.ocs.pools,
      cti: c.cti,
      trunk: c.trunk,
      callsPerLine: c.callsPerLine,
      extensionMobility: c.extensionMobility,
      meetMe: c.meetMe,
      dialRules: c.dialRules,
      acl: cupAcl(c),
      cup: { ...c.cup, acl: undefined },
      cucm: c.cucm,
      dns: c.dns,
      ocs: { ...c.ocs, pools: undefined },
    });
    expect(substance(b)).toEqual(substance(a));
    expect(b.directory).toEqual({ ...a.directory, users: "adopt", initialPassword: undefined });
    expect(b.lab.name).toBe("found");

    // The program on it: the same resources, with the same inputs.
    const byName = (rs: PlannedResource[]) => new Map(rs.map((x) => [x.name, x]));
    const planA = byName(await planProgram(program, local));
    const planB = byName(await planProgram(program, found));
    expect([...planB.keys()].sort()).toEqual([...planA.keys()].sort());
    expect(planA.size).toBeGreaterThan(60);
    for (const [name, x] of planA) {
      const y = planB.get(name)!;
      if (x.type === "rcclab:ad:User") {
        // Adopted, not created: looked up by name, never given a password or deleted.
        expect(y.inputs).toEqual({ sAMAccountName: x.inputs.sAMAccountName, adopt: true, connection: x.inputs.connection });
      } else {
        expect(y.inputs, name).toEqual(x.inputs);
      }
    }
  });

  it("the objects the lab had before rcclab are listed as not fitting, and left out", async () => {
    const r = await run(["discover", "--stack", "found2", "--from", "local", "--json"]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    const left = (doc.leftOut as { system: string; object: string; why: string }[]).map((m) => `${m.system}: ${m.object}: ${m.why}`);
    expect(left).toEqual(
      expect.arrayContaining([
        "cucm: phone SEP00AA00BB0001: no end user has it (Reception phone (pre-existing))",
        "cucm: end user jdoe: has no phone",
        "cucm: line +14085550100: on a phone that is left out",
        "cucm: application user existing-app: not the CTI user CUP's desk phone control logs in with",
        "ocs: static route gw01.lab.example.com on pool1.lab.example.com: not the route to CUP (next hop 192.0.2.10)",
      ]),
    );
    expect(left.some((l) => l.startsWith("cup: incoming ACL entry sipgw.lab.example.com"))).toBe(true);
    // Also as comments in the file.
    expect(fs.readFileSync(stackFile("found2"), "utf8")).toContain("#   cucm: phone SEP00AA00BB0001: no end user has it");
    expect(JSON.stringify(doc.config)).not.toContain("SEP00AA00BB0001");
  });

  it("on a terminal, a status line shows where the reads are", async () => {
    const r = await runCliInTerminal(["discover", "--stack", "onterminal", "--from", "local", "--stacks-dir", t.stacksDir]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\r\x1b\[2Kreading cucm: phones \d\/6/);
    expect(r.out).toMatch(/checking the round trip: objects \d+\/\d+/);
    expect(r.out).toContain(`${stackFile("onterminal")}: 5 users, 2 OCS pools`);
  });

  it("a connection file with a plain password, readable by others, is used with a warning", () => {
    const file = path.join(tmp, "readable.conn.yaml");
    const conn = {
      cucm: { host: "127.0.0.1", username: "u", password: "plain-Pa55", release: "7.0" },
      cup: { host: "cup.lab.example.com", address: "127.0.0.1", username: "u", password: "${RCCLAB_TEST_CUP}" },
      directory: { url: "ldaps://127.0.0.1:636", bindDn: "CN=a,DC=lab,DC=example,DC=com", password: "${RCCLAB_TEST_CUP}", usersDn: "CN=Users,DC=lab,DC=example,DC=com" },
      dns: { server: "127.0.0.1", zone: "lab.example.com", reverseZone: "0.0.127.in-addr.arpa", allowUnsignedUpdates: true },
      ocs: { transport: "ssh", ssh: { username: "u", password: "${RCCLAB_TEST_CUP}" } },
    };
    fs.writeFileSync(file, JSON.stringify(conn), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const source = loadSource(file, { stacksDir: t.stacksDir, env: { RCCLAB_TEST_CUP: "from-env" } });
    expect(source.kind).toBe("file");
    expect(source.access.cup.password).toBe("from-env");
    expect(source.access.cucm.password).toBe("plain-Pa55");
    expect(source.warnings).toEqual([`warning: ${file} holds cucm.password in plain text and is readable by others: chmod 600 it, or give them as \${ENV_VAR}`]);
    fs.chmodSync(file, 0o600);
    expect(loadSource(file, { stacksDir: t.stacksDir, env: { RCCLAB_TEST_CUP: "from-env" } }).warnings).toEqual([]);
  });

  describe("the lab as a stack, object by object (inventoryToConfig on the lab's inventory, changed in memory)", () => {
    const access = (): Access => ({
      cucm: local["rcclab:cucm"],
      cup: local["rcclab:cup"],
      directory: local["rcclab:directory"],
      dns: local["rcclab:dns"],
      ocs: { transport: local["rcclab:ocs"].transport, winrm: local["rcclab:ocs"].winrm, ssh: local["rcclab:ocs"].ssh },
    });
    const derive = (edit: (inv: LabInventory) => void) => {
      const inv = structuredClone(inventory);
      edit(inv);
      const d = inventoryToConfig(inv, access(), "unit");
      const users = d.config["rcclab:users"] as Record<string, any>[];
      return { d, users, user: (id: string) => users.find((u) => u.userid === id), left: d.leftOut.map((m) => `${m.object}: ${m.why}`) };
    };

    it("as built: the local stack's users, and only settings that differ from the defaults", () => {
      const { d, users, left } = derive(() => {});
      expect(users.map((u) => u.userid)).toEqual(["asmith", "bjones", "cwu", "dlee", "eng"]);
      expect(users[0]).toEqual({ userid: "asmith", firstName: "Alice", lastName: "Smith", e164: "+14085551001", pool: "pool1", phone: { model: "7975", protocol: "SCCP", mac: "00:1E:4A:AA:BB:01" }, extensionMobility: true });
      expect(d.config["rcclab:callsPerLine"]).toEqual({ maxNumCalls: 4, busyTrigger: 2 });
      expect(d.config["rcclab:cti"]).toEqual({ userid: "rcc-cti" });
      expect(d.config["rcclab:trunk"]).toBeUndefined();
      expect(d.config["rcclab:extensionMobility"]).toBeUndefined();
      expect(d.config["rcclab:cup"]).not.toHaveProperty("acl");
      expect(d.config["rcclab:cup"]).not.toHaveProperty("password");
      expect(d.secrets).toEqual(expect.arrayContaining(["rcclab:cucm.password", "rcclab:cti.password"]));
      expect(left).not.toContainEqual(expect.stringMatching(/^end user (asmith|bjones|cwu|dlee|eng)/));
    });

    it("call-per-line limits: the lab's is the common one, a user's own where it differs; a 7931 not at 1/1 is listed", () => {
      const { d, user, left } = derive((inv) => {
        for (const l of inv.cucm!.callLimits) {
          if (l.phoneName === "SEP001E4AAABB02") Object.assign(l, { maxNumCalls: 2, busyTrigger: 1 });
          if (l.phoneName === "SEP001E4AAABB03") Object.assign(l, { maxNumCalls: 4, busyTrigger: 2 });
        }
      });
      expect(d.config["rcclab:callsPerLine"]).toEqual({ maxNumCalls: 4, busyTrigger: 2 });
      expect(user("bjones")!.callsPerLine).toEqual({ maxNumCalls: 2, busyTrigger: 1 });
      expect(user("cwu")!.callsPerLine).toBeUndefined();
      expect(left).toContain("call-per-line limit of cwu's 7931: is 4/2; the 7931 takes one call per line (rcclab keeps it at 1/1)");
    });

    it("users that do not fit are left out, with why", () => {
      const { users, left } = derive((inv) => {
        inv.cucm!.endUsers.find((u) => u.userid === "eng")!.associatedDevices.push("SEP00AA00BB0001");
        inv.cup!.deskPhoneControlUsers = inv.cup!.deskPhoneControlUsers.filter((u) => u !== "dlee");
        inv.ad!.users.push({ dn: "CN=Ghost,CN=Users,DC=lab,DC=example,DC=com", sAMAccountName: "ghost", lineUri: "tel:+14085550999" });
        const bob = inv.ad!.users.find((u) => u.sAMAccountName === "bjones")!;
        bob.lineUri = "tel:+14085550000";
      });
      expect(users.map((u) => u.userid)).toEqual(["asmith", "cwu"]);
      expect(left).toContain("end user eng: controls 2 phones (SEP001E4AAABB05, SEP00AA00BB0001); rcclab's users have one");
      expect(left).toContainEqual(expect.stringMatching(/^end user dlee \(phone SEP001E4AAABB04\): partly enabled for remote call control \(has an AD Line URI, the CTI user controlling the phone; lacks CUP desk phone control\)/));
      expect(left).toContainEqual(expect.stringMatching(/^end user bjones \(phone SEP001E4AAABB02\): the AD Line URI tel:\+14085550000 is not tel:\+14085551002/));
      expect(left).toContain("AD user ghost: has a Line URI (tel:+14085550999) but is not a discovered CUCM user");
    });

    it("a phone or a line two users share is neither's", () => {
      const { users, left } = derive((inv) => {
        inv.cucm!.endUsers.find((u) => u.userid === "reception")!.associatedDevices.push("SEP001E4AAABB03");
        const eva = inv.cucm!.phones.find((p) => p.name === "SEP001E4AAABB05")!;
        eva.lines = [{ ...eva.lines[0]!, pattern: "\\+14085551004" }];
      });
      expect(users.map((u) => u.userid)).toEqual(["asmith", "bjones"]);
      expect(left).toContainEqual(expect.stringMatching(/^end user cwu \(phone SEP001E4AAABB03\): the phone is also reception's/));
      expect(left).toContainEqual(expect.stringMatching(/^end user reception \(phone SEP001E4AAABB03\): .*the phone is also cwu's/));
      expect(left).toContainEqual(expect.stringMatching(/^end user dlee \(phone SEP001E4AAABB04\): the line \+14085551004 is on other phones too \(SEP001E4AAABB05\)/));
    });

    it("settings that differ from the defaults are written: enhanced presence off, CTI gateways, presence, ACL, a second trunk listed", () => {
      const { d, user, left } = derive((inv) => {
        inv.ad!.users.find((u) => u.sAMAccountName === "eng")!.optionFlags = 16;
        inv.cup!.deskPhoneControl!.ctiGateways = ["10.0.0.2", "10.0.0.1"];
        inv.cup!.presence!.maxWatchers = 100;
        inv.cup!.incomingAcl = inv.cup!.incomingAcl.filter((a) => a.address !== "pool2.lab.example.com");
        inv.cucm!.trunks.push({ ...inv.cucm!.trunks[0]!, name: "CUP-SIP-Trunk-2" });
      });
      expect(user("eng")!.enhancedPresence).toBe(false);
      expect((d.config["rcclab:cucm"] as any).ctiManagers).toEqual(["10.0.0.2", "10.0.0.1"]);
      expect((d.config["rcclab:cup"] as any).presence).toEqual({ maxWatchers: 100 });
      expect((d.config["rcclab:cup"] as any).acl).toEqual(["ocsfe1.lab.example.com", "ocsfe2.lab.example.com", "pool1.lab.example.com"]);
      expect(left).toContain("outgoing ACL entry pool2.lab.example.com: has no incoming ACL entry (rcclab's OCS entries have both): OCS (rcclab)");
      expect(left).toContain("SIP trunk CUP-SIP-Trunk-2: a second trunk to CUP");
    });

    it("OCS pools come from AD and DNS: a pool without a front end's PTR record is left out", () => {
      const { d, left } = derive((inv) => {
        inv.dns!.records = inv.dns!.records.filter((r) => r.name !== "12.0.0.127.in-addr.arpa");
      });
      expect((d.config["rcclab:ocs"] as any).pools.map((p: { name: string }) => p.name)).toEqual(["pool1"]);
      expect(left).toContain("OCS pool pool2: no front end found: no PTR record at 127.0.0.12 names a server whose A record is 127.0.0.12");
    });
  });

  it("an existing stack is never overwritten", async () => {
    const before = fs.readFileSync(stackFile("found"), "utf8");
    const r = await run(["discover", "--stack", "found", "--from", "local"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${stackFile("found")} exists already`);
    expect(fs.readFileSync(stackFile("found"), "utf8")).toBe(before);
  });

  it("a bad connection file: every problem by its path, before any network call; nothing written", async () => {
    const file = path.join(tmp, "bad.conn.yaml");
    fs.writeFileSync(
      file,
      [
        "cucm:",
        "  host: 'not a host!'",
        "  username: rcclab-axl",
        "  password: ${RCCLAB_TEST_UNSET_VARIABLE}",
        '  release: "7.0"',
        "cup: { host: cup.lab.example.com, address: 127.0.0.1, username: cupadmin, password: x, portt: 8443 }",
        "directory: { url: 'ldaps://127.0.0.1:636', bindDn: 'CN=Administrator,CN=Users,DC=lab,DC=example,DC=com', password: x, usersDn: 'CN=Users,DC=lab,DC=example,DC=com' }",
        "ocs: { transport: winrm }",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const before = { cucm: t.lab.cucm.requests.length };
    const r = await run(["discover", "--stack", "bad", "--from", file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}: the connections are not valid`);
    expect(r.err).toContain("cucm.host: must be a host name or an IPv4 address");
    expect(r.err).toContain("cucm.password: the environment variable RCCLAB_TEST_UNSET_VARIABLE is not set");
    expect(r.err).toContain("cup: unknown setting(s): portt");
    expect(r.err).toContain("dns: missing");
    expect(r.err).toMatch(/ocs\.winrm: missing/);
    expect(fs.existsSync(stackFile("bad"))).toBe(false);
    expect(t.lab.cucm.requests.length).toBe(before.cucm);

    const json = await run(["discover", "--stack", "bad", "--from", file, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { exitCode: 1, message: expect.stringContaining("cucm.host: must be") } });
  });

  it("from a connection file (secrets from the environment): objects made by hand that do not fit are listed and left out", async () => {
    // A phone nobody has, a number on no phone, and Bob's phone edited by hand.
    await axl.add(axl.adapter.line, { pattern: "7777" }, { pattern: "7777" });
    const extra: PhoneSpec = {
      name: "SEP0011223344AA",
      product: "Cisco 7970",
      protocol: "SCCP",
      devicePoolName: "Default",
      locationName: "Hub_None",
      securityProfileName: "Cisco 7970 - Standard SCCP Non-Secure Profile",
      phoneTemplateName: "Standard 7970 SCCP",
      lines: [],
    } as unknown as PhoneSpec;
    await axl.add(axl.adapter.phone, extra, "SEP0011223344AA");
    await axl.update(axl.adapter.phone, "SEP001E4AAABB02", ({ uuid: _u, ...p }) => ({ ...p, description: "edited by hand" }));

    const section = (key: string, secrets: Record<string, string>) => {
      const s = structuredClone(local[key]);
      for (const [p, env] of Object.entries(secrets)) {
        const at = p.split(".");
        let o = s;
        for (const k of at.slice(0, -1)) o = o[k];
        o[at[at.length - 1]!] = `\${${env}}`;
      }
      return s;
    };
    const conn = {
      cucm: section("rcclab:cucm", { password: "LAB_CUCM_PASSWORD" }),
      cup: section("rcclab:cup", { password: "LAB_CUP_PASSWORD", "cli.password": "LAB_CUP_CLI_PASSWORD" }),
      directory: { ...section("rcclab:directory", { password: "LAB_AD_PASSWORD" }), users: undefined, initialPassword: undefined },
      dns: section("rcclab:dns", { "tsig.secret": "LAB_TSIG" }),
      ocs: { transport: "winrm", winrm: section("rcclab:ocs", { "winrm.password": "LAB_OCS_PASSWORD" }).winrm },
    };
    const file = path.join(tmp, "lab.conn.yaml");
    fs.writeFileSync(file, JSON.stringify(conn, null, 2), { mode: 0o600 });
    const env = {
      LAB_CUCM_PASSWORD: local["rcclab:cucm"].password,
      LAB_CUP_PASSWORD: local["rcclab:cup"].password,
      LAB_CUP_CLI_PASSWORD: local["rcclab:cup"].cli.password,
      LAB_AD_PASSWORD: local["rcclab:directory"].password,
      LAB_TSIG: local["rcclab:dns"].tsig.secret,
      LAB_OCS_PASSWORD: local["rcclab:ocs"].winrm.password,
    };
    const r = await run(["discover", "--stack", "byhand", "--from", file, "--json"], env);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain("readable by others");
    const doc = JSON.parse(r.out);
    const left = (doc.leftOut as { object: string; why: string }[]).map((m) => `${m.object}: ${m.why}`);
    expect(left).toContain("phone SEP0011223344AA: no end user has it (7970)");
    expect(left).toContain("line 7777: on no phone");
    // Bob's phone description was edited by hand: a field rcclab derives, changed in place by up. Bob
    // stays (leaving him out would take his phone from the CTI user), and the change is listed.
    expect(left.find((l) => l.startsWith("user bjones:"))).toBeUndefined();
    const users = (doc.config["rcclab:users"] as { userid: string }[]).map((u) => u.userid);
    expect(users).toEqual(["asmith", "bjones", "cwu", "dlee", "eng"]);
    expect(JSON.stringify(doc.config)).not.toMatch(/SEP0011223344AA|7777/);
    const changes = (doc.changes as { why: string }[]).map((c) => c.why);
    expect(changes).toEqual([expect.stringMatching(/rcclab:cucm:Phone SEP001E4AAABB02: description "edited by hand" → "Bob Jones 7971 SIP"/)]);
    // The stack, its secrets set, is valid.
    expect(parseConfig(fillSecrets("byhand", doc.secrets)).errors).toEqual([]);
  });
});
