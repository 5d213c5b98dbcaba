/**
 * The OCS kinds (A2: static route and host authorization for CUP) against the simulated OCS 2007 R2
 * front end over real SSH: create / read / update / replace / delete / import, drift after another
 * SSH session changes the route, injection attempts (refused, or stored literally and never run —
 * checked in the simulator's command log), wrong password, host key pinning, WMI access denied,
 * several front ends on one port, and the state file.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../providers/core/kind";
import { OcsClient, type OcsConnection, normalizeHostKeySha256, ocsConnectionSchema } from "../providers/ocs/client";
import type { SshTransport } from "../providers/ocs/ssh";
import { HostAuthorization } from "../providers/ocs/hostAuthorization";
import { MAX_COMMAND_LENGTH, OPS, POWERSHELL_PREFIX, SCRIPT_PRELUDE, buildCommand, buildScript, encodeScript, headerVars, psLiteral, scriptBody } from "../providers/ocs/script";
import { StaticRoute } from "../providers/ocs/staticRoute";
import { DEFAULT_POOL, type OcsSim, seedState, startOcsSim } from "../src/labsim/ocs";
import { checked, failure, quiet } from "./support/kinds";

const USER = "LAB\\rcclab-ocs";
const PASSWORD = "Ocs-P4ss;'\"<&> $x`";
const CUP = "cup.lab.example.com";
const CUP_IP = "10.10.20.30";
const INJECTION = "cup'; Remove-Item C:\\ -Recurse; '";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-ocs-"));
const clients: OcsClient[] = [];
let simA: OcsSim;
let simB: OcsSim;
let conn: OcsConnection;

function client(c: Partial<OcsConnection> = {}, log: Logger = quiet): OcsClient {
  const cl = new OcsClient(ocsConnectionSchema.parse({ ...conn, ...c }), log);
  clients.push(cl);
  return cl;
}

/** The client's SSH transport (for single script runs). */
const ssh = (c: OcsClient): SshTransport => c.transport as SshTransport;

/** One raw exec over a fresh SSH session. */
function rawExec(sim: OcsSim, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on("ready", () =>
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = "";
        let stderr = "";
        let code: number | null = null;
        stream.on("data", (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        stream.on("exit", (x: number) => (code = x));
        stream.on("close", () => {
          c.end();
          resolve({ code, stdout, stderr });
        });
        stream.end();
      }),
    );
    c.on("error", reject);
    c.connect({ host: sim.host, port: sim.port, username: USER, password: PASSWORD });
  });
}

beforeAll(async () => {
  simA = await startOcsSim({
    host: "127.0.0.11",
    port: 0,
    users: { [USER]: PASSWORD, "LAB\\helpdesk": "Help-desk1" },
    nonAdmins: ["LAB\\helpdesk"],
    hostKeyFile: path.join(tmp, "a", "ssh_host_rsa_key"),
    stateFile: path.join(tmp, "a", "state.json"),
    seed: {
      pools: [DEFAULT_POOL, { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" }],
      routes: [
        { matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", replaceHostInRequestUri: false },
        // The other pool's route for CUP: never this front end's business.
        { backend: "sql02.lab.example.com\\rtc", matchUri: CUP, nextHop: "10.99.99.99" },
      ],
      hosts: [{ server: "192.0.2.10" }],
    },
  });
  // A second front end (another pool) on another loopback address, same port.
  simB = await startOcsSim({
    host: "127.0.0.12",
    port: simA.port,
    users: { [USER]: PASSWORD },
    hostKeyFile: path.join(tmp, "b", "ssh_host_rsa_key"),
    stateFile: path.join(tmp, "b", "state.json"),
    seed: { pools: [DEFAULT_POOL, { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" }], routes: [], hosts: [] },
  });
  conn = ocsConnectionSchema.parse({
    transport: "ssh",
    host: simA.host,
    port: simA.port,
    username: USER,
    password: PASSWORD,
    hostKeySha256: simA.hostKeySha256,
    timeoutMs: 10_000,
    retries: 2,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    pool: DEFAULT_POOL.fqdn,
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await simA?.stop();
  await simB?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the PowerShell script", () => {
  it("quotes literals safely and refuses what cannot be a literal", () => {
    expect(psLiteral("it's")).toBe("'it''s'");
    expect(psLiteral(INJECTION)).toBe("'cup''; Remove-Item C:\\ -Recurse; '''");
    for (const bad of ["a\nb", "a\rb", "a\u0000b", "a\u2019b", "a\u2018b", "é"]) expect(() => psLiteral(bad)).toThrow(/literal/);
  });

  it("is the prelude, one assignment per variable, the operation's fixed body; it fits a cmd.exe command line", () => {
    const longest = (n: number) => `${"a".repeat(62)}.`.repeat(4).slice(0, n - 4) + ".com";
    for (const op of OPS) {
      const vars = { pool: longest(253), matchUri: longest(253), nextHop: longest(253), server: longest(253), port: "65535", transport: "TCP", replaceHost: "false", enabled: "false", outboundOnly: "false", throttleAsServer: "false", treatAsAuthenticated: "false", instanceId: `{${"0".repeat(36)}}` };
      const lines = buildScript(op, vars).split("\n");
      expect(lines[0]).toBe(SCRIPT_PRELUDE);
      expect(lines.slice(1, headerVars(op).length + 1).map((l) => l.slice(0, l.indexOf("=")))).toEqual(headerVars(op).map((v) => `$${v}`));
      expect(lines.slice(headerVars(op).length + 1).join("\n")).toBe(scriptBody(op));
      const command = buildCommand(op, vars);
      expect(command.startsWith(POWERSHELL_PREFIX)).toBe(true);
      expect(command).toMatch(/^[A-Za-z0-9.\- ]+[A-Za-z0-9+/=]+$/);
      expect(command.length, op).toBeLessThan(MAX_COMMAND_LENGTH);
      // PowerShell 1.0: no try/catch, no -join, no ConvertTo-Json.
      expect(scriptBody(op)).not.toMatch(/\btry\s*\{|-join|ConvertTo-Json/);
    }
  });

  it("the simulator's default seed has a gateway route and authorized host that rcclab must leave alone", () => {
    const st = seedState({ pools: [{ fqdn: "pool07.lab.example.com" }] });
    expect(st.pools).toEqual([{ PoolFQDN: "pool07.lab.example.com", BackEndDBPath: "sql-pool07.lab.example.com\\rtc" }]);
    expect(st.routes).toEqual([expect.objectContaining({ Backend: "sql-pool07.lab.example.com\\rtc", MatchURI: "gw01.lab.example.com", NextHop: "192.0.2.10" })]);
    expect(st.hosts).toEqual([expect.objectContaining({ Server: "192.0.2.10", TreatAsAuthenticated: true })]);
  });

  it("normalizes host key fingerprints", () => {
    const raw = createHash("sha256").update("key").digest();
    const b64 = raw.toString("base64").replace(/=+$/, "");
    expect(normalizeHostKeySha256(`SHA256:${b64}`)).toBe(`SHA256:${b64}`);
    expect(normalizeHostKeySha256(`${b64}=`)).toBe(`SHA256:${b64}`);
    expect(normalizeHostKeySha256(raw.toString("hex"))).toBe(`SHA256:${b64}`);
    expect(normalizeHostKeySha256("SHA256:short")).toBeUndefined();
    expect(ocsConnectionSchema.safeParse({ transport: "ssh", host: "fe01.lab.example.com", username: "u", password: "p", hostKeySha256: "nope" }).success).toBe(false);
    const parsed = ocsConnectionSchema.parse({ transport: "ssh", host: "fe01.lab.example.com", username: "u", password: "p" });
    expect(parsed).toMatchObject({ transport: "ssh", port: 22, timeoutMs: 120_000, retries: 3 });
  });
});

describe("rcclab:ocs:StaticRoute", () => {
  it("create, read, update in place, replace on matchUri, import, delete (the seeded route survives)", async () => {
    const inputs = checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn });
    expect(inputs).toMatchObject({ matchUri: CUP, nextHop: CUP_IP, port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: true });
    const created = await StaticRoute.runtime.create(inputs);
    expect(created.id).toBe(CUP);
    expect(created.outs.instanceId).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(created.outs.backend).toBe(DEFAULT_POOL.backend);

    const mine = () => simA.state().routes.filter((r) => r.MatchURI === CUP && r.Backend === DEFAULT_POOL.backend);
    expect(mine()).toEqual([
      { Backend: DEFAULT_POOL.backend, InstanceID: created.outs.instanceId, MatchURI: CUP, NextHop: CUP_IP, NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: true, Enabled: true },
    ]);

    const read = await StaticRoute.runtime.read(created.id, created.outs);
    expect(StaticRoute.runtime.changedFields(read.props!, inputs)).toEqual([]);

    const news = { ...inputs, nextHop: "cup-b.lab.example.com", port: 5070 };
    expect(StaticRoute.runtime.diff(created.id, created.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await StaticRoute.runtime.update(created.id, created.outs, news);
    expect(updated.outs.instanceId).toBe(created.outs.instanceId);
    expect(mine()[0]).toMatchObject({ NextHop: "cup-b.lab.example.com", NextHopPort: 5070 });

    expect(StaticRoute.runtime.diff(created.id, updated.outs, { ...news, matchUri: "cup2.lab.example.com" }).replaces).toEqual(["matchUri"]);

    const imported = await StaticRoute.runtime.read(CUP, { connection: conn });
    expect(imported.id).toBe(CUP);
    expect(imported.inputs).toMatchObject({ matchUri: CUP, nextHop: "cup-b.lab.example.com", port: 5070, transport: "TCP", replaceHostInRequestUri: true, enabled: true });
    expect(imported.props).toMatchObject({ instanceId: created.outs.instanceId });

    await StaticRoute.runtime.delete(created.id, updated.outs);
    expect(mine()).toEqual([]);
    await StaticRoute.runtime.delete(created.id, updated.outs); // already gone: not an error
    expect(await StaticRoute.runtime.read(created.id, updated.outs)).toEqual({});

    const routes = simA.state().routes;
    expect(routes.some((r) => r.MatchURI === "gw01.lab.example.com")).toBe(true);
    expect(routes.some((r) => r.MatchURI === CUP && r.Backend === "sql02.lab.example.com\\rtc")).toBe(true);
  });

  it("validates fields: transports, ports, TLS needs an FQDN", () => {
    const bad = (news: Record<string, unknown>) => StaticRoute.runtime.check({}, { connection: conn, ...news }).failures.map((f) => f.property);
    expect(bad({ matchUri: CUP, nextHop: CUP_IP, transport: "UDP" })).toEqual(["transport"]);
    expect(bad({ matchUri: CUP, nextHop: CUP_IP, port: 70000 })).toEqual(["port"]);
    expect(bad({ matchUri: CUP, nextHop: CUP_IP, transport: "TLS" })).toEqual(["nextHop"]);
    expect(bad({ matchUri: "*.lab.example.com", nextHop: CUP, transport: "TLS", port: 5061 })).toEqual([]);
    expect(bad({ matchUri: `sip:${CUP}`, nextHop: CUP_IP })).toEqual(["matchUri"]);
  });

  it("an existing route for the same match URI is reported, not overwritten", async () => {
    const err = await failure(StaticRoute.runtime.create(checked(StaticRoute, { matchUri: "gw01.lab.example.com", nextHop: CUP_IP, connection: conn })));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toMatch(/does not take over .*remove it on the server first/);
    expect(simA.state().routes.find((r) => r.MatchURI === "gw01.lab.example.com")?.NextHop).toBe("192.0.2.10");
  });

  it("drift: another SSH session changes the route; refresh sees it and update restores it", async () => {
    const inputs = checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn });
    const created = await StaticRoute.runtime.create(inputs);
    const other = client(); // its own SSH connection
    await other.updateRoute({ matchUri: CUP, nextHop: "10.66.66.66", port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: false });

    const read = await StaticRoute.runtime.read(created.id, created.outs);
    expect(StaticRoute.runtime.changedFields(read.props!, inputs).sort()).toEqual(["enabled", "nextHop"]);
    const fixed = await StaticRoute.runtime.update(created.id, read.props!, inputs);
    expect(fixed.outs.instanceId).toBe(created.outs.instanceId);
    expect(await other.getRoute(CUP)).toMatchObject({ nextHop: CUP_IP, enabled: true });

    // Removed and re-created out of band: delete leaves the newcomer (not the entry rcclab created).
    await other.deleteRoute(CUP);
    const stranger = await other.createRoute({ matchUri: CUP, nextHop: "10.77.77.77", port: 5060, transport: "TCP", replaceHostInRequestUri: false, enabled: true });
    await StaticRoute.runtime.delete(created.id, fixed.outs);
    expect(await other.getRoute(CUP)).toMatchObject({ instanceId: stranger.instanceId, nextHop: "10.77.77.77" });
    await other.deleteRoute(CUP, stranger.instanceId);
    expect(await other.getRoute(CUP)).toBeUndefined();
  });
});

describe("rcclab:ocs:HostAuthorization", () => {
  it("create, read, update in place, replace on server, import, delete (the seeded host survives)", async () => {
    const inputs = checked(HostAuthorization, { server: CUP, connection: conn });
    expect(inputs).toMatchObject({ server: CUP, outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true });
    const created = await HostAuthorization.runtime.create(inputs);
    expect(created.id).toBe(CUP);
    const mine = () => simA.state().hosts.filter((h) => h.Server === CUP);
    expect(mine()).toEqual([
      { Backend: DEFAULT_POOL.backend, InstanceID: created.outs.instanceId, Server: CUP, OutboundOnly: false, ThrottleAsServer: true, TreatAsAuthenticated: true },
    ]);

    const read = await HostAuthorization.runtime.read(created.id, created.outs);
    expect(HostAuthorization.runtime.changedFields(read.props!, inputs)).toEqual([]);

    const news = { ...inputs, throttleAsServer: false };
    const updated = await HostAuthorization.runtime.update(created.id, created.outs, news);
    expect(updated.outs.instanceId).toBe(created.outs.instanceId);
    expect(mine()[0]?.ThrottleAsServer).toBe(false);
    expect(HostAuthorization.runtime.diff(created.id, updated.outs, { ...news, server: CUP_IP })).toEqual({ changes: true, replaces: ["server"], deleteBeforeReplace: false });

    // Import by natural key; the server's spelling may differ in case.
    const imported = await HostAuthorization.runtime.read(CUP.toUpperCase(), { connection: conn });
    expect(imported.inputs).toMatchObject({ server: CUP, throttleAsServer: false });

    await HostAuthorization.runtime.delete(created.id, updated.outs);
    expect(mine()).toEqual([]);
    await HostAuthorization.runtime.delete(created.id, updated.outs);
    expect(simA.state().hosts.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });

  it("refuses 0.0.0.0 and multicast addresses", () => {
    for (const server of ["0.0.0.0", "224.0.0.1", "239.1.2.3"]) {
      expect(HostAuthorization.runtime.check({}, { server, connection: conn }).failures.map((f) => f.property)).toEqual(["server"]);
    }
  });
});

describe("injection", () => {
  it("kind validation refuses quotes, command text and line breaks before any command is sent", () => {
    const before = simA.commands.length;
    for (const matchUri of [INJECTION, `${CUP}\nRemove-Item C:\\`, `${CUP}\r\n;Remove-Item C:\\`, `${CUP}’`]) {
      const r = StaticRoute.runtime.check({}, { matchUri, nextHop: CUP_IP, connection: conn });
      expect(r.failures.map((f) => f.property)).toEqual(["matchUri"]);
    }
    for (const server of [INJECTION, `${CUP}; del *`]) {
      expect(HostAuthorization.runtime.check({}, { server, connection: conn }).failures.map((f) => f.property)).toEqual(["server"]);
    }
    expect(HostAuthorization.runtime.check({}, { server: CUP, connection: { ...conn, pool: "x'; Remove-Item C:\\ -Recurse; '" } }).failures.map((f) => f.property)).toEqual(["connection.pool"]);
    // Surrounding white space is trimmed away, leaving a clean name.
    expect(checked(StaticRoute, { matchUri: `${CUP}\r\n`, nextHop: CUP_IP, connection: conn }).matchUri).toBe(CUP);
    expect(simA.commands.length).toBe(before);
  });

  it("below validation, a quote-laden value is one literal: stored as text, never run", async () => {
    const c = client();
    const before = simA.commands.length;
    expect(await ssh(c).once("route.get", { matchUri: INJECTION })).toEqual([]);
    const rows = (await ssh(c).once("route.create", { matchUri: INJECTION, nextHop: CUP_IP, port: "5060", transport: "TCP", replaceHost: "true", enabled: "true" })) as Array<{ MatchURI: string }>;
    expect(rows.map((r) => r.MatchURI)).toEqual([INJECTION]); // the JSON formatter's \u escapes round-trip
    expect(simA.state().routes.filter((r) => r.MatchURI === INJECTION)).toHaveLength(1);
    await ssh(c).once("route.delete", { matchUri: INJECTION });
    const log = simA.commands.slice(before);
    expect(log.map((l) => [l.op, l.vars?.matchUri, l.rejected])).toEqual([
      ["route.get", INJECTION, undefined],
      ["route.create", INJECTION, undefined],
      ["route.delete", INJECTION, undefined],
    ]);
    // What travelled is the provider's script with the literal doubled inside it, nothing else.
    const script = Buffer.from(log[1]!.command.slice(POWERSHELL_PREFIX.length), "base64").toString("utf16le");
    expect(script.split("\n")).toContain("$matchUri='cup''; Remove-Item C:\\ -Recurse; '''");
    expect(script.split("\n").filter((l) => /Remove-Item/.test(l))).toHaveLength(1);
  });

  it("the client refuses line breaks, control and non-ASCII characters; nothing is sent", async () => {
    const c = client();
    const before = simA.commands.length;
    for (const v of ["a\nb", "a\r\nRemove-Item C:\\", "a\u0007", "cup\u2019; Remove-Item C:\\; \u2019"]) {
      const err = await failure(ssh(c).once("route.get", { matchUri: v }));
      expect(err.code).toBe("InvalidRequest");
    }
    expect(simA.commands.length).toBe(before);
  });

  it("the simulator runs only the provider's exact script: a hand-made injection is rejected, not run", async () => {
    const before = simA.state();
    const vars = { pool: DEFAULT_POOL.fqdn, matchUri: "evil.lab.example.com", nextHop: CUP_IP, port: "5060", transport: "TCP", replaceHost: "true", enabled: "true" };
    // What a client that forgot to double the quote would send.
    const script = buildScript("route.create", vars).replace("$matchUri='evil.lab.example.com'", "$matchUri='evil'; Remove-Item C:\\ -Recurse; ''");
    const r = await rawExec(simA, POWERSHELL_PREFIX + encodeScript(script));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unexpected token/);
    expect(simA.commands.at(-1)).toMatchObject({ ok: false, rejected: expect.stringMatching(/\$matchUri/) });
    // A different body, other commands, other switches.
    const body = await rawExec(simA, POWERSHELL_PREFIX + encodeScript(`${buildScript("route.create", vars)}\nRemove-Item C:\\ -Recurse`));
    expect(body.code).not.toBe(0);
    const cmd = await rawExec(simA, "del /s /q C:\\");
    expect(cmd.code).toBe(9009);
    expect(cmd.stderr).toMatch(/is not recognized as an internal or external command/);
    const ps = await rawExec(simA, "powershell.exe -Command Remove-Item C:\\");
    expect(ps.code).not.toBe(0);
    expect(simA.commands.slice(-3).every((c) => c.rejected)).toBe(true);
    expect(simA.state()).toEqual(before);
  });
});

describe("connections and errors", () => {
  it("wrong password → Unauthorized, and the message carries no password", async () => {
    const wrong = "Wr0ng-P4ss;'secret";
    const before = simA.commands.length;
    const err = await failure(StaticRoute.runtime.create(checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: { ...conn, password: wrong } })));
    expect(err.code).toBe("Unauthorized");
    expect(err.message).toMatch(/SSH login as LAB\\rcclab-ocs refused/);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(PASSWORD);
    expect(simA.commands.length).toBe(before);
  });

  it("a host key other than the pinned one is refused before logging in", async () => {
    const other = `SHA256:${randomBytes(32).toString("base64").replace(/=+$/, "")}`;
    const before = simA.commands.length;
    const err = await failure(StaticRoute.runtime.read(CUP, { connection: { ...conn, hostKeySha256: other } }));
    expect(err.code).toBe("Tls");
    expect(err.message).toContain(simA.hostKeySha256);
    expect(err.message).toContain(other);
    expect(err.message).not.toContain(PASSWORD);
    expect(simA.commands.length).toBe(before);
    // Front end B's key is not front end A's.
    expect(simB.hostKeySha256).not.toBe(simA.hostKeySha256);
  });

  it("without a pin the key is accepted and its fingerprint logged", async () => {
    const warnings: string[] = [];
    const c = client({ hostKeySha256: undefined }, { info: () => {}, warn: (m) => warnings.push(m) });
    expect(await c.listRoutes()).toEqual(expect.arrayContaining([expect.objectContaining({ matchUri: "gw01.lab.example.com" })]));
    await c.listHosts();
    expect(warnings).toEqual([`SSH host key of ${simA.host}:${simA.port} not pinned; accepting ${simA.hostKeySha256} (set ocs.ssh.hostKeySha256 to pin it)`]);
  });

  it("an account without OCS rights → Unauthorized (WMI access denied)", async () => {
    const err = await failure(client({ username: "LAB\\helpdesk", password: "Help-desk1" }).listRoutes());
    expect(err.code).toBe("Unauthorized");
    expect(err.message).toMatch(/Access denied.*RTCUniversalServerAdmins/);
  });

  it("the pool's back end: found from the pool FQDN, or named; an unknown pool is refused", async () => {
    expect((await client({ pool: "pool02.lab.example.com" }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    expect((await client({ pool: undefined, backend: "sql02.lab.example.com\\rtc" }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    const none = await failure(client({ pool: "pool09.lab.example.com" }).listRoutes());
    expect(none.code).toBe("InvalidRequest");
    expect(none.message).toMatch(/0 pools match/);
    const two = await failure(client({ pool: undefined }).listRoutes());
    expect(two.message).toMatch(/2 pools match/);
  });

  it("a create whose answer is lost is retried without a duplicate; a dropped read is retried", async () => {
    const c = client();
    simA.dropNext("after", "host.create");
    const made = await c.createHost({ server: "cup-lost.lab.example.com", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true });
    expect(simA.state().hosts.filter((h) => h.Server === "cup-lost.lab.example.com")).toEqual([expect.objectContaining({ InstanceID: made.instanceId })]);
    // The retry looks before it sends the create again, and finds the entry the lost attempt made.
    expect(simA.commands.slice(-2).map((x) => [x.op, x.dropped ?? x.exitCode])).toEqual([
      ["host.create", "after"],
      ["host.get", 0],
    ]);
    simA.dropNext("before", "host.get");
    expect(await c.getHost("cup-lost.lab.example.com")).toMatchObject({ instanceId: made.instanceId });
    await c.deleteHost("cup-lost.lab.example.com", made.instanceId);
    expect(simA.state().hosts.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });

  it("an unreachable front end → Transport after the retries", async () => {
    const err = await failure(client({ host: "127.0.0.13" }).listRoutes());
    expect(err.code).toBe("Transport");
    expect(err.message).toMatch(/127\.0\.0\.13/);
  });

  it("several front ends on one port: each pool keeps its own entries; the state file survives a restart", async () => {
    const connB = { ...conn, host: simB.host, hostKeySha256: simB.hostKeySha256, pool: "pool02.lab.example.com" };
    const a = await StaticRoute.runtime.create(checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn }));
    const b = await StaticRoute.runtime.create(checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: connB }));
    expect(a.id).toBe(b.id);
    expect(b.outs.backend).toBe("sql02.lab.example.com\\rtc");
    await StaticRoute.runtime.delete(a.id, a.outs);
    expect(simB.state().routes.map((r) => r.MatchURI)).toEqual([CUP]);

    await simB.stop();
    simB = await startOcsSim({
      host: "127.0.0.12",
      port: simA.port,
      users: { [USER]: PASSWORD },
      hostKeyFile: path.join(tmp, "b", "ssh_host_rsa_key"),
      stateFile: path.join(tmp, "b", "state.json"),
    });
    expect(simB.hostKeySha256).toBe(connB.hostKeySha256);
    const again = await StaticRoute.runtime.read(b.id, b.outs);
    expect(again.props).toMatchObject({ instanceId: b.outs.instanceId, nextHop: CUP_IP });
    await StaticRoute.runtime.delete(b.id, again.props!);
    expect(simB.state().routes).toEqual([]);
  });
});
