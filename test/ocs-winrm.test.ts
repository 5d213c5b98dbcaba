/**
 * The OCS kinds (A2: static route and host authorization for CUP) over WinRM against the simulated
 * OCS 2007 R2 front end's WS-Management endpoint (src/labsim/ocs/winrm): create / read / update /
 * delete / import, NTLM and Basic, HTTPS with the lab CA and with a pinned certificate, plain HTTP
 * refused unless allowed, access denied, a lost answer after create (no duplicate), an existing
 * entry not taken over, the Backend compared tolerantly, the seeded gateway route never touched,
 * secrets never in errors, a WinRM without WMI Create/Delete.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OcsClient, type OcsConnection, ocsConnectionSchema } from "../providers/ocs/client";
import { HostAuthorization } from "../providers/ocs/hostAuthorization";
import { StaticRoute } from "../providers/ocs/staticRoute";
import { DEFAULT_POOL } from "../src/labsim/ocs/store";
import { type OcsWinRm, startOcsWinRm } from "../src/labsim/ocs/winrm";
import { checked, failure, quiet } from "./support/kinds";

const USER = "LAB\\rcclab-ocs";
const PASSWORD = "Ocs-P4ss;'\"<&> $x`";
const CUP = "cup.lab.example.com";
const CUP_IP = "10.10.20.30";
const POOL2 = { fqdn: "pool02.lab.example.com", backend: "sql02.lab.example.com\\rtc" };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rcclab-ocs-winrm-sim-"));
const clients: OcsClient[] = [];
let fe: OcsWinRm;
let conn: Record<string, unknown>;

function client(c: Record<string, unknown> = {}): OcsClient {
  const cl = new OcsClient(ocsConnectionSchema.parse({ ...conn, ...c }) as OcsConnection, quiet);
  clients.push(cl);
  return cl;
}

const fingerprint = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

beforeAll(async () => {
  fe = await startOcsWinRm({
    caDir: path.join(tmp, "ca"),
    users: { [USER]: PASSWORD, "LAB\\helpdesk": "Help-desk1", rcclab: "Local-P4ss" },
    nonAdmins: ["LAB\\helpdesk"],
    stateFile: path.join(tmp, "fe", "state.json"),
    seed: {
      pools: [DEFAULT_POOL, POOL2],
      routes: [
        { matchUri: "gw01.lab.example.com", nextHop: "192.0.2.10", replaceHostInRequestUri: false },
        // The other pool's route for CUP: never this pool's business.
        { backend: POOL2.backend, matchUri: CUP, nextHop: "10.99.99.99" },
      ],
      hosts: [{ server: "192.0.2.10" }],
    },
  });
  conn = {
    host: fe.host,
    port: fe.port,
    username: USER,
    password: PASSWORD,
    tls: { caPem: fe.caPem },
    pool: DEFAULT_POOL.fqdn,
    timeoutMs: 10_000,
    retries: 2,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
  };
});

afterAll(async () => {
  for (const c of clients) c.close();
  await fe?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("rcclab:ocs:StaticRoute over WinRM", () => {
  it("create, read, update in place, import, delete; the seeded gateway route and the other pool's route survive", async () => {
    const inputs = checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn });
    expect(inputs.connection).toMatchObject({ transport: "winrm", port: fe.port });
    const created = await StaticRoute.runtime.create(inputs);
    expect(created.id).toBe(CUP);
    expect(created.outs.instanceId).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect(created.outs.backend).toBe(DEFAULT_POOL.backend);
    const [create, get] = fe.requests.filter((r) => r.action === "Create" || r.action === "Get").slice(-2);
    expect(create).toMatchObject({ action: "Create", status: 200 });
    expect(get).toMatchObject({ action: "Get", selectors: { Backend: DEFAULT_POOL.backend, InstanceID: created.outs.instanceId } });
    const mine = () => fe.state().routes.filter((r) => r.MatchURI === CUP && r.Backend.toLowerCase() === DEFAULT_POOL.backend);
    expect(mine()).toEqual([
      expect.objectContaining({ InstanceID: created.outs.instanceId, NextHop: CUP_IP, NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: true, Enabled: true }),
    ]);

    const read = await StaticRoute.runtime.read(created.id, created.outs);
    expect(StaticRoute.runtime.changedFields(read.props!, inputs)).toEqual([]);

    const news = { ...inputs, nextHop: "cup-b.lab.example.com", port: 5070 };
    const updated = await StaticRoute.runtime.update(created.id, created.outs, news);
    expect(updated.outs.instanceId).toBe(created.outs.instanceId);
    expect(mine()[0]).toMatchObject({ NextHop: "cup-b.lab.example.com", NextHopPort: 5070 });
    const put = fe.requests.filter((r) => r.action === "Put").at(-1)!;
    expect(put.selectors).toEqual({ Backend: DEFAULT_POOL.backend, InstanceID: created.outs.instanceId });

    const imported = await StaticRoute.runtime.read(CUP, { connection: inputs.connection });
    expect(imported.inputs).toMatchObject({ matchUri: CUP, nextHop: "cup-b.lab.example.com", port: 5070, transport: "TCP", replaceHostInRequestUri: true, enabled: true });
    expect(imported.props).toMatchObject({ instanceId: created.outs.instanceId });

    await StaticRoute.runtime.delete(created.id, updated.outs);
    expect(mine()).toEqual([]);
    await StaticRoute.runtime.delete(created.id, updated.outs); // already gone: not an error
    expect(await StaticRoute.runtime.read(created.id, updated.outs)).toEqual({});

    const routes = fe.state().routes;
    expect(routes.find((r) => r.MatchURI === "gw01.lab.example.com")).toMatchObject({ NextHop: "192.0.2.10", ReplaceHostInRequestURI: false });
    expect(routes.find((r) => r.MatchURI === CUP && r.Backend === POOL2.backend)).toMatchObject({ NextHop: "10.99.99.99" });
  });

  it("an existing route for the match URI is not taken over: AlreadyExists says how to adopt it", async () => {
    const before = fe.requests.length;
    const err = await failure(StaticRoute.runtime.create(checked(StaticRoute, { matchUri: "gw01.lab.example.com", nextHop: CUP_IP, connection: conn })));
    expect(err.code).toBe("AlreadyExists");
    expect(err.message).toMatch(/does not take over .*remove it on the server first/);
    expect(fe.requests.slice(before).map((r) => r.action)).not.toContain("Create");
    expect(fe.state().routes.find((r) => r.MatchURI === "gw01.lab.example.com")?.NextHop).toBe("192.0.2.10");
  });

  it("drift: a change behind rcclab's back reads as drift and update repairs it", async () => {
    const inputs = checked(StaticRoute, { matchUri: CUP, nextHop: CUP_IP, connection: conn });
    const created = await StaticRoute.runtime.create(inputs);
    fe.mutate((s) => {
      const r = s.routes.find((x) => x.InstanceID === created.outs.instanceId)!;
      r.NextHop = "10.66.66.66";
      r.Enabled = false;
    });
    const read = await StaticRoute.runtime.read(created.id, created.outs);
    expect(StaticRoute.runtime.changedFields(read.props!, inputs).sort()).toEqual(["enabled", "nextHop"]);
    await StaticRoute.runtime.update(created.id, read.props!, inputs);
    expect(fe.state().routes.find((x) => x.InstanceID === created.outs.instanceId)).toMatchObject({ NextHop: CUP_IP, Enabled: true });
    await StaticRoute.runtime.delete(created.id, created.outs);
  });
});

describe("rcclab:ocs:HostAuthorization over WinRM", () => {
  it("create, read, update, import, delete (the seeded host survives)", async () => {
    const inputs = checked(HostAuthorization, { server: CUP, connection: conn });
    const created = await HostAuthorization.runtime.create(inputs);
    const mine = () => fe.state().hosts.filter((h) => h.Server === CUP);
    expect(mine()).toEqual([expect.objectContaining({ InstanceID: created.outs.instanceId, OutboundOnly: false, ThrottleAsServer: true, TreatAsAuthenticated: true })]);
    const read = await HostAuthorization.runtime.read(created.id, created.outs);
    expect(HostAuthorization.runtime.changedFields(read.props!, inputs)).toEqual([]);
    const updated = await HostAuthorization.runtime.update(created.id, created.outs, { ...inputs, throttleAsServer: false });
    expect(mine()[0]?.ThrottleAsServer).toBe(false);
    const imported = await HostAuthorization.runtime.read(CUP.toUpperCase(), { connection: inputs.connection });
    expect(imported.inputs).toMatchObject({ server: CUP, throttleAsServer: false });
    await HostAuthorization.runtime.delete(created.id, updated.outs);
    expect(mine()).toEqual([]);
    expect(fe.state().hosts.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });

  it("a create whose answer is lost is not made twice; a dropped read is retried", async () => {
    const c = client();
    const creates = () => fe.requests.filter((r) => r.action === "Create").length;
    const before = creates();
    fe.dropNext("after", "Create");
    const made = await c.createHost({ server: "cup-lost.lab.example.com", outboundOnly: false, throttleAsServer: true, treatAsAuthenticated: true });
    expect(fe.state().hosts.filter((h) => h.Server === "cup-lost.lab.example.com")).toEqual([expect.objectContaining({ InstanceID: made.instanceId })]);
    expect(creates() - before).toBe(1);
    fe.dropNext("before", "Enumerate");
    expect(await c.getHost("cup-lost.lab.example.com")).toMatchObject({ instanceId: made.instanceId });
    await c.deleteHost("cup-lost.lab.example.com", made.instanceId);
    expect(fe.state().hosts.map((h) => h.Server)).toEqual(["192.0.2.10"]);
  });
});

describe("the pool's back end", () => {
  it("found from the pool FQDN, or named (compared tolerantly); an unknown pool is refused", async () => {
    expect((await client({ pool: POOL2.fqdn }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    expect((await client({ pool: undefined, backend: POOL2.backend.toUpperCase() }).getRoute(CUP))?.nextHop).toBe("10.99.99.99");
    const none = await failure(client({ pool: "pool09.lab.example.com" }).listRoutes());
    expect(none).toMatchObject({ code: "InvalidRequest", message: expect.stringMatching(/0 pools match/) });
    expect((await failure(client({ pool: undefined }).listRoutes())).message).toMatch(/2 pools match/);
  });

  it("rows whose Backend is spelled differently (short host, capitals) are this pool's", async () => {
    fe.mutate((s) => {
      s.routes.push({ Backend: "SQL01\\RTC", InstanceID: "{0D0D0D0D-0000-4000-8000-000000000001}", MatchURI: "short.lab.example.com", NextHop: "10.1.1.1", NextHopPort: 5060, NextHopTransport: "TCP", ReplaceHostInRequestURI: true, Enabled: true });
    });
    try {
      const routes = await client().listRoutes();
      expect(routes.map((r) => r.matchUri).sort()).toEqual(["gw01.lab.example.com", "short.lab.example.com"]);
      expect(await client().getRoute("short.lab.example.com")).toMatchObject({ backend: "SQL01\\RTC", nextHop: "10.1.1.1" });
      // Named in short form, the back end still finds the rows spelled with its FQDN.
      expect((await client({ pool: undefined, backend: "sql01\\rtc" }).listRoutes()).map((r) => r.matchUri).sort()).toEqual(["gw01.lab.example.com", "short.lab.example.com"]);
      // An update names the row by the Backend the server has for it.
      await client().updateRoute({ matchUri: "short.lab.example.com", nextHop: "10.1.1.2", port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: true });
      expect(fe.requests.filter((r) => r.action === "Put").at(-1)!.selectors).toEqual({ Backend: "SQL01\\RTC", InstanceID: "{0D0D0D0D-0000-4000-8000-000000000001}" });
      expect(fe.state().routes.find((r) => r.MatchURI === "short.lab.example.com")?.NextHop).toBe("10.1.1.2");
    } finally {
      fe.mutate((s) => {
        s.routes = s.routes.filter((r) => r.MatchURI !== "short.lab.example.com");
      });
    }
  });
});

describe("authentication, TLS and faults", () => {
  it("Basic over HTTPS with the certificate pinned instead of the CA", async () => {
    const pem = await new Promise<string>((resolve, reject) => {
      const tls = require("node:tls") as typeof import("node:tls");
      const s = tls.connect({ host: fe.host, port: fe.port, rejectUnauthorized: false }, () => {
        const der = s.getPeerCertificate().raw;
        s.end();
        resolve(`-----BEGIN CERTIFICATE-----\n${der.toString("base64")}\n-----END CERTIFICATE-----\n`);
      });
      s.on("error", reject);
    });
    const c = client({ username: "rcclab", password: "Local-P4ss", auth: "basic", tls: { fingerprint256: fingerprint(pem) } });
    expect((await c.listRoutes()).map((r) => r.matchUri)).toContain("gw01.lab.example.com");
    expect(fe.requests.at(-1)).toMatchObject({ auth: "Basic" });
  });

  it("NTLM is the default and is what the server saw", async () => {
    await client().listHosts();
    expect(fe.requests.filter((r) => r.user).at(-1)).toMatchObject({ user: expect.stringMatching(/rcclab-ocs/i) });
    expect(fe.requests.filter((r) => r.auth).map((r) => r.auth)).toContain("Negotiate");
  });

  it("a wrong pin or no trust in the certificate → Tls before anything is sent", async () => {
    const before = fe.requests.length;
    expect((await failure(client({ tls: { fingerprint256: "AB:".repeat(31) + "AB" } }).listRoutes())).code).toBe("Tls");
    expect((await failure(client({ tls: undefined }).listRoutes())).code).toBe("Tls");
    expect(fe.requests.length).toBe(before);
  });

  it("a wrong password → Unauthorized (NTLM and Basic), no password in the message or cause", async () => {
    for (const c of [{ password: "Wr0ng-secret" }, { username: "rcclab", password: "Wr0ng-secret", auth: "basic" }]) {
      const err = await failure(StaticRoute.runtime.read(CUP, { connection: { ...conn, ...c } }));
      expect(err.code).toBe("Unauthorized");
      const all = `${err.message} ${JSON.stringify(err.cause ?? null)} ${String((err.cause as Error | undefined)?.stack ?? "")}`;
      expect(all).not.toContain("Wr0ng-secret");
      expect(all).not.toContain(PASSWORD);
    }
  });

  it("an account without OCS rights → Unauthorized (wsman AccessDenied)", async () => {
    const err = await failure(client({ username: "LAB\\helpdesk", password: "Help-desk1" }).listRoutes());
    expect(err.code).toBe("Unauthorized");
    expect(err.message).toMatch(/access denied/i);
  });

  it("plain HTTP is refused by the connection's rules unless allowed", () => {
    expect(StaticRoute.runtime.check({}, { matchUri: CUP, nextHop: CUP_IP, connection: { ...conn, https: false, tls: undefined } }).failures).toEqual([
      { property: "connection.https", reason: expect.stringMatching(/allowHttp: true/) },
    ]);
    expect(StaticRoute.runtime.check({}, { matchUri: CUP, nextHop: CUP_IP, connection: { ...conn, https: false, allowHttp: true, auth: "basic", tls: undefined } }).failures).toEqual([
      { property: "connection.auth", reason: expect.stringMatching(/clear text/) },
    ]);
  });

  it("QuotaLimit is retried", async () => {
    fe.throttleNext("Enumerate");
    expect((await client().listRoutes()).length).toBeGreaterThan(0);
  });
});

describe("plain HTTP and a WinRM without WMI Create/Delete", () => {
  let plain: OcsWinRm;
  beforeAll(async () => {
    plain = await startOcsWinRm({ https: false, cimCreateDelete: false, users: { [USER]: PASSWORD }, stateFile: path.join(tmp, "plain", "state.json") });
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it("reads over HTTP when allowed; Create answers VersionMismatch saying what to do", async () => {
    const c = client({ port: plain.port, https: false, allowHttp: true, tls: undefined, pool: undefined });
    expect((await c.listRoutes()).map((r) => r.matchUri)).toEqual(["gw01.lab.example.com"]);
    const err = await failure(c.createRoute({ matchUri: CUP, nextHop: CUP_IP, port: 5060, transport: "TCP", replaceHostInRequestUri: true, enabled: true }));
    expect(err.code).toBe("VersionMismatch");
    expect(err.message).toMatch(/transport "ssh"/);
    expect(plain.state().routes.map((r) => r.MatchURI)).toEqual(["gw01.lab.example.com"]);
  });
});
